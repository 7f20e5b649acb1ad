import { type ApiError, compareResourceVersions } from '@flotilla/api';
import { type BackoffPolicy, backoffDelay, type Clock, type Random, type TimerHandle } from '@flotilla/clock';
import type { Observable, Subscription } from 'rxjs';
import { toApiError } from '../in-process-client.js';
import type { ApiObject, ListOptions, ObjectList, WatchEvent, WatchOptions } from '../types.js';

/** The two calls a reflector makes: a `ResourceClient` (scoped and filtered) provides both. */
export interface ListWatch<T> {
  list(options: ListOptions): Promise<ObjectList<T>>;
  watch(options: WatchOptions): Observable<WatchEvent<T>>;
}

/** Where a reflector puts what it learns (a narrow view of the informer, as client-go's `ReflectorStore`). */
export interface ReflectorSink<T> {
  /** The complete state at `resourceVersion` (after a list): the sink emits the differences. */
  replace(items: readonly T[], resourceVersion: string): void;
  /** One watch event, in order. */
  apply(event: WatchEvent<T>): void;
}

/** Watch failures back off from 200 ms, doubling to 30 s (client-go: 800 ms to 30 s). */
export const DEFAULT_WATCH_BACKOFF: BackoffPolicy = { initialMs: 200, maxMs: 30_000 };

export interface ReflectorOptions {
  readonly clock: Clock;
  /** Delay between failed attempts; default `DEFAULT_WATCH_BACKOFF`. */
  readonly backoff?: BackoffPolicy;
  /** Needed only for `backoff.jitter` > 0. */
  readonly random?: Random;
  /** A watch that lived this long resets the back-off (default 60 s; client-go uses 2 min). */
  readonly resetAfterMs?: number;
  /** List in pages of this size (default: one request). */
  readonly pageSize?: number;
  /**
   * End each watch after this long and resume it from the last resourceVersion (client-go's random
   * 5–10 min `timeoutSeconds`): a guard against a transport whose stream dies without an error. Off by
   * default — the in-process client's streams always end with an error or completion.
   */
  readonly watchTimeoutMs?: number;
  /** Told about every list or watch failure (client-go's `WatchErrorHandler`), before the back-off. */
  readonly onError?: (error: ApiError) => void;
}

/**
 * Keeps a sink equal to the server's state: list, then watch from the list's resourceVersion
 * (client-go's `Reflector`).
 *
 * - A watch that errors (Gone or anything else) is followed, after the back-off, by a new list whose
 *   differences the sink emits — so a deletion missed while disconnected is still seen.
 * - A watch that completes (the stream ended) is resumed from the last resourceVersion, at once when it
 *   lived `resetAfterMs` (or was ended by `watchTimeoutMs`), otherwise after the back-off; it never
 *   silently stops.
 * - A failed list is retried after the back-off. Failures in a row grow the delay; a watch that lived
 *   `resetAfterMs` resets it — no reconnect storms.
 * - `stop()` ends everything; nothing reaches the sink afterwards.
 */
export class Reflector<T extends ApiObject> {
  private readonly clock: Clock;
  private readonly backoff: BackoffPolicy;
  private readonly resetAfterMs: number;
  private failures = 0;
  /** Bumped on every (re)start and on stop: continuations of an older run see the change and quit. */
  private run = 0;
  private stopped = false;
  private started = false;
  private timer: TimerHandle | undefined;
  private watchTimer: TimerHandle | undefined;
  private subscription: Subscription | undefined;
  private resourceVersion: string | undefined;
  private counts = { lists: 0, watches: 0, failures: 0 };

  constructor(
    private readonly source: ListWatch<T>,
    private readonly sink: ReflectorSink<T>,
    private readonly options: ReflectorOptions,
  ) {
    this.clock = options.clock;
    this.backoff = options.backoff ?? DEFAULT_WATCH_BACKOFF;
    this.resetAfterMs = options.resetAfterMs ?? 60_000;
  }

  /** The resourceVersion the sink is exact at (the last list's, then each watch event's). */
  get lastSyncResourceVersion(): string | undefined {
    return this.resourceVersion;
  }

