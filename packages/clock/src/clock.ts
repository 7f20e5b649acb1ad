/**
 * Time as a parameter. Every package that waits, times out or stamps a time takes a `Clock`, so the
 * same code runs on wall time in production and on a `VirtualClock` in tests.
 *
 * Guarantees shared by every implementation:
 * - `now()` never goes backwards.
 * - A timer fires at most once, never before its due time, and never after `clearTimeout`.
 * - Timers due at the same instant fire in the order they were set.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Runs `fn` once after `ms` milliseconds (negative or NaN counts as 0). */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer; cancelling a fired or cancelled timer does nothing. */
  clearTimeout(handle: TimerHandle): void;
  /** Resolves after `ms`; rejects with the signal's reason if `signal` aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** An opaque timer identity, valid only with the clock that made it. */
export interface TimerHandle {
  readonly id: number;
}

/** Shared `sleep` built on a clock's own timers, so every clock honours abort signals the same way. */
export function sleepOn(clock: Pick<Clock, 'setTimeout' | 'clearTimeout'>, ms: number, signal?: AbortSignal) {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clock.clearTimeout(handle);
      reject(signal?.reason);
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Formats epoch milliseconds as Kubernetes' RFC 3339 timestamp with second precision (`2024-05-01T10:00:00Z`). */
export function toRFC3339(ms: number): string {
  const second = Math.floor(ms / 1000);
  // A simulation formats the same second thousands of times (every write stamps a condition or a
  // timestamp): remember the last one.
  if (second !== lastSecond) {
    lastText = `${new Date(second * 1000).toISOString().slice(0, 19)}Z`;
    lastSecond = second;
  }
  return lastText;
}
let lastSecond = Number.NaN;
let lastText = '';

/** Formats epoch milliseconds with microsecond precision, as Kubernetes' `MicroTime` (Events, Leases). */
export function toRFC3339Micro(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}000Z`;
}

/** Parses an RFC 3339 timestamp to epoch milliseconds; `undefined` for anything unparsable. */
export function parseRFC3339(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
