import type { UnitLevel } from '@quetma/shared';

/** The columns every venue read selects, as VenueRow names them (v = venue, a = venue_activity). */
export const VENUE_COLUMNS = `
  v.id, v.name, v.category, v.address, v.ward_code as "wardCode",
  v.registrant_name as "registrantName", v.registrant_phone as "registrantPhone",
  v.is_agency_headquarters as "isAgencyHeadquarters", v.registered_at as "registeredAt",
  v.status, v.closed_at as "closedAt", v.closed_reason as "closedReason",
  a.first_scan_at as "firstScanAt", a.last_scan_at as "lastScanAt", coalesce(a.scans, 0)::int as "totalScans"`;

export const VENUE_FROM = `venue v left join venue_activity a on a.venue_id = v.id`;

/** The venue column that places a venue in a unit of each level (denormalised on purpose). */
export const VENUE_UNIT_COLUMN: Record<UnitLevel, string> = {
  CITY: 'city_code',
  DISTRICT: 'district_code',
  WARD: 'ward_code',
};