  /** Lists, watches and failures so far (for tests and metrics). */
  get stats(): { readonly lists: number; readonly watches: number; readonly failures: number } {
    return { ...this.counts };
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    void this.listAndWatch(++this.run);
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.run++;
    this.cancelTimers();
    this.subscription?.unsubscribe();
    this.subscription = undefined;
  }

  private async listAndWatch(run: number): Promise<void> {
    this.counts.lists++;
    const items: T[] = [];
    let resourceVersion: string | undefined;
    try {
      let next: string | undefined;
      do {
        const page = await this.source.list(this.pageOptions(next));
        if (run !== this.run) return;
        resourceVersion ??= page.metadata.resourceVersion;
        for (const item of page.items) items.push(item);
        next = page.metadata.continue || undefined;
      } while (next !== undefined);
    } catch (error) {
      if (run !== this.run) return;
      this.fail(error, () => this.listAndWatch(++this.run));
      return;
    }
    this.resourceVersion = resourceVersion;
    this.sink.replace(items, resourceVersion as string);
    this.watch(run);
  }

  private pageOptions(next: string | undefined): ListOptions {
    const limit = this.options.pageSize;
    if (limit === undefined) return {};
    return next === undefined ? { limit } : { limit, continue: next };
  }

  private watch(run: number): void {
    this.counts.watches++;
    const startedAt = this.clock.now();
    let ended = false;
    const end = (error: unknown, planned = false) => {
      if (ended) return;
      ended = true;
      if (this.watchTimer !== undefined) this.clock.clearTimeout(this.watchTimer);
      this.watchTimer = undefined;
      this.subscription?.unsubscribe();
      this.subscription = undefined;
      if (run !== this.run) return;
      this.watchEnded(error, startedAt, planned);
    };
    let stream: Observable<WatchEvent<T>>;
    try {
      stream = this.source.watch({ resourceVersion: this.resourceVersion as string });
    } catch (error) {
      end(error);
      return;
    }
    const subscription = stream.subscribe({
      next: (event) => {
        if (ended || run !== this.run) return;
        this.resourceVersion = newer(this.resourceVersion, event.object.metadata?.resourceVersion);
        this.sink.apply(event);
      },
      error: (error: unknown) => end(error ?? new Error('watch failed')),
      complete: () => end(undefined),
    });
    if (ended) {
      subscription.unsubscribe();
      return;
    }
    this.subscription = subscription;
    const timeout = this.options.watchTimeoutMs;
    if (timeout !== undefined && timeout > 0) {
      this.watchTimer = this.clock.setTimeout(() => {
        this.watchTimer = undefined;
        end(undefined, true);
      }, timeout);
    }
  }

  /**
   * A watch ended: an error means re-list, a completion means resume from the last resourceVersion —
   * at once when the watch was healthy (it lived `resetAfterMs`, or we ended it on `watchTimeoutMs`).
   */
  private watchEnded(error: unknown, startedAt: number, planned: boolean): void {
    const healthy = planned || this.clock.now() - startedAt >= this.resetAfterMs;
    if (healthy) this.failures = 0;
    if (error !== undefined) {
      this.fail(error, () => this.listAndWatch(++this.run));
      return;
    }
    const run = ++this.run;
    if (healthy) this.watch(run);
    else this.schedule(() => this.watch(run));
  }

  private fail(error: unknown, retry: () => unknown): void {
    this.counts.failures++;
    this.options.onError?.(toApiError(error));
    this.schedule(retry);
  }

  private schedule(retry: () => unknown): void {
    this.failures++;
    const delay = backoffDelay(this.backoff, this.failures, this.options.random);
    this.cancelTimers();
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      if (!this.stopped) retry();
    }, delay);
  }

  private cancelTimers(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    if (this.watchTimer !== undefined) this.clock.clearTimeout(this.watchTimer);
    this.timer = undefined;
    this.watchTimer = undefined;
  }
}

/**
 * The resume point after seeing `next`. Kubernetes calls resourceVersions opaque, but every Flotilla
 * server issues integers, and a watch from '0' replays the current objects in key order, not revision
 * order: comparing integers keeps the resume point from moving backwards (which would replay changes).
 */
function newer(current: string | undefined, next: string | undefined): string | undefined {
  if (!next) return current;
  if (current === undefined) return next;
  const order = compareResourceVersions(next, current);
  if (order === undefined) return next;
  return order > 0 ? next : current;
}
