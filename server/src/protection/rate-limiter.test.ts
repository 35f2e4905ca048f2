import { expect } from 'chai';
import { RateLimiter } from './rate-limiter';

/** A clock the test moves by hand, so refills are exact and nothing waits. */
function manualClock(start = 1_700_000_000_000) {
  let now = start;
  return {
    now: () => now,
    advanceSeconds: (seconds: number) => {
      now += seconds * 1000;
    },
  };
}

function takeMany(limiter: RateLimiter, key: string, count: number) {
  return Array.from({ length: count }, () => limiter.take(key));
}

describe('RateLimiter', () => {
  it('lets a burst of N through in a minute and refuses the next with the wait for one token', () => {
    const clock = manualClock();
    const limiter = new RateLimiter(10, clock.now);
    const burst = takeMany(limiter, 'api-key:1', 10);
    expect(burst.every((decision) => decision.allowed)).to.equal(true);
    // 10 a minute is one token every 6 s.
    expect(limiter.take('api-key:1')).to.deep.equal({ allowed: false, retryAfterSeconds: 6 });
    clock.advanceSeconds(2.5);
    expect(limiter.take('api-key:1')).to.deep.equal({ allowed: false, retryAfterSeconds: 4 });
  });

  it('rounds the wait up to a whole second, never below one', () => {
    const clock = manualClock();
    const limiter = new RateLimiter(7, clock.now);
    takeMany(limiter, 'user:1', 7);
    // One token every 60/7 = 8.57 s.
    expect(limiter.take('user:1')).to.deep.equal({ allowed: false, retryAfterSeconds: 9 });
    clock.advanceSeconds(8.5);
    expect(limiter.take('user:1')).to.deep.equal({ allowed: false, retryAfterSeconds: 1 });
    const fast = new RateLimiter(600, clock.now);
    takeMany(fast, 'user:1', 600);
    // One token every 0.1 s, still reported as one second.
    expect(fast.take('user:1')).to.deep.equal({ allowed: false, retryAfterSeconds: 1 });
  });

  it('keeps each key to its own bucket', () => {
    const clock = manualClock();
    const limiter = new RateLimiter(3, clock.now);
    takeMany(limiter, '203.0.113.7', 3);
    expect(limiter.take('203.0.113.7').allowed).to.equal(false);
    expect(takeMany(limiter, '198.51.100.2', 3).every((decision) => decision.allowed)).to.equal(
      true,
    );
    expect(limiter.take('198.51.100.2').allowed).to.equal(false);
  });

  it('gives one request back every 60/N seconds and caps sustained traffic at the rate', () => {
    const clock = manualClock();
    const limiter = new RateLimiter(3, clock.now);
    takeMany(limiter, 'k', 3);
    clock.advanceSeconds(19);
    expect(limiter.take('k')).to.deep.equal({ allowed: false, retryAfterSeconds: 1 });
    clock.advanceSeconds(1);
    expect(limiter.take('k')).to.deep.equal({ allowed: true });
    expect(limiter.take('k').allowed).to.equal(false);

    // A client asking every second for five minutes gets 3 a minute, no more.
    let allowed = 0;
    for (let second = 0; second < 300; second++) {
      clock.advanceSeconds(1);
      if (limiter.take('k').allowed) allowed++;
    }
    expect(allowed).to.equal(15);
  });

  it('refills no further than the limit, however long a key was idle', () => {
    const clock = manualClock();
    const limiter = new RateLimiter(5, clock.now);
    limiter.take('k');
    clock.advanceSeconds(3600);
    expect(takeMany(limiter, 'k', 5).every((decision) => decision.allowed)).to.equal(true);
    expect(limiter.take('k').allowed).to.equal(false);
  });

  it('forgets keys whose bucket is full again, so memory stays bounded', () => {
    const clock = manualClock();
    const limiter = new RateLimiter(60, clock.now);
    for (let i = 0; i < 100; i++) limiter.take(`203.0.113.${i}`);
    takeMany(limiter, 'busy', 60);
    expect(limiter.size).to.equal(101);

    clock.advanceSeconds(30);
    takeMany(limiter, 'late', 60);
    expect(limiter.size, 'no sweep within the minute').to.equal(102);

    // 'busy' emptied its bucket 61 s ago: full again, like the others; 'late' is still refilling.
    clock.advanceSeconds(31);
    limiter.take('busy');
    expect(limiter.size).to.equal(2);
    // A forgotten key comes back with a full bucket, as a new one would.
    expect(takeMany(limiter, '203.0.113.1', 60).every((decision) => decision.allowed)).to.equal(
      true,
    );
  });

  it('refuses a limit below one a minute', () => {
    expect(() => new RateLimiter(0)).to.throw(RangeError, 'at least 1');
    expect(() => new RateLimiter(Number.NaN)).to.throw(RangeError);
  });
});
