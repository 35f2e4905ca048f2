import type { EntityManager } from '@mikro-orm/postgresql';
import { VenueEntity } from './venue.entity';

/**
 * A venue read for a change, its row locked until the transaction ends: changes to one venue
 * (editing, closing, reissuing its code) wait for each other instead of one overwriting the
 * other's (an edit to SUSPENDED racing a closing left a venue SUSPENDED with a closing time,
 * taking scans again). FOR NO KEY UPDATE rather than FOR UPDATE: a scan's rollup rows check
 * their venue with FOR KEY SHARE, and ingestion must not wait for an officer's edit. Call it
 * inside a transaction; the venue is read afresh, whatever the identity map held.
 */
export async function lockVenueForChange(
  em: EntityManager,
  venueId: string,
): Promise<VenueEntity | null> {
  await em.execute('select 1 from venue where id = ? for no key update', [venueId]);
  return em.findOne(VenueEntity, { id: venueId }, { refresh: true });
}
