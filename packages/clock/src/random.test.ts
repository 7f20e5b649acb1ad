import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandom } from './random.js';

describe('createRandom', () => {
  it('replays the same stream for the same seed and differs across seeds', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    const c = createRandom(43);
    const sa = Array.from({ length: 20 }, () => a.next());
    const sb = Array.from({ length: 20 }, () => b.next());
    const sc = Array.from({ length: 20 }, () => c.next());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
  });

  it('is roughly uniform', () => {
    const r = createRandom(7);
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) buckets[r.int(10)]++;
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });

  it('property: int stays in range, shuffle is a permutation, pick is a member', () => {
    fc.assert(
      fc.property(
        fc.integer(),
        fc.integer({ min: 1, max: 1000 }),
        fc.array(fc.integer()),
        (seed, max, xs) => {
          const r = createRandom(seed);
          const n = r.int(max);
          expect(n).toBeGreaterThanOrEqual(0);
          expect(n).toBeLessThan(max);
          expect([...r.shuffle(xs)].sort()).toEqual([...xs].sort());
          if (xs.length > 0) expect(xs).toContain(r.pick(xs));
        },
      ),
    );
  });

  it('rejects impossible requests', () => {
    const r = createRandom(1);
    expect(() => r.int(0)).toThrow(RangeError);
    expect(() => r.pick([])).toThrow(RangeError);
  });

  it('fork gives an independent, reproducible stream', () => {
    const f1 = createRandom(5).fork();
    const f2 = createRandom(5).fork();
    expect(f1.next()).toBe(f2.next());
  });
});
