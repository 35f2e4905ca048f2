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

/**
 * The rules for a correctly signed code, in SQL so that ingestion judges and stores a flush in
 * one statement: the reason the code is refused, or null. Reads `i` (the scan: venue_id,
 * code_version, key_id, scanned_at), `v` (venue) and `c` (venue_code), both left-joined on the
 * scan's venue and version. A suspended venue still accepts scans (it is being followed up, not
 * shut); a closed one does not, but a scan taken before the closing still counts: an offline
 * kiosk that uploads the last morning's scans after the closing is not refused. A replaced code
 * version is refused whatever the time: the device sets that time, and a reissue is how a copied
 * poster is stopped. The server signs each version with the key stored for it; another key's
 * tag is not ours.
 */
export const CODE_REJECTION_SQL = `case
    when v.id is null then 'UNKNOWN_VENUE'
    when v.status = 'CLOSED' and (v.closed_at is null or i.scanned_at >= v.closed_at) then 'CLOSED_VENUE'
    when c.key_id is null then 'UNKNOWN_VENUE'
    when c.key_id <> i.key_id then 'FORGED_CODE'
    when c.revoked_at is not null then 'REVOKED_CODE'
  end`;

/**
 * The joins CODE_REJECTION_SQL reads, for scans `i`: a key look-up per scan (OFFSET 0 keeps the
 * planner from turning them into hash joins over whole tables, which it chose for small tables
 * because it guesses an array holds ten elements).
 */
export const CODE_JOINS_SQL = `left join lateral (select * from venue where id = i.venue_id offset 0) v on true
  left join lateral (select * from venue_code where venue_id = i.venue_id and version = i.code_version offset 0) c on true`;

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
 * memory; the venues and versions of all that pass are judged in one query, by the rules
 * ingestion applies, as of now (a closed venue's code is refused).
 */
export async function checkScannedCodes(
  store: CodeStore,
  keys: Map<string, Buffer>,
  payloads: readonly unknown[],
): Promise<ScannedCodeCheck[]> {
  const claims = claimsToJudge(verifyScannedPayloads(keys, payloads));
  const asked = claims.flatMap((claim, i) => ('reason' in claim ? [] : [{ ...claim, i }]));
  const rows =
    asked.length === 0
      ? []
      : await queryRows<{
          ord: number;
          reason: ScannedCodeRejection | null;
          wardCode: string;
          registeredAt: Date;
        }>(
          store,
          `select i.ord::int as ord, ${CODE_REJECTION_SQL} as reason, v.ward_code as "wardCode",
             v.registered_at as "registeredAt"
           from unnest($1::uuid[], $2::int[], $3::text[], $4::timestamptz[])
             with ordinality as i(venue_id, code_version, key_id, scanned_at, ord)
           ${CODE_JOINS_SQL}`,
          [
            asked.map((a) => a.venueId),
            asked.map((a) => a.version),
            asked.map((a) => a.keyId),
            // taken at the end of time: after any closing
            asked.map(() => 'infinity'),
          ],
          'check-scanned-codes',
        );
  // the left joins answer a row for every code asked
  const judged = new Map(rows.map((row) => [asked[row.ord - 1].i, row]));
  return claims.map((claim, i): ScannedCodeCheck => {
    if ('reason' in claim) return { ok: false, reason: claim.reason };
    const row = judged.get(i)!;
    if (row.reason) return { ok: false, reason: row.reason };
    const { venueId, version } = claim;
    return { ok: true, venueId, version, wardCode: row.wardCode, registeredAt: row.registeredAt };
  });
}

/** A correctly signed code's claims, to be judged against the database. */
export interface CodeClaimsToJudge {
  venueId: string;
  version: number;
  keyId: string;
}

/**
 * Each verified code as the claims CODE_REJECTION_SQL judges, or the reason it is refused
 * already: a bad signature, or a version no venue can have (versions are int4 in the table, and
 * a larger one would break the cast).
 */
export function claimsToJudge(
  verified: readonly VerifiedCode[],
): (CodeClaimsToJudge | { reason: ScannedCodeRejection })[] {
  return verified.map((code) => {
    if (!code.ok) return { reason: code.reason };
    if (code.version > MAX_VERSION) return { reason: 'UNKNOWN_VENUE' };
    return { venueId: code.venueId, version: code.version, keyId: code.keyId };
  });
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
