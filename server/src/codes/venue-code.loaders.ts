import DataLoader from 'dataloader';
import type { MikroORM } from '@mikro-orm/postgresql';
import { queryRows } from '../db/sql';
import type { VenueCode } from './venue-code.type';

/** The current (latest, unrevoked) code of each venue on a page, in one query. */
export function currentCodeLoader(orm: MikroORM) {
  return new DataLoader<string, VenueCode | null>(async (venueIds) => {
    const rows = await queryRows<VenueCode & { venueId: string }>(
      orm,
      `select distinct on (venue_id) venue_id as "venueId", version, key_id as "keyId",
         issued_at as "issuedAt", revoked_at as "revokedAt"
       from venue_code where venue_id = any($1::uuid[]) and revoked_at is null
       order by venue_id, version desc`,
      [venueIds],
      'current-venue-codes',
    );
    const byVenue = new Map(rows.map((row) => [row.venueId, row]));
    return venueIds.map((id) => byVenue.get(id) ?? null);
  });
}
