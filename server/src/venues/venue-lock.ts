import type { EntityManager } from '@mikro-orm/postgresql';
import type { AreaDirectory } from '../areas/area-directory';
import { requireUnitWithinScope } from '../auth/area-scope';
import type { AreaScope } from '../auth/identity';
import { notFound } from '../graphql/errors';
import { requireUuid } from '../graphql/ids';
import { VenueEntity } from './venue.entity';

/**
 * The venue `id` names, read for a change and within the caller's area, its row locked until the
 * transaction ends: changes to one venue (editing, closing, reissuing its code) wait for each
 * other instead of one overwriting the other's (an edit to SUSPENDED racing a closing left a
 * venue SUSPENDED with a closing time, taking scans again). FOR NO KEY UPDATE rather than FOR
 * UPDATE: a scan's rollup rows check their venue with FOR KEY SHARE, and ingestion must not wait
 * for an officer's edit. Call it inside a transaction; the venue is read afresh, whatever the
 * identity map held.
 */
export async function findVenueForChange(
  em: EntityManager,
  access: { areas: AreaDirectory; scope: AreaScope | undefined },
  id: string,
): Promise<VenueEntity> {
  const venueId = requireUuid(id, 'id', 'a venue');
  await em.execute('select 1 from venue where id = ? for no key update', [venueId]);
  const venue = await em.findOne(VenueEntity, { id: venueId }, { refresh: true });
  if (!venue) throw notFound(`No venue has the id ${id}.`, 'id');
  // the area-scope rule checked the venue before the lock was taken; a move to another ward
  // committed meanwhile is seen only now (area-scope-policy.ts declares the rule)
  requireUnitWithinScope(access.areas, access.scope, venue.ward.unwrap().code, 'venue');
  return venue;
}
