import type { MikroORM } from '@mikro-orm/postgresql';
import {
  CODE_ROWS_SQL,
  codesToLookUp,
  judgeScannedCodes,
  verifyScannedPayloads,
  type CodeRow,
  type ScannedCodeCheck,
} from '../../codes/scanned-code';
import type { Config } from '../../config';
import { typesWithDates, withPgClient } from '../../db/sql';
import { GroupCommitter } from './group-commit';
import { encryptJson, encryptPersonId, hashPersonId } from '../person-identity';
import {
  MAX_SCANS_PER_REQUEST,
  parseScanItem,
  type ScanItem,
  type ScanRejection,
} from './scan-item';
import { storeScans, type NewScan } from '../scan-store';

export type ScanVerdict =
  | { status: 'ACCEPTED' }
  | { status: 'DUPLICATE' }
  | { status: 'REJECTED'; reason: ScanRejection; message: string };

export interface ScanItemResult {
  index: number;
  /** The scan id, in lower case; null when the item had no usable one. */
  id: string | null;
  status: ScanVerdict['status'];
  reason?: ScanRejection;
}

export interface RejectedScan {
  index: number;
  reason: ScanRejection;
  message: string;
}

/** The answer to one request, by item index in the request. */
export interface RecordScansOutcome {
  accepted: number;
  duplicates: number;
  rejected: RejectedScan[];
  results: ScanItemResult[];
}

export type IngestionConfig = Pick<
  Config,
  | 'personHashKey'
  | 'personEncryptionKey'
  | 'codeSigningKeys'
  | 'scanClockSkewSeconds'
  | 'scanRetentionDays'
>;

export interface ScanIngestionDeps {
  orm: MikroORM;
  config: IngestionConfig;
  now: () => Date;
}

/** Flushes and scans over every ScanIngestion of the process: what tests and benchmarks read. */
export const ingestionCounters = { flushes: 0, scans: 0 };

/** A scan whose shape is right, sealed for storage, waiting for its flush. */
interface PendingScan {
  item: ScanItem;
  receivedAt: Date;
  sourceKeyId: string;
  personHash: Buffer;
  personEncrypted: Buffer;
  declarationEncrypted: Buffer | null;
  reportsRisk: boolean;
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

/**
 * Scan ingestion for both doors (POST /api/scans and `recordScans`): checks each item, then
 * hands the well-formed ones to a group committer shared by all requests, so that concurrent
 * requests are judged and stored together and each is answered after its COMMIT. A flush is two
 * statements: one reads what the batch's ids and codes need, one stores the accepted scans with
 * their rollups and commits (storeScans). Two flushes overlap, so that one is judged while the
 * other commits. The scan_id key settles a race between them (or between server processes): a
 * retry whose original is being stored waits for that COMMIT and is then a duplicate.
 */
export class ScanIngestion {
  private readonly committer: GroupCommitter<PendingScan, ScanVerdict>;

  constructor(private readonly deps: ScanIngestionDeps) {
    this.committer = new GroupCommitter((batch) => this.flush(batch), {
      maxBatch: MAX_SCANS_PER_REQUEST,
      maxInFlight: 2,
    });
  }

  /** Records items from a SCAN_SOURCE key; rejects (GroupCommitError) only when storing failed. */
  async record(items: readonly unknown[], sourceKeyId: string): Promise<RecordScansOutcome> {
    const receivedAt = this.deps.now();
    const results: ScanItemResult[] = [];
    const rejections = new Map<number, RejectedScan>();
    const pending: PendingScan[] = [];
    const pendingIndex: number[] = [];
    items.forEach((raw, index) => {
      const parsed = parseScanItem(raw);
      if (parsed.ok) {
        pending.push(this.seal(parsed.item, receivedAt, sourceKeyId));
        pendingIndex.push(index);
        results.push({ index, id: parsed.item.id, status: 'ACCEPTED' });
      } else {
        rejections.set(index, { index, reason: 'MALFORMED_ITEM', message: parsed.message });
        results.push({ index, id: parsed.id, status: 'REJECTED', reason: 'MALFORMED_ITEM' });
      }
    });
    const verdicts = await this.committer.submit(pending);
    verdicts.forEach((verdict, i) => {
      const index = pendingIndex[i];
      results[index].status = verdict.status;
      if (verdict.status === 'REJECTED') {
        results[index].reason = verdict.reason;
        rejections.set(index, { index, reason: verdict.reason, message: verdict.message });
      }
    });
    return {
      accepted: results.filter((r) => r.status === 'ACCEPTED').length,
      duplicates: results.filter((r) => r.status === 'DUPLICATE').length,
      rejected: [...rejections.values()].sort((a, b) => a.index - b.index),
      results,
    };
  }

  /** Flushes what is queued and takes no more scans (the server is stopping). */
  close(): Promise<void> {
    return this.committer.close();
  }

  private seal(item: ScanItem, receivedAt: Date, sourceKeyId: string): PendingScan {
    const { personHashKey, personEncryptionKey } = this.deps.config;
    const declaration = item.healthDeclaration;
    return {
      item,
      receivedAt,
      sourceKeyId,
      personHash: hashPersonId(personHashKey, item.person),
      personEncrypted: encryptPersonId(personEncryptionKey, item.person),
      declarationEncrypted: declaration ? encryptJson(personEncryptionKey, declaration) : null,
      reportsRisk: Boolean(
        declaration &&
        (declaration.symptoms || declaration.contactWithCase || declaration.recentTravel),
      ),
    };
  }

  /**
   * One flush. The ids already stored and the codes' venues and versions are read in one
   * statement; each scan is judged; the accepted ones are stored with their rollups by one
   * statement outside any explicit transaction, which commits as it ends. Callers hear back
   * after that. (Nothing is gained by a transaction around both: at READ COMMITTED the second
   * statement would not see the first's snapshot either, and storeScans itself skips an id
   * that another writer stored in between.)
   */
  private async flush(batch: PendingScan[]): Promise<ScanVerdict[]> {
    const { orm, config } = this.deps;
    ingestionCounters.flushes += 1;
    ingestionCounters.scans += batch.length;
    const now = this.deps.now();
    const verified = verifyScannedPayloads(
      config.codeSigningKeys,
      batch.map((p) => p.item.code),
    );
    const [venueIds, versions] = codesToLookUp(verified);
    return withPgClient(orm, async (client) => {
      const { rows } = await client.query<CodeRow & { knownId: string | null }>({
        name: 'scan-ingest-look-up',
        text: `select c.*, null::text as "knownId" from (${CODE_ROWS_SQL}) as c
               union all
               select null, null, null, null, null, null, null, null, id::text
               from scan_id where id = any($3::uuid[])`,
        values: [venueIds, versions, batch.map((p) => p.item.id)],
        types: typesWithDates(client),
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
          personHash: pending.personHash,
          personEncrypted: pending.personEncrypted,
          sourceKeyId: pending.sourceKeyId,
          declarationEncrypted: pending.declarationEncrypted,
          reportsRisk: pending.reportsRisk,
        });
      });
      const inserted = await storeScans(client, toStore);
      // accepted here but not inserted: another writer stored the same id meanwhile
      return verdicts.map((verdict, i) =>
        verdict.status === 'ACCEPTED' && !inserted.has(batch[i].item.id) ? DUPLICATE : verdict,
      );
    });
  }
}
