import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FlushReply, FlushRequest, FlushWorkerData } from './flush-worker';
import type { PendingScan, ScanVerdict } from './scan-flush';

/** A flush that failed in the ingestion thread, with PostgreSQL's code when it had one. */
export class FlushError extends Error {
  constructor(
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'FlushError';
  }
}

/**
 * The HTTP thread's handle on the ingestion thread (flush-worker.ts). Under load the HTTP
 * thread is busy parsing and answering requests; a flush run there waited behind them at each
 * of its round trips to the database, and its hashing and encryption held them up in turn.
 * A thread that crashes fails the flushes it held and is replaced on the next flush. Their
 * callers hear 500 and send again: a flush that had committed before the crash answers the
 * retry with duplicates, one that had not stores it.
 */
export class FlushThread {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly waiting = new Map<
    number,
    { worker: Worker; resolve: (verdicts: ScanVerdict[]) => void; reject: (error: Error) => void }
  >();

  constructor(private readonly data: FlushWorkerData) {}

  flush(batch: PendingScan[], now: Date): Promise<ScanVerdict[]> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { worker, resolve, reject });
      worker.postMessage({ kind: 'flush', id, batch, now } satisfies FlushRequest);
    });
  }

  /** Ends the thread once its pool is closed; call after the last flush has been answered. */
  async close(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage({ kind: 'close' } satisfies FlushRequest);
    await exited;
  }

  private start(): Worker {
    // Compiled (pnpm build), the thread runs flush-worker.js. From TypeScript it loads the
    // sources as the process does; under mocha the loader is not in execArgv, so the thread
    // registers it itself.
    const compiled = __filename.endsWith('.js');
    const entry = path.join(__dirname, compiled ? 'flush-worker.js' : 'flush-worker.ts');
    const worker = compiled
      ? new Worker(entry, { workerData: this.data })
      : new Worker(
          `require(${JSON.stringify(require.resolve('@swc-node/register'))});
           require(${JSON.stringify(entry)});`,
          { eval: true, workerData: this.data },
        );
    worker.on('message', (reply: FlushReply) => {
      const waiter = this.waiting.get(reply.id);
      if (!waiter) return;
      this.waiting.delete(reply.id);
      if ('error' in reply) waiter.reject(new FlushError(reply.error.message, reply.error.code));
      else waiter.resolve(reply.verdicts);
    });
    const fail = (error: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const [id, waiter] of this.waiting) {
        if (waiter.worker !== worker) continue;
        this.waiting.delete(id);
        waiter.reject(error);
      }
    };
    worker.on('error', fail);
    worker.on('exit', (code) =>
      fail(new Error(`the ingestion thread stopped (exit code ${code})`)),
    );
    // a server with nothing else to do may exit; the thread does not keep it alive
    worker.unref();
    this.worker = worker;
    return worker;
  }
}
