import type { VenueRow } from './venue.type';

/** The columns every venue read selects, as VenueRow names them (v = venue, a = venue_activity). */
export const VENUE_COLUMNS = `
  v.id, v.name, v.category, v.address, v.ward_code as "wardCode",
  v.registrant_name as "registrantName", v.registrant_phone as "registrantPhone",
  v.is_agency_headquarters as "isAgencyHeadquarters", v.registered_at as "registeredAt",
  v.status, v.closed_at as "closedAt", v.closed_reason as "closedReason",
  a.first_scan_at as "firstScanAt", a.last_scan_at as "lastScanAt", coalesce(a.scans, 0)::int as "totalScans"`;

export const VENUE_FROM = `venue v left join venue_activity a on a.venue_id = v.id`;

/** The ORM's pg pool hands timestamps back as text; the API works with Dates. */
export function toVenueRow<T extends object>(row: T): T & VenueRow {
  const raw = row as Record<string, unknown>;
  const at = (value: unknown) =>
    value === null || value === undefined ? null : new Date(value as string);
  return Object.assign(row, {
    registeredAt: at(raw.registeredAt)!,
    closedAt: at(raw.closedAt),
    firstScanAt: at(raw.firstScanAt),
    lastScanAt: at(raw.lastScanAt),
  }) as T & VenueRow;
}
