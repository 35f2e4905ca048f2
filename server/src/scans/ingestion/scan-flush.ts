import { DAY_MS } from '@quetma/shared';
import type { Pool, PoolClient } from 'pg';
import {
  claimsToJudge,
  verifyScannedPayloads,
  type ScannedCodeRejection,
} from '../../codes/scanned-code';
import type { Config } from '../../config';
import { DURABLE_COMMITS_SQL } from '../../db/durable-commits';
import { encryptJson, encryptPersonId, hashPersonId } from '../person-identity';
import {
  forgetScanPartitions,
  idsStoredByOthers,
  storeJudgedScans,
  type ScanNotStored,
  type ScanToJudge,
  type SealedScan,
} from '../scan-store';
import type { ScanItem, ScanRejection } from './scan-item';

/**
 * One flush of scan ingestion: the batch's signatures and times checked and identifiers sealed
 * here, then codes judged and scans stored with their rollups by one statement that commits as
 * it ends (storeJudgedScans), and each scan's verdict told from its answer. It runs in the
 * ingestion thread (flush-worker.ts), away from the thread that answers HTTP, so that its
 * round trips are not queued behind requests and its crypto does not hold them up.
 */

export type ScanVerdict =
  | { status: 'ACCEPTED' }
  | { status: 'DUPLICATE' }
  | { status: 'REJECTED'; reason: ScanRejection; message: string };

export type IngestionConfig = Pick<
  Config,
  | 'personHashKey'
  | 'personEncryptionKey'
  | 'codeSigningKeys'
  | 'scanClockSkewSeconds'
  | 'scanRetentionDays'
>;

/** A scan whose shape is right, waiting for its flush. */
export interface PendingScan {
  item: ScanItem;
  receivedAt: Date;
  sourceKeyId: string;
}

const DUPLICATE: ScanVerdict = { status: 'DUPLICATE' };
const ACCEPTED: ScanVerdict = { status: 'ACCEPTED' };

const CODE_MESSAGES: Record<ScannedCodeRejection, string> = {
  MALFORMED_CODE: 'code: not a quetma venue code (QM1.…)',
  FORGED_CODE: 'code: the signature does not match: the code was altered or not issued by quetma',
  REVOKED_CODE: "code: this version of the venue's code was replaced by a newer one",
  UNKNOWN_VENUE: 'code: no registered venue has this code',
  CLOSED_VENUE: 'code: the venue is closed',
};

export interface JudgeContext {
  now: Date;
  config: Pick<IngestionConfig, 'scanClockSkewSeconds' | 'scanRetentionDays'>;
  /** Ids already stored, at any time. */
  storedIds: ReadonlySet<string>;
  /** Ids taken by earlier items of the same flush. */
  takenIds: ReadonlySet<string>;
}

/** A scan's code and venue as the store statement judged them (registration included). */
export type JudgedCode =
  | { ok: true; registeredAt: Date; beforeRegistration: boolean }
  | { ok: false; reason: ScannedCodeRejection };

/**
 * The rules for one well-formed scan. A known id wins over every other answer: the retry of a
 * scan accepted yesterday stays DUPLICATE even if its venue was closed or its code reissued since.
 */
export function judgeScan(item: ScanItem, code: JudgedCode, ctx: JudgeContext): ScanVerdict {
  if (ctx.storedIds.has(item.id) || ctx.takenIds.has(item.id)) return DUPLICATE;
  if (!code.ok) return rejected(code.reason, CODE_MESSAGES[code.reason]);
  const late = timeRejection(item, ctx);
  if (late) return late;
  if (code.beforeRegistration) {
    return rejected(
      'BEFORE_REGISTRATION',
      `scannedAt: before the venue was registered (${code.registeredAt.toISOString()})`,
    );
  }
  return ACCEPTED;
}

/** A scan time the server refuses whatever the code: too far ahead, or past retention. */
function timeRejection(
  item: ScanItem,
  ctx: Pick<JudgeContext, 'now' | 'config'>,
): ScanVerdict | undefined {
  const at = item.scannedAt.getTime();
  const { scanClockSkewSeconds: skew, scanRetentionDays: days } = ctx.config;
  if (at > ctx.now.getTime() + skew * 1_000) {
    return rejected(
      'FUTURE_TIME',
      `scannedAt: ${item.scannedAt.toISOString()} is more than ${skew} s ahead of the server clock (${ctx.now.toISOString()})`,
    );
  }
  if (at < ctx.now.getTime() - days * DAY_MS) {
    return rejected('TOO_OLD', `scannedAt: older than ${days} days, the time scans are kept`);
  }
  return undefined;
}

