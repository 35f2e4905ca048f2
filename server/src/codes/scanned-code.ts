import { queryRows } from '../db/sql';
import { verifyCodePayload, type VerifiedCode } from './code-payload';

/** Why a scanned code is not counted; ingestion reports these as the item's reason. */
export type ScannedCodeRejection =
  'MALFORMED_CODE' | 'FORGED_CODE' | 'REVOKED_CODE' | 'UNKNOWN_VENUE' | 'CLOSED_VENUE';

export type ScannedCodeCheck =
  | { ok: true; venueId: string; version: number; wardCode: string }
  | { ok: false; reason: ScannedCodeRejection };

/** The ORM, or an entity manager: whatever queryRows reads through. */
type CodeStore = Parameters<typeof queryRows>[0];

/** Versions are int4 in the table; a signed larger one cannot exist, and would break the cast. */
const MAX_VERSION = 2_147_483_647;

interface CodeRow {
  venueId: string;
  version: number;
  status: string;
  wardCode: string;
  /** Null when the venue has no such version. */
  keyId: string | null;
  revoked: boolean;
}

/** Checks one scanned payload: its signature, then the venue and code version it names. */
export async function checkScannedCode(
  store: CodeStore,
  keys: Map<string, Buffer>,
  payload: string,
): Promise<ScannedCodeCheck> {
  return (await checkScannedCodes(store, keys, [payload]))[0];
}

/**
 * Checks a batch of scanned payloads, answering in the same order. Signatures are checked in
 * memory; the venues and versions of all that pass are looked up in one query. A suspended
 * venue still accepts scans (it is being followed up, not shut); a closed one does not.
 */
export async function checkScannedCodes(
  store: CodeStore,
  keys: Map<string, Buffer>,
  payloads: readonly string[],
): Promise<ScannedCodeCheck[]> {
  const verified: VerifiedCode[] = payloads.map((payload) =>
    // items come from JSON: anything but a string is malformed, not a crash
    typeof payload === 'string'
      ? verifyCodePayload(keys, payload)
      : { ok: false, reason: 'MALFORMED_CODE' },
  );
  const wanted = new Map<string, { venueId: string; version: number }>();
  for (const code of verified) {
    if (code.ok && code.version <= MAX_VERSION) {
      wanted.set(pairKey(code.venueId, code.version), code);
    }
  }
  const rows =
    wanted.size === 0
      ? []
      : await queryRows<CodeRow>(
          store,
          `select q.venue_id as "venueId", q.version, v.status, v.ward_code as "wardCode",
             c.key_id as "keyId", c.revoked_at is not null as revoked
           from unnest($1::uuid[], $2::int[]) as q(venue_id, version)
           join venue v on v.id = q.venue_id
           left join venue_code c on c.venue_id = q.venue_id and c.version = q.version`,
          [[...wanted.values()].map((w) => w.venueId), [...wanted.values()].map((w) => w.version)],
          'check-scanned-codes',
        );
  const found = new Map(rows.map((row) => [pairKey(row.venueId, row.version), row]));
  return verified.map((code): ScannedCodeCheck => {
    if (!code.ok) return code;
    const row = found.get(pairKey(code.venueId, code.version));
    if (!row) return { ok: false, reason: 'UNKNOWN_VENUE' };
    if (row.status === 'CLOSED') return { ok: false, reason: 'CLOSED_VENUE' };
    if (row.keyId === null) return { ok: false, reason: 'UNKNOWN_VENUE' };
    // the server signs each version with the key stored for it; another key's tag is not ours
    if (row.keyId !== code.keyId) return { ok: false, reason: 'FORGED_CODE' };
    if (row.revoked) return { ok: false, reason: 'REVOKED_CODE' };
    return { ok: true, venueId: code.venueId, version: code.version, wardCode: row.wardCode };
  });
}

function pairKey(venueId: string, version: number): string {
  return `${venueId}/${version}`;
}
