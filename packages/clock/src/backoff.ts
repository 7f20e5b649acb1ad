import type { Random } from './random.js';

export interface BackoffPolicy {
  /** Delay before the first retry, in ms. */
  readonly initialMs: number;
  /** Upper bound for any delay, in ms (applied after jitter). */
  readonly maxMs: number;
  /** Growth per failure; defaults to 2. */
  readonly factor?: number;
  /**
   * Fraction of the delay that is randomised, in [0, 1]: 0 gives the exact exponential series, 1 gives
   * "full jitter" (uniform in [0, delay]). Needs a `Random` when above 0.
   */
  readonly jitter?: number;
}

/**
 * The delay before retry number `failures` (1 for the first retry): `initialMs · factor^(failures-1)`,
 * capped at `maxMs`, with the jittered part drawn from `random`. Pure: the same inputs and random
 * stream always give the same delay.
 */
export function backoffDelay(policy: BackoffPolicy, failures: number, random?: Random): number {
  const { initialMs, maxMs } = policy;
  const factor = policy.factor ?? 2;
  const jitter = policy.jitter ?? 0;
  if (!(initialMs >= 0) || !(maxMs >= initialMs)) {
    throw new RangeError(`backoff: need 0 <= initialMs <= maxMs, got ${initialMs} and ${maxMs}`);
  }
  if (!(factor >= 1)) throw new RangeError(`backoff: factor must be >= 1, got ${factor}`);
  if (!(jitter >= 0 && jitter <= 1)) throw new RangeError(`backoff: jitter must be in [0, 1], got ${jitter}`);
  if (jitter > 0 && random === undefined) throw new TypeError('backoff: jitter needs a Random');
  const n = Math.max(1, Math.floor(failures));
  // Exponent capped so that a huge failure count never overflows to Infinity·0 = NaN.
  const base = Math.min(maxMs, initialMs * factor ** Math.min(n - 1, 1024));
  const delay = jitter > 0 && random ? base * (1 - jitter) + base * jitter * random.next() : base;
  return Math.min(maxMs, delay);
}

/** Per-key failure counts with back-off, the state behind a rate-limited work queue. */
export class ExponentialBackoff<K = string> {
  private readonly failures = new Map<K, number>();

  constructor(
    private readonly policy: BackoffPolicy,
    private readonly random?: Random,
  ) {}

  /** Records one more failure of `key` and returns how long to wait before retrying it. */
  next(key: K): number {
    const n = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, n);
    return backoffDelay(this.policy, n, this.random);
  }

  /** Failures recorded for `key` since the last `forget`. */
  attempts(key: K): number {
    return this.failures.get(key) ?? 0;
  }

  /** Clears the history of `key`: its next failure starts at `initialMs` again. */
  forget(key: K): void {
    this.failures.delete(key);
  }
}
