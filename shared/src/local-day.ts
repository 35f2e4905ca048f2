/**
 * Figures count local days in Asia/Ho_Chi_Minh: UTC+7 all year, no daylight saving, so a
 * fixed offset is exact and cheaper than a time-zone database.
 */
export const LOCAL_TIME_ZONE = 'Asia/Ho_Chi_Minh';
export const LOCAL_UTC_OFFSET_HOURS = 7;
const OFFSET_MS = LOCAL_UTC_OFFSET_HOURS * 3_600_000;
/** One day in milliseconds (local days have no daylight saving here). */
export const DAY_MS = 86_400_000;

/** A local calendar day written `YYYY-MM-DD`. */
export type LocalDay = string;

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar day in `YYYY-MM-DD` form (rejects 2021-02-30). */
export function isLocalDay(value: string): boolean {
  const match = DAY_PATTERN.exec(value);
  if (!match) return false;
  const [, y, m, d] = match.map(Number);
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** The instant local day `day` starts (00:00 in Hà Nội). */
export function localDayStart(day: LocalDay): Date {
  if (!isLocalDay(day)) throw new RangeError(`not a calendar day: ${day}`);
  return new Date(Date.parse(`${day}T00:00:00Z`) - OFFSET_MS);
}

/** The local day an instant falls on. */
export function localDayOf(instant: Date): LocalDay {
  return new Date(instant.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

export function addDays(day: LocalDay, days: number): LocalDay {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}
