import { parentPort, workerData } from 'node:worker_threads';
import { Pool } from 'pg';
import { flushScans, type IngestionConfig, type PendingScan } from './scan-flush';

/**
 * The ingestion thread: runs the flushes FlushThread sends it on a pool of its own. Values
 * cross threads by structured clone, which turns Buffers into plain Uint8Arrays: the keys are
 * made Buffers again here.
 */
export interface FlushWorkerData {
  databaseUrl: string;
  config: IngestionConfig;
  /** Connections: one per flush in flight. */
  connections: number;
}

export type FlushRequest =
  { kind: 'flush'; id: number; batch: PendingScan[]; now: Date } | { kind: 'close' };

export type FlushReply =
  | { id: number; verdicts: Awaited<ReturnType<typeof flushScans>> }
  | { id: number; error: { message: string; code?: string } };

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const data = workerData as FlushWorkerData;
const config: IngestionConfig = {
  ...data.config,
  personHashKey: asBuffer(data.config.personHashKey),
  personEncryptionKey: asBuffer(data.config.personEncryptionKey),
  codeSigningKeys: new Map(
    [...data.config.codeSigningKeys].map(([id, key]) => [id, asBuffer(key)] as const),
  ),
};
// keepAlive: a connection whose server went away is noticed, not waited on
const pool = new Pool({
  connectionString: data.databaseUrl,
  max: data.connections,
  keepAlive: true,
});
// an idle connection that drops is replaced on next use; it must not end the thread
pool.on('error', () => undefined);

parentPort!.on('message', (request: FlushRequest) => {
  if (request.kind === 'close') {
    void pool.end().finally(() => process.exit(0));
    return;
  }
  flushScans(pool, request.batch, config, request.now).then(
    (verdicts) => parentPort!.postMessage({ id: request.id, verdicts } satisfies FlushReply),
    (error: Error & { code?: string }) =>
      parentPort!.postMessage({
        id: request.id,
        error: { message: error.message, code: error.code },
      } satisfies FlushReply),
  );
});
