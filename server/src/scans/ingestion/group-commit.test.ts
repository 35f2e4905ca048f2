import { expect } from 'chai';
import { GroupCommitClosedError, GroupCommitError, GroupCommitter } from './group-commit';

/** A promise the test settles by hand: a flush that "commits" when the test says so. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Waits (a turn of the event loop at a time) until `condition` holds. */
async function until(condition: () => boolean): Promise<void> {
  for (let turns = 0; !condition(); turns++) {
    if (turns > 10_000) throw new Error('condition never held');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * A fake store: records each batch, and holds it until the test commits it (or commits at once
 * with `auto`). Results are the items times ten, so each caller can check it got its own.
 */
class FakeStore {
  batches: number[][] = [];
  pending: { items: number[]; done: ReturnType<typeof deferred<number[]>> }[] = [];
  active = 0;
  mostActive = 0;

  constructor(private readonly auto = false) {}

  flush = async (items: number[]): Promise<number[]> => {
    this.batches.push(items);
    this.active += 1;
    this.mostActive = Math.max(this.mostActive, this.active);
    try {
      if (this.auto) {
        await new Promise((resolve) => setImmediate(resolve));
        return items.map((i) => i * 10);
      }
      const done = deferred<number[]>();
      this.pending.push({ items, done });
      return await done.promise;
    } finally {
      this.active -= 1;
    }
  };

  /** Commits the oldest batch still open. */
  commit(): void {
    const batch = this.pending.shift()!;
    batch.done.resolve(batch.items.map((i) => i * 10));
  }

  fail(error = new Error('connection lost')): void {
    this.pending.shift()!.done.reject(error);
  }
}

describe('GroupCommitter', () => {
  it('answers each caller with its own results, in the order of its items', async () => {
    const store = new FakeStore(true);
    const committer = new GroupCommitter(store.flush);
    const answers = await Promise.all([
      committer.submit([1, 2, 3]),
      committer.submit([4]),
      committer.submit([5, 6]),
    ]);
    expect(answers).to.deep.equal([[10, 20, 30], [40], [50, 60]]);
    // submitted in one turn: one batch, in submission order
    expect(store.batches).to.deep.equal([[1, 2, 3, 4, 5, 6]]);
  });

  it('settles a caller only once its flush has committed', async () => {
    const store = new FakeStore();
    const committer = new GroupCommitter(store.flush);
    let settled = false;
    const answer = committer.submit([7]).then((r) => {
      settled = true;
      return r;
    });
    await until(() => store.pending.length === 1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).to.equal(false);
    store.commit();
    expect(await answer).to.deep.equal([70]);
  });

  it('gathers what arrives during a flush into the next one, with one flush at a time', async () => {
    const store = new FakeStore();
    const committer = new GroupCommitter(store.flush);
    const first = committer.submit([1]);
    await until(() => store.pending.length === 1);
    const waiting = Array.from({ length: 50 }, (_, i) => committer.submit([100 + i]));
    await new Promise((resolve) => setImmediate(resolve));
    // the 50 wait for the flush in progress rather than start 50 more
    expect(store.batches).to.have.length(1);
    store.commit();
    await first;
    await until(() => store.pending.length === 1);
    expect(store.batches[1]).to.deep.equal(Array.from({ length: 50 }, (_, i) => 100 + i));
    store.commit();
    const answers = await Promise.all(waiting);
    answers.forEach((answer, i) => expect(answer).to.deep.equal([(100 + i) * 10]));
    expect(committer.stats).to.deep.include({ flushes: 2, items: 51, largestBatch: 50 });
    expect(store.mostActive).to.equal(1);
  });

  it('keeps batches within maxBatch without splitting a submission, and runs up to maxInFlight flushes', async () => {
    const store = new FakeStore();
    const committer = new GroupCommitter(store.flush, { maxBatch: 25, maxInFlight: 2 });
    const answers = [
      ...Array.from({ length: 9 }, (_, i) => committer.submit([i * 10, i * 10 + 1, i * 10 + 2])),
      committer.submit(Array.from({ length: 40 }, (_, i) => 1_000 + i)),
    ];
    await until(() => store.pending.length === 2);
    expect(store.batches.map((b) => b.length)).to.deep.equal([24, 3]);
    while (store.pending.length > 0 || store.batches.length < 3) {
      await until(() => store.pending.length > 0);
      store.commit();
      await new Promise((resolve) => setImmediate(resolve));
    }
    const results = await Promise.all(answers);
    expect(results[9]).to.deep.equal(Array.from({ length: 40 }, (_, i) => (1_000 + i) * 10));
    expect(results[4]).to.deep.equal([400, 410, 420]);
    // the 40-item submission went whole, alone
    expect(store.batches.map((b) => b.length)).to.deep.equal([24, 3, 40]);
    expect(store.mostActive).to.equal(2);
  });

  it('with a free slot, starts a second flush beside a running one after maxWaitMs', async () => {
    const store = new FakeStore();
    const committer = new GroupCommitter(store.flush, { maxInFlight: 2, maxWaitMs: 1 });
    const first = committer.submit([1]);
    await until(() => store.pending.length === 1);
    const second = [committer.submit([2]), committer.submit([3])];
    // the first has not committed: the two arrivals get a flush of their own, together
    await until(() => store.pending.length === 2);
    expect(store.batches).to.deep.equal([[1], [2, 3]]);
    const third = committer.submit([4]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // both slots busy: the third waits for a flush to end instead of starting a third
    expect(store.batches).to.have.length(2);
    store.commit();
    expect(await first).to.deep.equal([10]);
    await until(() => store.pending.length === 2);
    expect(store.batches[2]).to.deep.equal([4]);
    store.commit();
    store.commit();
    expect(await Promise.all([...second, third])).to.deep.equal([[20], [30], [40]]);
    expect(store.mostActive).to.equal(2);
  });

  it('fails only the callers of a failed flush, with the cause kept, and goes on', async () => {
    const store = new FakeStore();
    const committer = new GroupCommitter(store.flush);
    const doomed = [committer.submit([1]), committer.submit([2])];
    await until(() => store.pending.length === 1);
    const later = committer.submit([3]);
    const cause = new Error('could not serialize access');
    store.fail(cause);
    for (const answer of doomed) {
      const error = await answer.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(GroupCommitError);
      expect((error as GroupCommitError).cause).to.equal(cause);
    }
    await until(() => store.pending.length === 1);
    store.commit();
    expect(await later).to.deep.equal([30]);
    expect(committer.stats).to.deep.include({ flushes: 2, failedFlushes: 1 });
  });

  it('fails the batch when the store throws at once or answers the wrong number of results', async () => {
    const throwing = new GroupCommitter<number, number>(() => {
      throw new Error('boom');
    });
    const error = await throwing.submit([1]).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(GroupCommitError);
    const short = new GroupCommitter<number, number>(async (items) => items.slice(1));
    const shortError = await short.submit([1, 2]).catch((e: unknown) => e);
    expect(shortError).to.be.instanceOf(GroupCommitError);
  });

  it('answers an empty submission without a flush', async () => {
    const store = new FakeStore(true);
    const committer = new GroupCommitter(store.flush);
    expect(await committer.submit([])).to.deep.equal([]);
    expect(store.batches).to.have.length(0);
  });

  it('on close, flushes what was submitted and refuses more', async () => {
    const store = new FakeStore();
    const committer = new GroupCommitter(store.flush, { maxWaitMs: 60_000 });
    const queued = committer.submit([5]);
    const closed = committer.close();
    await until(() => store.pending.length === 1);
    const refused = await committer.submit([6]).catch((e: unknown) => e);
    expect(refused).to.be.instanceOf(GroupCommitClosedError);
    store.commit();
    await closed;
    expect(await queued).to.deep.equal([50]);
  });
});
