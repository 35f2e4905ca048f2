import type { ComplexityEstimator } from 'graphql-query-complexity';
import { addDays, DAY_MS, isLocalDay, localDayOf, type LocalDay } from '@quetma/shared';
import { badInput } from '../graphql/errors';

/** A day's figures read a unit's venues and rollups: worth more than a plain field. */
export const STATS_COMPLEXITY = 5;

/** A series of days holds at most a leap year: a console's yearly chart, not a whole history. */
export const MAX_SERIES_DAYS = 366;

/** Figures exist up to today (local time): a later day has not happened yet. */
export function checkStatsDay(day: LocalDay, now: Date, field: string): void {
  const today = localDayOf(now);
  if (day > today) throw badInput(field, `${day} is after today (${today}, Asia/Ho_Chi_Minh)`);
}

/**
 * The local days `from` … `to`, both included, of a series of figures: `to` on or after `from`,
 * not after today, and at most MAX_SERIES_DAYS of them.
 */
export function seriesDays(from: LocalDay, to: LocalDay, now: Date): LocalDay[] {
  if (to < from) throw badInput('to', `${to} is before from (${from}): give to on or after from`);
  checkStatsDay(to, now, 'to');
  const count = Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS) + 1;
  if (count > MAX_SERIES_DAYS) {
    throw badInput(
      'to',
      `${from} … ${to} is ${count} days; a series holds at most ${MAX_SERIES_DAYS}: ask in parts`,
    );
  }
  return Array.from({ length: count }, (_, i) => addDays(from, i));
}

/**
 * A series costs what its days would cost asked one by one (query-shape.ts adds it up); a range
 * that will be refused when it runs is priced as one day.
 */
export function seriesComplexity(perDay: number): ComplexityEstimator {
  return ({ args, childComplexity }) => {
    const { from, to } = args as { from?: unknown; to?: unknown };
    const valid =
      typeof from === 'string' && typeof to === 'string' && isLocalDay(from) && isLocalDay(to);
    const count = valid ? Math.round((Date.parse(to) - Date.parse(from)) / DAY_MS) + 1 : 1;
    return 1 + Math.min(Math.max(count, 1), MAX_SERIES_DAYS) * (perDay + childComplexity);
  };
}
