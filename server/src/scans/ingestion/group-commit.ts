/**
 * Group commit: many small submissions (a kiosk's single scan per request, say) share one
 * transaction instead of paying a round trip, a lock cycle and a WAL flush each. A committer
 * with a free flush slot waits `maxWaitMs` for company, then flushes what has gathered; with
 * every slot busy, what arrives waits for the first flush to end and goes in the next one. With
 * several slots (ingestion uses four), several flushes run at once; ingestion's flush judges,
 * stores and commits its batch in one statement. A caller's promise settles only when its own
 * flush has ended, so "resolved" means "committed".
 */
export interface GroupCommitOptions {
  /** Items per flush. Submissions are never split: one larger than this goes alone. */
  maxBatch: number;
  /** How long an idle committer waits for more submissions before flushing. */
  maxWaitMs: number;
  /** Flushes running at once; each holds a database connection for its transaction. */
  maxInFlight: number;
}

export const DEFAULT_GROUP_COMMIT: GroupCommitOptions = {
  maxBatch: 1_000,
  maxWaitMs: 2,
  maxInFlight: 1,
};

/** Stores a batch; answers one result per item, in order. Throwing fails the whole batch. */
export type FlushBatch<I, R> = (items: I[]) => Promise<R[]>;

/**
 * What a caller gets when its flush failed. The batch may have been stored all the same (a
 * failure after the commit); retrying is safe, as stored scans answer DUPLICATE.
 */
export class GroupCommitError extends Error {
  constructor(cause: unknown) {
    super('The batch failed; it may have been stored: retrying is safe.', { cause });
    this.name = 'GroupCommitError';
  }
}

export class GroupCommitClosedError extends Error {
  constructor() {
    super('The committer is closed: the server is stopping.');
    this.name = 'GroupCommitClosedError';
  }
}

interface Submission<I, R> {
  items: readonly I[];
  resolve: (results: R[]) => void;
  reject: (error: Error) => void;
}

export interface GroupCommitStats {
  flushes: number;
  failedFlushes: number;
  items: number;
  largestBatch: number;
}

export class GroupCommitter<I, R> {
  readonly options: GroupCommitOptions;
  readonly stats: GroupCommitStats = { flushes: 0, failedFlushes: 0, items: 0, largestBatch: 0 };
  private queue: Submission<I, R>[] = [];
  private queuedItems = 0;
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private whenIdle: (() => void)[] = [];

  constructor(
    private readonly flushBatch: FlushBatch<I, R>,
    options: Partial<GroupCommitOptions> = {},
  ) {
    this.options = { ...DEFAULT_GROUP_COMMIT, ...options };
    if (this.options.maxBatch < 1 || this.options.maxInFlight < 1 || this.options.maxWaitMs < 0) {
      throw new RangeError('maxBatch and maxInFlight must be at least 1, maxWaitMs at least 0');
    }
  }

  /** Resolves with one result per item, in order, once the flush that took them has ended. */
  submit(items: readonly I[]): Promise<R[]> {
    if (this.closed) return Promise.reject(new GroupCommitClosedError());
    if (items.length === 0) return Promise.resolve([]);
    return new Promise<R[]>((resolve, reject) => {
      this.queue.push({ items, resolve, reject });
      this.queuedItems += items.length;
      this.schedule();
    });
  }

  /** Takes no more submissions; resolves when what was submitted has been flushed. */
  async close(): Promise<void> {
    this.closed = true;
    this.flushIfIdle();
    if (this.queue.length === 0 && this.inFlight === 0) return;
    await new Promise<void>((resolve) => this.whenIdle.push(resolve));
  }

  private schedule(): void {
    if (this.inFlight >= this.options.maxInFlight || this.queue.length === 0) return;
    if (this.queuedItems >= this.options.maxBatch) {
      this.startFlush();
      return this.schedule();
    }
    // a free slot: gather for maxWaitMs (with every slot busy, finish() starts the next flush)
    if (!this.timer) {
      this.timer = setTimeout(() => this.flushIfIdle(), this.options.maxWaitMs);
    }
  }

  private flushIfIdle(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.queue.length > 0 && this.inFlight < this.options.maxInFlight) this.startFlush();
  }

  private startFlush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const taken: Submission<I, R>[] = [];
    let count = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0];
      if (taken.length > 0 && count + next.items.length > this.options.maxBatch) break;
      taken.push(this.queue.shift()!);
      count += next.items.length;
    }
    this.queuedItems -= count;
    this.inFlight += 1;
    this.stats.flushes += 1;
    this.stats.items += count;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, count);
    const items = taken.flatMap((s) => s.items);
    // a synchronous throw inside flushBatch must fail this batch, not the caller of submit
    Promise.resolve()
      .then(() => this.flushBatch(items))
      .then((results) => {
        if (results.length !== items.length) {
          throw new Error(`flush answered ${results.length} results for ${items.length} items`);
        }
        let at = 0;
        for (const submission of taken) {
          submission.resolve(results.slice(at, at + submission.items.length));
          at += submission.items.length;
        }
      })
      .catch((error: unknown) => {
        this.stats.failedFlushes += 1;
        const failure = new GroupCommitError(error);
        for (const submission of taken) submission.reject(failure);
      })
      .finally(() => this.finish());
  }

  private finish(): void {
    this.inFlight -= 1;
    // these waited through a whole flush already: go at once, whatever their number
    if (this.queue.length > 0) this.flushIfIdle();
    this.schedule();
    if (this.queue.length === 0 && this.inFlight === 0) {
      for (const resolve of this.whenIdle.splice(0)) resolve();
    }
  }
}
