/**
 * Seeded randomness. Every decision that needs chance (tie-breaking, jitter, fault injection) takes a
 * `Random`, so the same seed replays the same run. sfc32 is small, fast and passes PractRand; seeding
 * goes through splitmix32 so that nearby seeds give unrelated streams.
 */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[];
  /** An independent stream derived from this one, for a sub-component that must not disturb the parent. */
  fork(): Random;
}

export function createRandom(seed: number): Random {
  let s = seed >>> 0;
  const splitmix = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  const u32 = () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t;
  };
  for (let i = 0; i < 12; i++) u32();

  const random: Random = {
    next: () => u32() / 4294967296,
    int(maxExclusive) {
      if (!(maxExclusive >= 1)) throw new RangeError(`int: maxExclusive must be >= 1, got ${maxExclusive}`);
      return Math.floor((u32() / 4294967296) * Math.floor(maxExclusive));
    },
    chance: (p) => u32() / 4294967296 < p,
    pick(items) {
      if (items.length === 0) throw new RangeError('pick: items must not be empty');
      return items[random.int(items.length)] as (typeof items)[number];
    },
    shuffle(items) {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = random.int(i + 1);
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    },
    fork: () => createRandom(u32()),
  };
  return random;
}
