import { Chip } from '@mui/material';
import { useRecordContext, useTranslate } from 'react-admin';

interface FieldProps {
  source: string;
  label?: string;
  sortable?: boolean;
}

/** The category in the page's language (the API gives the code). */
export function CategoryField(_props: FieldProps) {
  const record = useRecordContext<{ category?: string }>();
  const translate = useTranslate();
  return record?.category ? (
    <>{translate(`resources.venues.categories.${record.category}`)}</>
  ) : null;
}

const SCAN_STATUS_COLOURS = {
  ACTIVE: 'success',
  DORMANT: 'warning',
  NEVER_SCANNED: 'error',
} as const;

/** Whether the venue scans: green active, amber dormant, red never scanned. */
export function ScanStatusChip(_props: FieldProps) {
  const record = useRecordContext<{ scanStatus?: keyof typeof SCAN_STATUS_COLOURS }>();
  const translate = useTranslate();
  if (!record?.scanStatus) return null;
  return (
    <Chip
      size="small"
      color={SCAN_STATUS_COLOURS[record.scanStatus]}
      variant="outlined"
      label={translate(`resources.venues.scanStatuses.${record.scanStatus}`)}
    />
  );
}

export function VenueStatusField(_props: FieldProps) {
  const record = useRecordContext<{ status?: string }>();
  const translate = useTranslate();
  return record?.status ? <>{translate(`resources.venues.statuses.${record.status}`)}</> : null;
}
