import type { MikroORM } from '@mikro-orm/postgresql';
import { FlushThread } from './flush-thread';
import { GroupCommitter } from './group-commit';
import type { IngestionConfig, PendingScan, ScanVerdict } from './scan-flush';
import { MAX_SCANS_PER_REQUEST, parseScanItem, type ScanRejection } from './scan-item';

export type { IngestionConfig, ScanVerdict } from './scan-flush';

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

export interface ScanIngestionDeps {
  orm: MikroORM;
  config: IngestionConfig;
  now: () => Date;
}

/** Flushes and scans over every ScanIngestion of the process: what tests and benchmarks read. */
export const ingestionCounters = { flushes: 0, scans: 0 };

/**
 * Scan ingestion for both doors (POST /api/scans and `recordScans`): checks each item's shape,
 * then hands the well-formed ones to a group committer shared by all requests, so that
 * concurrent requests are judged and stored together and each is answered after its COMMIT.
 * Flushes run in an ingestion thread of their own (scan-flush.ts, FlushThread); up to four
 * overlap, each one statement that judges, stores and commits. The scan_id key settles a
 * race between them (or between server processes): a retry whose original is being stored
 * waits for that COMMIT and is then a duplicate.
 */
export class ScanIngestion {
  private readonly committer: GroupCommitter<PendingScan, ScanVerdict>;
  private readonly thread: FlushThread;

  constructor(private readonly deps: ScanIngestionDeps) {
    this.thread = new FlushThread({
      databaseUrl: deps.orm.config.get('clientUrl')!,
      config: pickIngestionConfig(deps.config),
      connections: FLUSHES_IN_FLIGHT,
    });
    this.committer = new GroupCommitter(
      (batch) => {
        ingestionCounters.flushes += 1;
        ingestionCounters.scans += batch.length;
        return this.thread.flush(batch, this.deps.now());
      },
      { maxBatch: MAX_SCANS_PER_REQUEST, maxInFlight: FLUSHES_IN_FLIGHT, maxWaitMs: GATHER_MS },
    );
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
        pending.push({ item: parsed.item, receivedAt, sourceKeyId });
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

  /** Flushes what is queued, takes no more scans, and ends the ingestion thread. */
  async close(): Promise<void> {
    await this.committer.close();
    await this.thread.close();
  }
}

/**
 * Flushes at once (each on a connection of the ingestion thread), and how long a free one
 * gathers before it goes. Measured with `pnpm bench:ingest`, single-scan requests from 64
 * clients, a flush being one statement: 2 ms and 3 flushes ~9,300 req/s; 1 ms and 4 ~10,600;
 * 1 ms and 6 or 8 no better (9,400–10,900; rounds vary by ±10%); 0 ms (the next turn of the
 * event loop) and 6 ~10,100, in flushes of 11 scans instead of 25, at a third more PostgreSQL
 * CPU. Batches of 500 are not affected.
 */
const FLUSHES_IN_FLIGHT = 4;
const GATHER_MS = 1;

/** Only what a flush needs crosses to the ingestion thread (not the JWT secret, say). */
function pickIngestionConfig(config: IngestionConfig): IngestionConfig {
  const { personHashKey, personEncryptionKey, codeSigningKeys } = config;
  const { scanClockSkewSeconds, scanRetentionDays } = config;
  return {
    personHashKey,
    personEncryptionKey,
    codeSigningKeys,
    scanClockSkewSeconds,
    scanRetentionDays,
  };
}
