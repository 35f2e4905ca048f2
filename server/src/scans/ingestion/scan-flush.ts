import type { Pool, PoolClient } from 'pg';
import {
  CODE_ROWS_SQL,
  codesToLookUp,
  judgeScannedCodes,
  verifyScannedPayloads,
  type CodeRow,
  type ScannedCodeCheck,
} from '../../codes/scanned-code';
import type { Config } from '../../config';
import { encryptJson, encryptPersonId, hashPersonId } from '../person-identity';
import { forgetScanPartitions, storeScans, type NewScan } from '../scan-store';
import type { ScanItem, ScanRejection } from './scan-item';

/**
 * One flush of scan ingestion: the batch's signatures checked and identifiers sealed, its known
 * ids and code versions read in one statement, each scan judged, and the accepted ones stored
 * with their rollups by one statement that commits as it ends (storeScans). It runs in the
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

const CODE_MESSAGES: Record<Exclude<ScannedCodeCheck, { ok: true }>['reason'], string> = {
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

/**
 * The rules for one well-formed scan. A known id wins over every other answer: the retry of a
 * scan accepted yesterday stays DUPLICATE even if its venue was closed or its code reissued since.
 */
export function judgeScan(item: ScanItem, code: ScannedCodeCheck, ctx: JudgeContext): ScanVerdict {
  if (ctx.storedIds.has(item.id) || ctx.takenIds.has(item.id)) return DUPLICATE;
  if (!code.ok) return rejected(code.reason, CODE_MESSAGES[code.reason]);
  const at = item.scannedAt.getTime();
  const { scanClockSkewSeconds: skew, scanRetentionDays: days } = ctx.config;
  if (at > ctx.now.getTime() + skew * 1_000) {
    return rejected(
      'FUTURE_TIME',
      `scannedAt: ${item.scannedAt.toISOString()} is more than ${skew} s ahead of the server clock (${ctx.now.toISOString()})`,
    );
  }
  if (at < ctx.now.getTime() - days * 86_400_000) {
    return rejected('TOO_OLD', `scannedAt: older than ${days} days, the time scans are kept`);
  }
  if (at < code.registeredAt.getTime()) {
    return rejected(
      'BEFORE_REGISTRATION',
      `scannedAt: before the venue was registered (${code.registeredAt.toISOString()})`,
    );
  }
  return ACCEPTED;
}

function rejected(reason: ScanRejection, message: string): ScanVerdict {
  return { status: 'REJECTED', reason, message };
}

/** The identifier and the declaration sealed as the design says: keyed hash and AES-GCM copies. */
function seal(pending: PendingScan, config: IngestionConfig) {
  const { item } = pending;
  const declaration = item.healthDeclaration;
  return {
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
 * One flush, answered one verdict per item. The ids already stored and the codes' venues and
 * versions are read in one statement; each scan is judged; the accepted ones are stored outside
 * any explicit transaction, by one statement that commits as it ends. (A transaction around both
 * would gain nothing: at READ COMMITTED the second statement takes a new snapshot anyway, and
 * storeScans skips an id that another writer stored in between.)
 */
export async function flushScans(
  pool: Pool,
  batch: PendingScan[],
  config: IngestionConfig,
  now: Date,
): Promise<ScanVerdict[]> {
  const verified = verifyScannedPayloads(
    config.codeSigningKeys,
    batch.map((p) => p.item.code),
  );
  const [venueIds, versions] = codesToLookUp(verified);
  const client = await pool.connect();
  try {
    const { rows } = await client.query<CodeRow & { knownId: string | null }>({
      name: 'scan-ingest-look-up',
      text: `select c.*, null::text as "knownId" from (${CODE_ROWS_SQL}) as c
             union all
             select null, null, null, null, null, null, null, null, id::text
             from scan_id where id = any($3::uuid[])`,
      values: [venueIds, versions, batch.map((p) => p.item.id)],
    });
    const storedIds = new Set<string>();
    const codeRows: CodeRow[] = [];
    for (const row of rows) {
      if (row.knownId) storedIds.add(row.knownId);
      else codeRows.push(row);
    }
    const codes = judgeScannedCodes(
      verified,
      codeRows,
      batch.map((p) => p.item.scannedAt),
    );
    const takenIds = new Set<string>();
    const context: JudgeContext = { now, config, storedIds, takenIds };
    const verdicts = batch.map((pending, i) => {
      const verdict = judgeScan(pending.item, codes[i], context);
      if (verdict.status !== 'REJECTED') takenIds.add(pending.item.id);
      return verdict;
    });
    const toStore: NewScan[] = [];
    batch.forEach((pending, i) => {
      const code = codes[i];
      if (verdicts[i].status !== 'ACCEPTED' || !code.ok) return;
      toStore.push({
        id: pending.item.id,
        venueId: code.venueId,
        codeVersion: code.version,
        scannedAt: pending.item.scannedAt,
        receivedAt: pending.receivedAt,
        direction: pending.item.direction,
        method: pending.item.method,
        sourceKeyId: pending.sourceKeyId,
        wardCode: code.wardCode,
        ...seal(pending, config),
      });
    });
    const inserted = await storeAnew(client, toStore);
    // accepted here but not inserted: another writer stored the same id meanwhile
    return verdicts.map((verdict, i) =>
      verdict.status === 'ACCEPTED' && !inserted.has(batch[i].item.id) ? DUPLICATE : verdict,
    );
  } finally {
    client.release();
  }
}

/**
 * storeScans, once more if a partition this thread remembered has been dropped since (by
 * retention in another thread or process): the failed statement stored nothing.
 */
async function storeAnew(client: PoolClient, scans: NewScan[]): Promise<Set<string>> {
  try {
    return await storeScans(client, scans);
  } catch (error) {
    if (!NO_PARTITION.test((error as Error).message)) throw error;
    forgetScanPartitions();
    return storeScans(client, scans);
  }
}
