import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AreaDirectory } from '../areas/area-directory';
import type { AreaScope } from '../auth/identity';
import { conflict } from '../graphql/errors';
import type { VenueEntity } from '../venues/venue.entity';
import { findVenueForChange } from '../venues/venue-lock';
import { signCodePayload } from './code-payload';
import { VenueCodeEntity } from './venue-code.entity';

/** A new venue's first code version; its payload is derived from it whenever it is needed. */
export function issueFirstCode(
  em: EntityManager,
  venue: VenueEntity,
  keyId: string,
  issuedAt: Date,
) {
  return em.create(VenueCodeEntity, { ...firstCodeRow(keyId, issuedAt), venue });
}

/** The first code version's row but its venue: issueFirstCode's, and the CSV import's in bulk. */
export function firstCodeRow(keyId: string, issuedAt: Date) {
  return { id: randomUUID(), version: 1, keyId, issuedAt };
}

export interface ReissueRules {
  em: EntityManager;
  areas: AreaDirectory;
  now: Date;
  /** The key that signs new versions (config.codeKeyId). */
  codeKeyId: string;
  /** An officer's district or ward: venues elsewhere are refused. */
  scope: AreaScope | undefined;
}

/**
 * Revokes a venue's code in force and issues the next version, signed with the current key:
 * posters printed before stop being accepted at once. One transaction, with the venue row
 * locked, so two concurrent reissues make two successive versions rather than a conflict.
 */
export async function reissueVenueCode(rules: ReissueRules, id: string): Promise<string> {
  return rules.em.transactional(async (em) => {
    const venue = await findVenueForChange(em, rules, id);
    const venueId = venue.id;
    if (venue.status === 'CLOSED') {
      throw conflict(`Venue ${id} is closed: its code can no longer be reissued.`, 'id');
    }
    const latest = await em.findOne(
      VenueCodeEntity,
      { venue: venueId },
      { orderBy: { version: 'desc' } },
    );
    await em.nativeUpdate(
      VenueCodeEntity,
      { venue: venueId, revokedAt: null },
      { revokedAt: rules.now },
    );
    em.create(VenueCodeEntity, {
      id: randomUUID(),
      venue,
      version: (latest?.version ?? 0) + 1,
      keyId: rules.codeKeyId,
      issuedAt: rules.now,
    });
    return venue.id;
  });
}

/**
 * The payload of a stored code version. Payloads are deterministic, so they are derived rather
 * than stored; a version whose key has been retired cannot be signed any more.
 */
export function payloadOf(
  keys: Map<string, Buffer>,
  code: { venueId: string; version: number; keyId: string },
): string {
  if (!keys.has(code.keyId)) {
    throw conflict(
      `Version ${code.version} of this venue's code was signed with key ${code.keyId}, which is no longer configured: reissue the code.`,
    );
  }
  return signCodePayload(keys, code);
}
