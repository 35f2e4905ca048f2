import { Box, Card, CardContent, Grid, Stack, Typography } from '@mui/material';
import {
  BooleanField,
  EditButton,
  Labeled,
  Show,
  TextField,
  TopToolbar,
  usePermissions,
  useRecordContext,
  useTranslate,
} from 'react-admin';
import { accessOf, type Permissions } from '../access/role-access';
import { LocalDateTimeField } from '../common/LocalDateTimeField';
import { useFormatters } from '../i18n/format';
import { CloseVenueButton, ReissueCodeButton } from './venue-actions';
import { VenueActivityChart } from './VenueActivityChart';
import { CategoryField, ScanStatusChip, VenueStatusField } from './venue-fields';

function VenueShowActions() {
  const { permissions } = usePermissions<Permissions>();
  const record = useRecordContext<{ status?: string }>();
  const access = accessOf(permissions);
  if (!access.editVenues || record?.status === 'CLOSED') return <TopToolbar />;
  return (
    <TopToolbar>
      <ReissueCodeButton />
      <CloseVenueButton />
      <EditButton />
    </TopToolbar>
  );
}

function CodeCard() {
  const record = useRecordContext<any>();
  const translate = useTranslate();
  const format = useFormatters();
  if (!record) return null;
  const code = record.currentCode;
  return (
    <Card variant="outlined">
      <CardContent>
        <Typography variant="h6" gutterBottom>
          {translate('resources.venues.show.code')}
        </Typography>
        {code ? (
          <Stack spacing={1} alignItems="flex-start">
            {/* the image is public: it hangs on the venue's wall; the version busts the cache */}
            <Box
              component="img"
              src={`/venues/${record.id}/qr.svg?v=${code.version}`}
              alt={translate('resources.venues.show.code')}
              sx={{ width: 180, height: 180, border: '1px solid #ddd' }}
            />
            <Typography variant="body2" color="text.secondary">
              {translate('resources.venues.show.codeVersion', {
                version: code.version,
                issuedAt: format.dateTime(code.issuedAt),
              })}
            </Typography>
            <a
              href={`/venues/${record.id}/poster.pdf?v=${code.version}`}
              download={`poster-${record.id}.pdf`}
            >
              {translate('resources.venues.show.poster')}
            </a>
          </Stack>
        ) : (
          <Typography>{translate('resources.venues.show.noCode')}</Typography>
        )}
      </CardContent>
    </Card>
  );
}

function Details() {
  const record = useRecordContext<any>();
  return (
    <Card variant="outlined">
      <CardContent>
        <Grid container spacing={2}>
          <Grid size={{ xs: 12, md: 6 }}>
            <Stack spacing={1.5} alignItems="flex-start">
              <Labeled source="name">
                <TextField source="name" />
              </Labeled>
              <Labeled source="address">
                <TextField source="address" />
              </Labeled>
              <Labeled source="ward.name">
                <TextField source="ward.name" />
              </Labeled>
              <Labeled source="district.name">
                <TextField source="district.name" />
              </Labeled>
              <Labeled source="category">
                <CategoryField source="category" />
              </Labeled>
              <Labeled source="isAgencyHeadquarters">
                <BooleanField source="isAgencyHeadquarters" />
              </Labeled>
            </Stack>
          </Grid>
          <Grid size={{ xs: 12, md: 6 }}>
            <Stack spacing={1.5} alignItems="flex-start">
              <Labeled source="status">
                <VenueStatusField source="status" />
              </Labeled>
              <Labeled source="scanStatus">
                <ScanStatusChip source="scanStatus" />
              </Labeled>
              <Labeled source="registeredAt">
                <LocalDateTimeField source="registeredAt" />
              </Labeled>
              <Labeled source="firstScanAt">
                <LocalDateTimeField source="firstScanAt" />
              </Labeled>
              <Labeled source="lastScanAt">
                <LocalDateTimeField source="lastScanAt" />
              </Labeled>
              <Labeled source="registrantName">
                <TextField source="registrantName" />
              </Labeled>
              <Labeled source="registrantPhone">
                <TextField source="registrantPhone" />
              </Labeled>
              {record?.closedAt && (
                <Labeled source="closedAt">
                  <LocalDateTimeField source="closedAt" />
                </Labeled>
              )}
              {record?.closedReason && (
                <Labeled source="closedReason">
                  <TextField source="closedReason" />
                </Labeled>
              )}
            </Stack>
          </Grid>
        </Grid>
      </CardContent>
    </Card>
  );
}

export default function VenueShow() {
  return (
    <Show actions={<VenueShowActions />}>
      <Grid container spacing={2} sx={{ p: 2 }}>
        <Grid size={{ xs: 12, lg: 8 }}>
          <Stack spacing={2}>
            <Details />
            <VenueActivityChart />
          </Stack>
        </Grid>
        <Grid size={{ xs: 12, lg: 4 }}>
          <CodeCard />
        </Grid>
      </Grid>
    </Show>
  );
}
