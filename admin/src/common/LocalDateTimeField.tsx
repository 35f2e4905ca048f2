import { useRecordContext } from 'react-admin';
import { useFormatters } from '../i18n/format';

/** An instant in the page's language, in Hà Nội time whatever the browser's zone. */
export function LocalDateTimeField({
  source,
}: {
  source: string;
  label?: string;
  sortable?: boolean;
  sortBy?: string;
}) {
  const record = useRecordContext();
  const format = useFormatters();
  const value = source
    .split('.')
    .reduce<any>((at, key) => (at == null ? undefined : at[key]), record) as string | null;
  return <>{format.dateTime(value)}</>;
}
