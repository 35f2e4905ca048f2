import DataLoader from 'dataloader';
import type { MikroORM } from '@mikro-orm/postgresql';
import { addDays, type LocalDay } from '@quetma/shared';
import { queryRows } from '../../db/sql';
import type { VenueDay } from './venue-day.type';

export interface VenueDaysKey {
  venueId: string;
  /** First and last local day, both included; checked by the resolver (seriesDays). */
  from: LocalDay;
  to: LocalDay;
}

const keyOf = (k: VenueDaysKey) => `${k.venueId}|${k.from}|${k.to}`;

/**
 * Each venue's scans per day over its range, days without scans as 0: one statement for every
 * venue of a request (a page of venues with their activity), reading the rollup by its key.
 */
export function venueDaysLoader(orm: MikroORM) {
  return new DataLoader<VenueDaysKey, VenueDay[], string>(
    async (keys) => {
      const rows = await queryRows<{ i: string; day: string; scans: number }>(
        orm,
        `select k.i, d.day::text as day, d.scans
         from unnest($1::uuid[], $2::date[], $3::date[]) with ordinality as k(venue_id, first_day, last_day, i)
         join venue_day_scans d on d.venue_id = k.venue_id and d.day between k.first_day and k.last_day`,
        [keys.map((k) => k.venueId), keys.map((k) => k.from), keys.map((k) => k.to)],
        'venue-days',
      );
      const scans = new Map(rows.map((r) => [`${Number(r.i) - 1}|${r.day}`, r.scans]));
      return keys.map((key, i) => {
        const days: VenueDay[] = [];
        for (let day = key.from; day <= key.to; day = addDays(day, 1)) {
          days.push({ date: day, scans: scans.get(`${i}|${day}`) ?? 0 });
        }
        return days;
      });
    },
    { cacheKeyFn: keyOf },
  );
}
