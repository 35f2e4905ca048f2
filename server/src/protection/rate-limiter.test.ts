import { createServer, type AddressInfo } from 'node:net';
import { expect } from 'chai';
import { holdTransaction, testEnv } from '../../test/harness';
import { queryRows } from '../db/sql';
import { RateLimits, type RateLimiter, type RateLimitsOptions } from './rate-limiter';

/** A clock the test moves by hand, so refills are exact and nothing waits. */
function manualClock(start = 1_700_000_000_000) {
  let now = start;
  return {
    now: () => new Date(now),
    advanceSeconds: (seconds: number) => {
      now += seconds * 1000;
    },
  };
}

type Clock = ReturnType<typeof manualClock>;

describe('RateLimits (token buckets in PostgreSQL)', () => {
  const opened: RateLimits[] = [];
  /** What the limits reported, unless a test listens itself: nothing, or they counted in memory. */
  let unexpectedReports: string[] = [];
  /** A server process's limits over the suite's database; `kind` keeps the tests' keys apart. */
  function limits(clock: Clock, options: RateLimitsOptions = {}, url = testEnv().databaseUrl) {
    const made = new RateLimits(url, clock.now, {
      log: (message, error) => unexpectedReports.push(`${message}: ${String(error)}`),
      ...options,
    });
    opened.push(made);
    return made;
  }
  const testBuckets = () =>
    queryRows<{ key: string }>(
      testEnv().orm,
      `select key from rate_limit_bucket where key like 'test:%' order by key`,
    );

  beforeEach(async () => {
    await testEnv().orm.em.getConnection().execute(`delete from rate_limit_bucket`);
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((made) => made.close()));
    const reports = unexpectedReports;
    unexpectedReports = [];
    expect(reports, 'counted in PostgreSQL throughout').to.deep.equal([]);
    await testEnv().orm.em.getConnection().execute(`delete from rate_limit_bucket`);
  });

  async function takeMany(limiter: RateLimiter, key: string, count: number) {
    const decisions = [];
    for (let i = 0; i < count; i++) decisions.push(await limiter.take(key));
    return decisions;
  }
  const allAllowed = (decisions: { allowed: boolean }[]) => decisions.every((d) => d.allowed);

  it('lets a burst of N through in a minute and refuses the next with the wait for one token', async () => {
    const clock = manualClock();
    const limiter = limits(clock).limiter('test', 10);
    expect(allAllowed(await takeMany(limiter, 'api-key:1', 10))).to.equal(true);
    // 10 a minute is one token every 6 s.
    expect(await limiter.take('api-key:1')).to.deep.equal({ allowed: false, retryAfterSeconds: 6 });
    clock.advanceSeconds(2.5);
    expect(await limiter.take('api-key:1')).to.deep.equal({ allowed: false, retryAfterSeconds: 4 });
  });

  it('rounds the wait up to a whole second, never below one', async () => {
    const clock = manualClock();
    const server = limits(clock);
    const limiter = server.limiter('test', 7);
    await takeMany(limiter, 'user:1', 7);
    // One token every 60/7 = 8.57 s.
    expect(await limiter.take('user:1')).to.deep.equal({ allowed: false, retryAfterSeconds: 9 });
    clock.advanceSeconds(8.5);
    expect(await limiter.take('user:1')).to.deep.equal({ allowed: false, retryAfterSeconds: 1 });
    const fast = server.limiter('test', 600);
    await takeMany(fast, 'user:2', 600);
    // One token every 0.1 s, still reported as one second.
    expect(await fast.take('user:2')).to.deep.equal({ allowed: false, retryAfterSeconds: 1 });
  });

  it('keeps each key, and each kind of limit, to its own bucket', async () => {
    const clock = manualClock();
    const server = limits(clock);
    const limiter = server.limiter('test', 3);
    await takeMany(limiter, '203.0.113.7', 3);
    expect((await limiter.take('203.0.113.7')).allowed).to.equal(false);
    expect(allAllowed(await takeMany(limiter, '198.51.100.2', 3))).to.equal(true);
    expect((await limiter.take('198.51.100.2')).allowed).to.equal(false);
    // the same address under another limit (logins beside requests) has a bucket of its own
    expect((await server.limiter('test-other', 3).take('203.0.113.7')).allowed).to.equal(true);
  });

  it('gives one request back every 60/N seconds and caps sustained traffic at the rate', async () => {
    const clock = manualClock();
    const limiter = limits(clock).limiter('test', 3);
    await takeMany(limiter, 'k', 3);
    clock.advanceSeconds(19);
    expect(await limiter.take('k')).to.deep.equal({ allowed: false, retryAfterSeconds: 1 });
    clock.advanceSeconds(1);
    expect(await limiter.take('k')).to.deep.equal({ allowed: true });
    expect((await limiter.take('k')).allowed).to.equal(false);

    // A client asking every second for five minutes gets 3 a minute, no more.
    let allowed = 0;
    for (let second = 0; second < 300; second++) {
      clock.advanceSeconds(1);
      if ((await limiter.take('k')).allowed) allowed++;
    }
    expect(allowed).to.equal(15);
  });

  it('refills no further than the limit, however long a key was idle', async () => {
    const clock = manualClock();
    const limiter = limits(clock).limiter('test', 5);
    await limiter.take('k');
    clock.advanceSeconds(3600);
    expect(allAllowed(await takeMany(limiter, 'k', 5))).to.equal(true);
    expect((await limiter.take('k')).allowed).to.equal(false);
  });

  it('counts the requests of every server process against one bucket', async () => {
    const clock = manualClock();
    const first = limits(clock).limiter('test', 4);
    const second = limits(clock).limiter('test', 4);
    const decisions = [];
    for (let i = 0; i < 2; i++) {
      decisions.push(await first.take('k'), await second.take('k'));
    }
    expect(allAllowed(decisions)).to.equal(true);
    expect(await first.take('k')).to.deep.equal({ allowed: false, retryAfterSeconds: 15 });
    expect(await second.take('k')).to.deep.equal({ allowed: false, retryAfterSeconds: 15 });
    // one token back after 15 s, for whichever process asks first
    clock.advanceSeconds(15);
    expect(await second.take('k')).to.deep.equal({ allowed: true });
    expect((await first.take('k')).allowed).to.equal(false);
  });

  it('counts checks that arrive together at once, the first to ask getting the tokens there are', async () => {
    const clock = manualClock();
    const first = limits(clock).limiter('test', 4);
    const second = limits(clock).limiter('test', 4);
    const together = await Promise.all(Array.from({ length: 6 }, () => first.take('k')));
    expect(together).to.deep.equal([
      ...Array.from({ length: 4 }, () => ({ allowed: true })),
      { allowed: false, retryAfterSeconds: 15 },
      { allowed: false, retryAfterSeconds: 15 },
    ]);
    clock.advanceSeconds(30);
    // two tokens back, for checks from two processes at once, on two keys
    const mixed = await Promise.all([
      ...Array.from({ length: 3 }, () => first.take('k')),
      ...Array.from({ length: 3 }, () => second.take('k')),
      first.take('other'),
    ]);
    expect(mixed.filter((decision) => decision.allowed)).to.have.length(3);
    expect(mixed[6]).to.deep.equal({ allowed: true });
  });

  it('refills nothing for a process whose clock lags behind the one that last counted', async () => {
    const ahead = manualClock(1_700_000_010_000);
    const behind = manualClock(1_700_000_000_000);
    const leading = limits(ahead).limiter('test', 6);
    const lagging = limits(behind).limiter('test', 6);
    await takeMany(leading, 'k', 6);
    // 9 s on by the lagging clock, still a second before the leading one's last count
    behind.advanceSeconds(9);
    expect((await lagging.take('k')).allowed).to.equal(false);
    // 9.5 s on by the leading clock: not yet the 10 s one token takes (6 a minute); had the
    // lagging process set the bucket's clock back, 10.5 s would have been refilled
    ahead.advanceSeconds(9.5);
    expect(await leading.take('k')).to.deep.equal({ allowed: false, retryAfterSeconds: 1 });
    ahead.advanceSeconds(0.5);
    expect(await leading.take('k')).to.deep.equal({ allowed: true });
    expect((await lagging.take('k')).allowed).to.equal(false);
  });

  it('deletes buckets that are full again, at most once a minute, so the table stays small', async () => {
    const clock = manualClock();
    const server = limits(clock);
    const limiter = server.limiter('test', 60);
    for (let i = 0; i < 20; i++) await limiter.take(`203.0.113.${i}`);
    await takeMany(limiter, 'busy', 60);
    expect(await testBuckets()).to.have.length(21);

    // the 20 addresses are full one second after their one request; no sweep within the minute
    clock.advanceSeconds(30);
    await takeMany(limiter, 'late', 60);
    expect(await testBuckets()).to.have.length(22);

    // 'busy' emptied its bucket 61 s ago: full again, like the others; 'late' is still refilling
    clock.advanceSeconds(31);
    await limiter.take('busy');
    expect((await testBuckets()).map((row) => row.key)).to.deep.equal(['test:busy', 'test:late']);
    // a forgotten key comes back with a full bucket, as a new one would
    expect(allAllowed(await takeMany(limiter, '203.0.113.1', 60))).to.equal(true);
    expect((await limiter.take('203.0.113.1')).allowed).to.equal(false);
  });

  it('refuses a limit below one a minute, or not whole', () => {
    const server = limits(manualClock());
    expect(() => server.limiter('test', 0)).to.throw(RangeError, 'at least 1');
    expect(() => server.limiter('test', Number.NaN)).to.throw(RangeError);
    expect(() => server.limiter('test', 2.5)).to.throw(RangeError, 'whole number');
  });

  describe('when PostgreSQL does not answer', () => {
    /** A database address where nothing listens: connections are refused at once. */
    async function closedPort(): Promise<string> {
      const server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      await new Promise((resolve) => server.close(resolve));
      return `postgres://postgres@127.0.0.1:${port}/quetma`;
    }

    it('counts in the process with the same limit, neither refusing everyone nor letting all through', async () => {
      const reports: string[] = [];
      const down = limits(
        manualClock(),
        { retryMs: 0, log: (message) => reports.push(message) },
        await closedPort(),
      ).limiter('test', 2);
      expect(allAllowed(await takeMany(down, 'k', 2))).to.equal(true);
      // every one of these asked PostgreSQL again first (retryMs 0) and was counted here
      expect(await down.take('k')).to.deep.equal({ allowed: false, retryAfterSeconds: 30 });
      expect(await down.take('k')).to.deep.equal({ allowed: false, retryAfterSeconds: 30 });
      expect((await down.take('another')).allowed).to.equal(true);
      expect(reports, 'the loss, once, not each failed check').to.deep.equal([
        'rate limits: PostgreSQL does not answer; this process counts them on its own until it does',
      ]);
    });

    it('counts in PostgreSQL again, against the shared bucket, once it answers', async () => {
      const clock = manualClock();
      const reports: string[] = [];
      const server = limits(clock, {
        deadlineMs: 200,
        retryMs: 0,
        log: (message) => reports.push(message),
      });
      const limiter = server.limiter('test', 3);
      const other = limits(clock).limiter('test', 3);
      expect(await limiter.take('k')).to.deep.equal({ allowed: true });
      // the bucket's row locked by another transaction: the check gives up after 200 ms
      const release = await holdTransaction(
        `select 1 from rate_limit_bucket where key = 'test:k' for update`,
      );
      try {
        expect(await limiter.take('k'), 'counted in the process').to.deep.equal({ allowed: true });
      } finally {
        await release();
      }
      expect(reports).to.have.length(1);
      // meanwhile another process takes the two tokens left in PostgreSQL
      expect(allAllowed(await takeMany(other, 'k', 2))).to.equal(true);
      // the process asks PostgreSQL again and is refused there (its own count had 2 left)
      expect(await limiter.take('k')).to.deep.equal({ allowed: false, retryAfterSeconds: 20 });
      expect(reports[1]).to.match(/^rate limits: counted in PostgreSQL again, after \d+ s/);
      expect(reports).to.have.length(2);
    });
  });
});
