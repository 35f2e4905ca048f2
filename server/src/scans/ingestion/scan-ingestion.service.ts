import type { MikroORM } from '@mikro-orm/postgresql';
import { verifyCodePayload } from '../../codes/code-payload';
import { checkScannedCodes, type ScannedCodeCheck } from '../../codes/scanned-code';
import type { Config } from '../../config';
import { withPgTransaction } from '../../db/sql';
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
  registeredAt: ReadonlyMap<string, Date>;
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
  const registeredAt = ctx.registeredAt.get(code.venueId);
  // the venue was deleted while the batch was being judged
  if (!registeredAt) return rejected('UNKNOWN_VENUE', CODE_MESSAGES.UNKNOWN_VENUE);
  if (at < registeredAt.getTime()) {
    return rejected(
      'BEFORE_REGISTRATION',
      `scannedAt: before the venue was registered (${registeredAt.toISOString()})`,
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
 * requests are judged and stored in one transaction and each is answered after its COMMIT.
 * Two flushes overlap, so that one is judged while the other commits. A retry racing its
 * original in the other flush waits for that flush and is then a duplicate if the original was
 * stored, even with another scannedAt. (Another server process on the same database is only
 * held off by the (id, scanned_at) key: a same-id retry with another time could then slip in.)
 */
export class ScanIngestion {
  private readonly committer: GroupCommitter<PendingScan, ScanVerdict>;
  /** Ids of flushes not yet committed, with whether each was stored once they have. */
  private readonly inFlightIds = new Map<string, Promise<boolean>>();

  constructor(private readonly deps: ScanIngestionDeps) {
    this.committer = new GroupCommitter((batch) => this.trackedFlush(batch), {
      maxBatch: MAX_SCANS_PER_REQUEST,
      maxInFlight: 2,
    });
  }

  /**
   * Registers the batch's ids before anything reads the database, and forgets them only after
   * COMMIT: a flush that starts earlier sees them here, one that starts later sees the rows.
   */
  private async trackedFlush(batch: PendingScan[]): Promise<ScanVerdict[]> {
    const earlier = new Map<string, Promise<boolean>>();
    for (const { item } of batch) {
      const other = this.inFlightIds.get(item.id);
      if (other) earlier.set(item.id, other);
    }
    let settle!: (verdicts: ScanVerdict[] | undefined) => void;
    const done = new Promise<ScanVerdict[] | undefined>((resolve) => (settle = resolve));
    const mine = new Map<string, Promise<boolean>>();
    batch.forEach(({ item }, i) => {
      if (mine.has(item.id) || earlier.has(item.id)) return;
      const stored = done.then((verdicts) => verdicts?.[i].status === 'ACCEPTED');
      mine.set(item.id, stored);
      this.inFlightIds.set(item.id, stored);
    });
    let verdicts: ScanVerdict[] | undefined;
    try {
      const storedEarlier = new Set<string>();
      for (const [id, stored] of earlier) if (await stored) storedEarlier.add(id);
      verdicts = await this.flush(batch, storedEarlier);
      return verdicts;
    } finally {
      settle(verdicts);
      for (const [id, stored] of mine)
        if (this.inFlightIds.get(id) === stored) this.inFlightIds.delete(id);
    }
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
   * One flush, one transaction: the ids looked up (and the codes checked, in one query for the
   * batch), each scan judged, the accepted ones stored with their rollups (storeScans, one
   * statement). Callers hear back after COMMIT.
   */
  private async flush(
    batch: PendingScan[],
    storedEarlier: ReadonlySet<string>,
  ): Promise<ScanVerdict[]> {
    const { orm, config } = this.deps;
    ingestionCounters.flushes += 1;
    ingestionCounters.scans += batch.length;
    const now = this.deps.now();
    const payloads = batch.map((p) => p.item.code);
    // the venues that correctly signed codes name, for their registration times
    const claimedVenues = new Set<string>();
    for (const payload of payloads) {
      const claim = verifyCodePayload(config.codeSigningKeys, payload);
      if (claim.ok) claimedVenues.add(claim.venueId);
    }
    return withPgTransaction(orm, async (client) => {
      // the full code check (another connection) runs while this one looks the ids up
      const [codes, , { rows }] = await Promise.all([
        checkScannedCodes(orm, config.codeSigningKeys, payloads),
        // probe the key of each daily partition: with small partitions the planner prefers seq
        // scans, which test every row against the whole id list (a batch took 80 ms, not 25)
        client.query('set local enable_seqscan = off'),
        // the key is (id, scanned_at): looking up by id alone catches a retry with another time
        client.query<{ kind: string; id: string; registeredAt: Date | null }>({
          name: 'scan-ingest-known-ids',
          text: `select 'scan' as kind, id::text as id, null::timestamptz as "registeredAt"
                   from scan where id = any($1::uuid[])
                 union all
                 select 'venue', id::text, registered_at from venue where id = any($2::uuid[])`,
          values: [batch.map((p) => p.item.id), [...claimedVenues]],
        }),
      ]);
      const storedIds = new Set(rows.filter((r) => r.kind === 'scan').map((r) => r.id));
      for (const id of storedEarlier) storedIds.add(id);
      const registeredAt = new Map(
        rows.filter((r) => r.kind === 'venue').map((r) => [r.id, new Date(r.registeredAt!)]),
      );
      const takenIds = new Set<string>();
      const context: JudgeContext = { now, config, storedIds, takenIds, registeredAt };
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
      // accepted here but not inserted: another writer stored the same id and time meanwhile
      return verdicts.map((verdict, i) =>
        verdict.status === 'ACCEPTED' && !inserted.has(batch[i].item.id) ? DUPLICATE : verdict,
      );
    });
  }
}
