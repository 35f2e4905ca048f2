import DataLoader from 'dataloader';
import type { MikroORM } from '@mikro-orm/postgresql';
import { queryRows } from '../db/sql';
import type { VenueRow } from './venue.type';
import { VENUE_COLUMNS, VENUE_FROM } from './venue-columns';

/** Venues by id, many per query; ids must already be valid UUIDs. */
export function venueByIdLoader(orm: MikroORM) {
  return new DataLoader<string, VenueRow | null>(async (ids) => {
    const rows = await queryRows<VenueRow>(
      orm,
      `select ${VENUE_COLUMNS} from ${VENUE_FROM} where v.id = any($1::uuid[])`,
      [ids],
      'venues-by-id',
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}
