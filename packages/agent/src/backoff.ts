/**
 * The kubelet's back-off (`k8s.io/client-go/util/flowcontrol.Backoff`) as pure values: one entry per
 * container (crash loops) or per image (pulls), never a timer.
 *
 * - `next` doubles the entry's delay (10 s, 20 s, 40 s, … capped at 5 min); an entry whose last update is
 *   more than twice the cap (10 min) before the new event starts again at the initial delay — so a
 *   container that ran for 10 minutes before it crashed is restarted at once.
 * - `isInBackOffSince(entry, eventTime, now)` is true while less than the entry's delay has passed since
 *   `eventTime` (a container's `finishedAt`).
 */

export interface BackoffPolicy {
  /** First delay, ms (kubelet: 10 s). */
  readonly initialMs: number;
  /** Cap, ms (kubelet: 300 s); an entry expires after twice the cap without an update. */
  readonly maxMs: number;
}

/** Kubernetes' CrashLoopBackOff: 10 s doubling to 5 min, reset after 10 min. */
export const CRASH_LOOP_BACKOFF: BackoffPolicy = { initialMs: 10_000, maxMs: 300_000 };
/** Kubernetes' image pull back-off: 10 s doubling to 5 min. */
export const IMAGE_PULL_BACKOFF: BackoffPolicy = { initialMs: 10_000, maxMs: 300_000 };

/** One back-off entry: the current delay and when it was last updated (epoch ms). */
export interface BackoffEntry {
  readonly delayMs: number;
  readonly lastUpdate: number;
}

function expired(policy: BackoffPolicy, entry: BackoffEntry, eventTime: number): boolean {
  return eventTime - entry.lastUpdate > 2 * policy.maxMs;
}

/** `Backoff.Next`: the entry after one more failure at `eventTime`. */
export function nextBackoff(
  policy: BackoffPolicy,
  entry: BackoffEntry | undefined,
  eventTime: number,
): BackoffEntry {
  if (entry === undefined || expired(policy, entry, eventTime)) {
    return { delayMs: policy.initialMs, lastUpdate: eventTime };
  }
  return { delayMs: Math.min(entry.delayMs * 2, policy.maxMs), lastUpdate: eventTime };
}

/** `Backoff.IsInBackOffSince`: still waiting after an event at `eventTime`? */
export function isInBackOffSince(
  policy: BackoffPolicy,
  entry: BackoffEntry | undefined,
  eventTime: number,
  now: number,
): boolean {
  if (entry === undefined || expired(policy, entry, eventTime)) return false;
  return now - eventTime < entry.delayMs;
}

/** `Backoff.IsInBackOffSinceUpdate`: still waiting since the entry's last update (image pulls)? */
export function isInBackOffSinceUpdate(
  policy: BackoffPolicy,
  entry: BackoffEntry | undefined,
  now: number,
): boolean {
  if (entry === undefined || expired(policy, entry, now)) return false;
  return now - entry.lastUpdate < entry.delayMs;
}

/** `10s`, `1m20s`, `5m0s` — Go's `time.Duration` text for whole seconds, as the kubelet prints it. */
export function formatDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h}h${m}m${s}s`;
  if (m > 0) return `${m}m${s}s`;
  return `${s}s`;
}