function rejected(reason: ScanRejection, message: string): ScanVerdict {
  return { status: 'REJECTED', reason, message };
}

/**
 * The identifier and the declaration sealed as README 'Sending scans' says: the identifier as a
 * keyed hash and an AES-256-GCM copy, the declaration as an AES-256-GCM copy alone.
 */
function seal(pending: PendingScan, config: IngestionConfig): SealedScan {
  const { item } = pending;
  const declaration = item.healthDeclaration;
  return {
    receivedAt: pending.receivedAt,
    direction: item.direction,
    method: item.method,
    sourceKeyId: pending.sourceKeyId,
    personHash: hashPersonId(config.personHashKey, item.person),
    personEncrypted: encryptPersonId(config.personEncryptionKey, item.person),
    declarationEncrypted: declaration ? encryptJson(config.personEncryptionKey, declaration) : null,
    reportsRisk: Boolean(
      declaration &&
      (declaration.symptoms || declaration.contactWithCase || declaration.recentTravel),
    ),
  };
}

/** PostgreSQL's answer when a row has no partition: one was dropped after this thread made sure of it. */
const NO_PARTITION = /no partition of relation/;

/**
 * One flush, answered one verdict per item. Signatures and times are checked here, and only
 * scans that pass them are sealed; the statement judges the codes and stores what passes. A
 * scan it did not store is judged here again with what it answered (judgeScan), so every rule
 * keeps its precedence: a known id over any refusal, a refused code over a bad time. Scans
 * refused for a change that may have come after their first sending was stored are checked
 * once more against flushes still in progress (REFUSALS_THAT_MAY_FOLLOW_A_STORE).
 */
export async function flushScans(
  pool: Pool,
  batch: PendingScan[],
  config: IngestionConfig,
  now: Date,
): Promise<ScanVerdict[]> {
  const claims = claimsToJudge(
    verifyScannedPayloads(
      config.codeSigningKeys,
      batch.map((p) => p.item.code),
    ),
  );
  const toJudge = batch.map((pending, i): ScanToJudge => {
    const { id, scannedAt } = pending.item;
    const claim = claims[i];
    if ('reason' in claim) return { id, scannedAt };
    if (timeRejection(pending.item, { now, config })) return { id, scannedAt, claims: claim };
    return { id, scannedAt, claims: claim, sealed: seal(pending, config) };
  });
  const client = await connectForFlushes(pool);
  try {
    const notStored = await storeAnew(client, toJudge);
    const storedIds = new Set<string>();
    for (const [i, answer] of notStored) if (answer.known) storedIds.add(batch[i].item.id);
    const verdicts = judgeFlush(batch, claims, notStored, { now, config, storedIds });
    // this flush's own ids are known: one it stored may also be refused at another position
    const storedHere = new Set(batch.filter((_, i) => !notStored.has(i)).map((p) => p.item.id));
    const unsure = batch.filter(
      (p, i) => refusedForAChangeSince(verdicts[i]) && !storedHere.has(p.item.id),
    );
    if (unsure.length === 0) return verdicts;
    const storedMeanwhile = await idsStoredByOthers(
      client,
      unsure.map((p) => p.item.id),
    );
    for (const id of storedMeanwhile) storedIds.add(id);
    return judgeFlush(batch, claims, notStored, { now, config, storedIds });
  } finally {
    client.release();
  }
}

/**
 * Refusals a retry can meet although the scan it repeats was accepted: the venue's code was
 * reissued, the venue closed, or the scan aged past retention, after the first sending was
 * judged. When that first sending's flush has not committed yet (the client gave up waiting
 * on a stalled database and sent again), the store statement does not see its id, so these
 * are checked once more against writers in progress (idsStoredByOthers): a scan that is
 * stored is a DUPLICATE, never REJECTED. Forged and malformed codes are not: a retry carries
 * the code its first sending did, and a flood of them must not cost a write each.
 */
