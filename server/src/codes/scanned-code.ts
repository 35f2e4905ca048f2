import { queryRows } from '../db/sql';
import { verifyCodePayload, type VerifiedCode } from './code-payload';

/** Why a scanned code is not counted; ingestion reports these as the item's reason. */
export type ScannedCodeRejection =
  'MALFORMED_CODE' | 'FORGED_CODE' | 'REVOKED_CODE' | 'UNKNOWN_VENUE' | 'CLOSED_VENUE';

export type ScannedCodeCheck =
  | { ok: true; venueId: string; version: number; wardCode: string; registeredAt: Date }
  | { ok: false; reason: ScannedCodeRejection };

/** The ORM, or an entity manager: whatever queryRows reads through. */
type CodeStore = Parameters<typeof queryRows>[0];

/** Versions are int4 in the table; a signed larger one cannot exist, and would break the cast. */
const MAX_VERSION = 2_147_483_647;

/** A venue and code version as CODE_ROWS_SQL answers it. */
export interface CodeRow {
  venueId: string;
  version: number;
  status: string;
  wardCode: string;
  registeredAt: Date;
  closedAt: Date | null;
  /** Null when the venue has no such version. */
  keyId: string | null;
  revokedAt: Date | null;
}

/**
 * The venues and code versions named by $1 (uuid[]) and $2 (int[]), as CodeRow columns. A
 * statement of its own here; ingestion runs it together with its scan id look-up.
 */
export const CODE_ROWS_SQL = `select q.venue_id::text as "venueId", q.version, v.status, v.ward_code as "wardCode",
    v.registered_at as "registeredAt", v.closed_at as "closedAt", c.key_id as "keyId",
    c.revoked_at as "revokedAt"
  from unnest($1::uuid[], $2::int[]) as q(venue_id, version)
  join venue v on v.id = q.venue_id
  left join venue_code c on c.venue_id = q.venue_id and c.version = q.version`;

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
 * memory; the venues and versions of all that pass are looked up in one query.
 */
export async function checkScannedCodes(
  store: CodeStore,
  keys: Map<string, Buffer>,
  payloads: readonly unknown[],
): Promise<ScannedCodeCheck[]> {
  const verified = verifyScannedPayloads(keys, payloads);
  const [venueIds, versions] = codesToLookUp(verified);
  const rows =
    venueIds.length === 0
      ? []
      : await queryRows<CodeRow>(store, CODE_ROWS_SQL, [venueIds, versions], 'check-scanned-codes');
  return judgeScannedCodes(verified, rows);
}

/**
 * Payloads whose signature checked out, per key set: a venue's poster is scanned all day long,
 * and a kiosk's batch repeats one code, so most scans skip the HMAC. Only good signatures are
 * kept (a flood of forged codes cannot fill it), at most VERIFIED_KEEP per key set, oldest out
 * first. An entry counts only while its key is still the one in the set under that id.
 */
const VERIFIED_KEEP = 50_000;
const verifiedByKeys = new WeakMap<
  Map<string, Buffer>,
  Map<string, { code: VerifiedCode & { ok: true }; key: Buffer }>
>();

/** The signature check of each payload, in memory; anything but a string is malformed. */
export function verifyScannedPayloads(
  keys: Map<string, Buffer>,
  payloads: readonly unknown[],
): VerifiedCode[] {
  let verified = verifiedByKeys.get(keys);
  if (!verified) verifiedByKeys.set(keys, (verified = new Map()));
  return payloads.map((payload) => {
    // items come from JSON: anything but a string is malformed, not a crash
    if (typeof payload !== 'string') return { ok: false, reason: 'MALFORMED_CODE' };
    const known = verified.get(payload);
    if (known && keys.get(known.code.keyId) === known.key) return known.code;
    const result = verifyCodePayload(keys, payload);
    if (result.ok) {
      if (verified.size >= VERIFIED_KEEP) verified.delete(verified.keys().next().value!);
      verified.set(payload, { code: result, key: keys.get(result.keyId)! });
    } else if (known) verified.delete(payload);
    return result;
  });
}

/** The distinct (venue, version) pairs of the correctly signed codes: CODE_ROWS_SQL's $1, $2. */
export function codesToLookUp(verified: readonly VerifiedCode[]): [string[], number[]] {
  const wanted = new Map<string, { venueId: string; version: number }>();
  for (const code of verified) {
    if (code.ok && code.version <= MAX_VERSION) {
      wanted.set(pairKey(code.venueId, code.version), code);
    }
  }
  return [[...wanted.values()].map((w) => w.venueId), [...wanted.values()].map((w) => w.version)];
}

/**
 * Each verified code against the rows found for it. A suspended venue still accepts scans (it
 * is being followed up, not shut); a closed one does not. With `takenAt` (each scan's time), a
 * scan taken before the venue closed still counts: an offline kiosk that uploads the last
 * morning's scans after the closing is not refused. A replaced code version is refused whatever
 * the time: the device sets that time, and a reissue is how a copied poster is stopped.
 */
export function judgeScannedCodes(
  verified: readonly VerifiedCode[],
  rows: readonly CodeRow[],
  takenAt?: readonly Date[],
): ScannedCodeCheck[] {
  const found = new Map(rows.map((row) => [pairKey(row.venueId, row.version), row]));
  return verified.map((code, i): ScannedCodeCheck => {
    if (!code.ok) return code;
    const row = found.get(pairKey(code.venueId, code.version));
    if (!row) return { ok: false, reason: 'UNKNOWN_VENUE' };
    const at = takenAt?.[i].getTime() ?? Infinity;
    if (row.status === 'CLOSED' && (!row.closedAt || at >= row.closedAt.getTime())) {
      return { ok: false, reason: 'CLOSED_VENUE' };
    }
    if (row.keyId === null) return { ok: false, reason: 'UNKNOWN_VENUE' };
    // the server signs each version with the key stored for it; another key's tag is not ours
    if (row.keyId !== code.keyId) return { ok: false, reason: 'FORGED_CODE' };
    if (row.revokedAt) return { ok: false, reason: 'REVOKED_CODE' };
    return {
      ok: true,
      venueId: code.venueId,
      version: code.version,
      wardCode: row.wardCode,
      registeredAt: row.registeredAt,
    };
  });
}

function pairKey(venueId: string, version: number): string {
  return `${venueId}/${version}`;
}
