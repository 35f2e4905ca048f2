import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { VenueCodeEntity } from './venue-code.entity';
import type { VenueEntity } from '../venues/venue.entity';

/**
 * A new venue's first code version. Signing the payload and rendering the QR image come with
 * the codes feature; what they need (venue, version, key id) is stored from the start.
 */
export function issueFirstCode(
  em: EntityManager,
  venue: VenueEntity,
  keyId: string,
  issuedAt: Date,
) {
  return em.create(VenueCodeEntity, { id: randomUUID(), venue, version: 1, keyId, issuedAt });
}
