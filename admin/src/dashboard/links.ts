import { levelOfCode } from '../units/units';

/**
 * The venue list filtered to a unit's never-scanned venues, in the cascade's own filter keys (a
 * ward goes with its district, so the list shows both choices).
 */
export function neverScannedListPath(unitCode: string, districtCode?: string): string {
  const level = levelOfCode(unitCode);
  const unit =
    level === 'WARD'
      ? { districtCode, wardCode: unitCode }
      : level === 'DISTRICT'
        ? { districtCode: unitCode }
        : {};
  const filter = { ...unit, scanStatus: 'NEVER_SCANNED' };
  return `/venues?filter=${encodeURIComponent(JSON.stringify(filter))}`;
}
