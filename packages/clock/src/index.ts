/**
 * @flotilla/clock — time, randomness and back-off as injectable values.
 *
 * - `Clock` is the only way Flotilla's packages read time or wait.
 * - `SystemClock` is wall time; `VirtualClock` moves only when told, deterministically.
 * - `createRandom(seed)` gives a reproducible stream; `backoffDelay` / `ExponentialBackoff` turn failure
 *   counts into delays, with optional seeded jitter.
 */

export { type BackoffPolicy, backoffDelay, ExponentialBackoff } from './backoff.js';
export { type Clock, parseRFC3339, sleepOn, type TimerHandle, toRFC3339, toRFC3339Micro } from './clock.js';
export { createRandom, type Random } from './random.js';
export { SystemClock } from './system-clock.js';
export {
  ClockNotIdleError,
  DEFAULT_VIRTUAL_START,
  flushMicrotasks,
  type RunUntilIdleOptions,
  VirtualClock,
  type VirtualClockOptions,
} from './virtual-clock.js';
