import DataLoader from 'dataloader';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { LocalDay } from '@quetma/shared';
import { queryRows } from '../db/sql';

export interface VenueDayKey {
  venueId: string;
  day: LocalDay;
}

/** Risk declarations per venue and local day, read from the rollup kept at ingest: one query per request. */
export function riskDeclarationsLoader(orm: MikroORM) {
  return new DataLoader<VenueDayKey, number, string>(
    async (keys) => {
      const rows = await queryRows<{ venueId: string; day: string; riskDeclarations: number }>(
        orm,
        `select d.venue_id as "venueId", d.day::text as day, d.risk_declarations as "riskDeclarations"
         from unnest($1::uuid[], $2::date[]) as k(venue_id, day)
         join venue_day_scans d on d.venue_id = k.venue_id and d.day = k.day`,
        [keys.map((k) => k.venueId), keys.map((k) => k.day)],
        'risk-declarations',
      );
      const counts = new Map(rows.map((r) => [`${r.venueId}|${r.day}`, r.riskDeclarations]));
      return keys.map((k) => counts.get(`${k.venueId}|${k.day}`) ?? 0);
    },
    { cacheKeyFn: (k) => `${k.venueId}|${k.day}` },
  );
}
