import { localDayOf, type LocalDay } from '@quetma/shared';
import { badInput } from '../graphql/errors';

/** Figures exist up to today (local time): a later day has not happened yet. */
export function checkStatsDay(day: LocalDay, now: Date, field: string): void {
  const today = localDayOf(now);
  if (day > today) throw badInput(field, `${day} is after today (${today}, Asia/Ho_Chi_Minh)`);
}
