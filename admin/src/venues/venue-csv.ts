import type { TranslateFunction as Translate } from 'react-admin';
import type { Formatters } from '../i18n/format';

/** The export's columns: what an officer calling venues needs, in the page's language. */
const COLUMNS: { header: string; value: (v: any, t: Translate, f: Formatters) => string }[] = [
  { header: 'resources.venues.fields.id', value: (v) => v.id },
  { header: 'resources.venues.fields.name', value: (v) => v.name },
  { header: 'resources.venues.fields.address', value: (v) => v.address },
  { header: 'resources.venues.fields.ward.name', value: (v) => v.ward?.name ?? '' },
  { header: 'resources.venues.fields.district.name', value: (v) => v.district?.name ?? '' },
  {
    header: 'resources.venues.fields.category',
    value: (v, t) => t(`resources.venues.categories.${v.category}`),
  },
  {
    header: 'resources.venues.fields.status',
    value: (v, t) => t(`resources.venues.statuses.${v.status}`),
  },
  {
    header: 'resources.venues.fields.scanStatus',
    value: (v, t) => t(`resources.venues.scanStatuses.${v.scanStatus}`),
  },
  {
    header: 'resources.venues.fields.registeredAt',
    value: (v, _t, f) => f.dateTime(v.registeredAt),
  },
  { header: 'resources.venues.fields.lastScanAt', value: (v, _t, f) => f.dateTime(v.lastScanAt) },
  { header: 'resources.venues.fields.totalScans', value: (v) => String(v.totalScans ?? '') },
  { header: 'resources.venues.fields.registrantName', value: (v) => v.registrantName ?? '' },
  { header: 'resources.venues.fields.registrantPhone', value: (v) => v.registrantPhone ?? '' },
];

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * The list as CSV for Excel: UTF-8 with a byte-order mark (without it Excel reads Vietnamese as
 * Windows-1252), CRLF line ends, headers in the page's language.
 */
export function venuesCsv(venues: any[], translate: Translate, format: Formatters): string {
  const lines = [COLUMNS.map((c) => csvField(translate(c.header))).join(',')];
  for (const venue of venues)
    lines.push(COLUMNS.map((c) => csvField(c.value(venue, translate, format))).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
