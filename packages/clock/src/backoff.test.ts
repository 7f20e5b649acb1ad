import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, ExponentialBackoff } from './backoff.js';
import { createRandom } from './random.js';

describe('backoffDelay', () => {
  it.each([
    {
      name: 'client-go item limiter, first retry',
      policy: { initialMs: 5, maxMs: 1_000_000 },
      n: 1,
      want: 5,
    },
    { name: 'client-go item limiter, 4th retry', policy: { initialMs: 5, maxMs: 1_000_000 }, n: 4, want: 40 },
    { name: 'capped', policy: { initialMs: 5, maxMs: 1_000_000 }, n: 40, want: 1_000_000 },
    { name: 'CrashLoopBackOff 10s→5m', policy: { initialMs: 10_000, maxMs: 300_000 }, n: 6, want: 300_000 },
    { name: 'factor 3', policy: { initialMs: 1, maxMs: 100, factor: 3 }, n: 3, want: 9 },
    { name: 'huge failure count', policy: { initialMs: 1, maxMs: 100 }, n: 1e9, want: 100 },
  ])('$name', ({ policy, n, want }) => {
    expect(backoffDelay(policy, n)).toBe(want);
  });

  it.each([
    { policy: { initialMs: -1, maxMs: 10 } },
    { policy: { initialMs: 10, maxMs: 1 } },
    { policy: { initialMs: 1, maxMs: 10, factor: 0.5 } },
    { policy: { initialMs: 1, maxMs: 10, jitter: 2 } },
  ])('rejects a bad policy %#', ({ policy }) => {
    expect(() => backoffDelay(policy, 1, createRandom(1))).toThrow(RangeError);
  });

  it('needs a Random for jitter', () => {
    expect(() => backoffDelay({ initialMs: 1, maxMs: 10, jitter: 0.5 }, 1)).toThrow(TypeError);
  });

  it('property: jittered delay lies in [(1-j)·base, base] and never exceeds max', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1000 }),
        fc.integer({ min: 0, max: 100_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer(),
        (initialMs, extra, jitter, n, seed) => {
          const policy = { initialMs, maxMs: initialMs + extra, jitter };
          const base = backoffDelay({ initialMs, maxMs: initialMs + extra }, n);
          const d = backoffDelay(policy, n, createRandom(seed));
          expect(d).toBeLessThanOrEqual(policy.maxMs);
          expect(d).toBeGreaterThanOrEqual(base * (1 - jitter) - 1e-9);
          expect(d).toBeLessThanOrEqual(base + 1e-9);
        },
      ),
    );
  });
});

describe('ExponentialBackoff', () => {
  it('doubles per key and starts over after forget', () => {
    const b = new ExponentialBackoff({ initialMs: 5, maxMs: 1000 });
    expect([b.next('a'), b.next('a'), b.next('a')]).toEqual([5, 10, 20]);
    expect(b.next('b')).toBe(5);
    expect(b.attempts('a')).toBe(3);
    b.forget('a');
    expect(b.attempts('a')).toBe(0);
    expect(b.next('a')).toBe(5);
  });
});