const REFUSALS_THAT_MAY_FOLLOW_A_STORE = new Set<ScanRejection>([
  'REVOKED_CODE',
  'CLOSED_VENUE',
  'TOO_OLD',
]);

function refusedForAChangeSince(verdict: ScanVerdict): boolean {
  return verdict.status === 'REJECTED' && REFUSALS_THAT_MAY_FOLLOW_A_STORE.has(verdict.reason);
}

/**
 * Each scan's verdict from what the store statement answered: a scan missing from `notStored`
 * was stored; the others are judged by judgeScan, so every rule keeps its precedence.
 */
function judgeFlush(
  batch: readonly PendingScan[],
  claims: ReturnType<typeof claimsToJudge>,
  notStored: ReadonlyMap<number, ScanNotStored>,
  known: Omit<JudgeContext, 'takenIds'>,
): ScanVerdict[] {
  const takenIds = new Set<string>();
  const context: JudgeContext = { ...known, takenIds };
  return batch.map((pending, i) => {
    const answer = notStored.get(i);
    if (!answer) {
      takenIds.add(pending.item.id);
      return ACCEPTED;
    }
    const verdict = judgeScan(pending.item, judgedCode(claims[i], answer), context);
    if (verdict.status === 'ACCEPTED') {
      // the statement and judgeScan disagree: fail the flush (its callers send again) rather
      // than acknowledge a scan that was not stored
      throw new Error(`scan ${pending.item.id} passed every rule but was not stored`);
    }
    if (verdict.status !== 'REJECTED') takenIds.add(pending.item.id);
    return verdict;
  });
}

/** A scan's code as judgeScan takes it: refused here, refused by the statement, or good. */
function judgedCode(
  claim: ReturnType<typeof claimsToJudge>[number],
  answer: ScanNotStored,
): JudgedCode {
  if ('reason' in claim) return { ok: false, reason: claim.reason };
  if (answer.codeReason) return { ok: false, reason: answer.codeReason };
  return {
    ok: true,
    registeredAt: answer.registeredAt!,
    beforeRegistration: answer.beforeRegistration,
  };
}

/**
 * The longest a flush's statement may run: one stuck behind a lock (a schema change, a long
 * transaction holding rows it needs) fails, and its callers hear 500 and send again, instead of
 * holding one of the few flush slots, and the scans queued behind them, indefinitely.
 */
const FLUSH_TIMEOUT = '30s';

/** Connections of the ingestion pool already set up for flushes. */
const setUp = new WeakSet<PoolClient>();

/**
 * A connection for a flush, set up on its first use by statements rather than startup options
 * (which connection poolers refuse). Its commits are durable whatever the server's default
 * (DURABLE_COMMITS_SQL): a flush's COMMIT is what its scans' acknowledgement waits for. And it
 * uses generic plans: the store statement's arrays differ in size from flush to flush, and with
 * custom plans PostgreSQL planned it afresh for each one (their estimated cost always beat the
 * generic plan's guess of ten elements), a third of a small flush's time. The generic plan is
 * the one its joins are written for (CODE_JOINS_SQL, storeJudgedScans). And its statements time
 * out (FLUSH_TIMEOUT).
 */
export async function connectForFlushes(pool: Pool): Promise<PoolClient> {
  const client = await pool.connect();
  if (setUp.has(client)) return client;
  try {
    await client.query(
      `${DURABLE_COMMITS_SQL}; set plan_cache_mode = force_generic_plan; set statement_timeout = '${FLUSH_TIMEOUT}'`,
    );
  } catch (error) {
    client.release(error as Error);
    throw error;
  }
  setUp.add(client);
  return client;
}

/**
 * storeJudgedScans, once more if a partition this thread remembered has been dropped since (by
 * retention in another thread or process): the failed statement stored nothing.
 */
async function storeAnew(
  client: PoolClient,
  scans: ScanToJudge[],
): Promise<Map<number, ScanNotStored>> {
  try {
    return await storeJudgedScans(client, scans);
  } catch (error) {
    if (!NO_PARTITION.test((error as Error).message)) throw error;
    forgetScanPartitions();
    return storeJudgedScans(client, scans);
  }
}
