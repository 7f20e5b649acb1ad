import {
  type BackoffPolicy,
  type Clock,
  ExponentialBackoff,
  type Random,
  type TimerHandle,
} from '@flotilla/clock';

/** client-go's per-item default: 5 ms doubling to 1000 s. */
export const DEFAULT_ITEM_BACKOFF: BackoffPolicy = { initialMs: 5, maxMs: 1_000_000 };

export interface WorkQueueOptions {
  /** Time for `addAfter` and back-off; a `VirtualClock` makes the queue deterministic. */
  readonly clock: Clock;
  /** Per-item back-off for `addRateLimited`; defaults to `DEFAULT_ITEM_BACKOFF`. */
  readonly backoff?: BackoffPolicy;
  /** Needed only when `backoff.jitter` > 0. */
  readonly random?: Random;
}

/**
 * A work queue with client-go's contract:
 *
 * - **Stingy**: a key waiting in the queue is there once, however often it was added.
 * - **Fair**: keys come out in the order they were first added.
 * - **One at a time**: a key handed out by `get()` is not handed out again until `done(key)`; if it
 *   was added meanwhile, it is queued again at `done` — so no change is ever lost and no key is ever
 *   processed by two workers at once.
 * - **Delays**: `addAfter(key, ms)` adds the key once `ms` passed on the clock; `addRateLimited(key)`
 *   waits the key's exponential back-off, which `forget(key)` resets.
 * - **Shutdown**: `shutDown()` refuses new keys and drops delayed ones; `get()` keeps handing out what is
 *   already queued and then resolves `undefined`. `shutDownWithDrain()` also waits for keys in flight.
 */
export class WorkQueue<K = string> {
  /** Keys in order; invariant: a key is in `queue` iff it is in `dirty` and not in `processing`. */
  private readonly queue: K[] = [];
  private head = 0;
  /** Keys that need processing (queued, or re-added while processing). */
  private readonly dirty = new Set<K>();
  /** Keys handed out and not yet `done`. */
  private readonly processing = new Set<K>();
  private readonly waiting = new Map<K, { at: number; timer: TimerHandle }>();
  private readonly getters: ((key: K | undefined) => void)[] = [];
  private readonly drainers: (() => void)[] = [];
  private readonly backoff: ExponentialBackoff<K>;
  private readonly clock: Clock;
  private shuttingDown = false;

  constructor(options: WorkQueueOptions) {
    this.clock = options.clock;
    this.backoff = new ExponentialBackoff<K>(options.backoff ?? DEFAULT_ITEM_BACKOFF, options.random);
  }

  /** Marks `key` as needing processing. Ignored after shutdown. */
  add(key: K): void {
    if (this.shuttingDown || this.dirty.has(key)) return;
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    this.enqueue(key);
  }

  /**
   * Adds `key` after `ms` on the clock (at once when `ms` <= 0). When the key is already waiting, the
   * earlier of the two times wins, as with client-go's delaying queue.
   */
  addAfter(key: K, ms: number): void {
    if (this.shuttingDown) return;
    if (!(ms > 0)) {
      this.add(key);
      return;
    }
    const at = this.clock.now() + ms;
    const existing = this.waiting.get(key);
    if (existing && existing.at <= at) return;
    if (existing) this.clock.clearTimeout(existing.timer);
    const timer = this.clock.setTimeout(() => {
      this.waiting.delete(key);
      this.add(key);
    }, ms);
    this.waiting.set(key, { at, timer });
  }

  /** Adds `key` after its next back-off delay; each call without `forget` doubles the delay. */
  addRateLimited(key: K): void {
    this.addAfter(key, this.backoff.next(key));
  }

  /** Resets the back-off of `key` (call it when the key was processed successfully). */
  forget(key: K): void {
    this.backoff.forget(key);
  }

  /** How many times `key` was rate-limited since the last `forget`. */
  numRequeues(key: K): number {
    return this.backoff.attempts(key);
  }

  /**
   * The next key to process, marking it in flight. Waits while the queue is empty; resolves
   * `undefined` once the queue is shut down and empty.
   */
  get(): Promise<K | undefined> {
    const key = this.tryGet();
    if (key !== undefined || this.shuttingDown) return Promise.resolve(key);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** Like `get` without waiting: `undefined` when nothing is queued. */
  tryGet(): K | undefined {
    if (this.head >= this.queue.length) return undefined;
    const key = this.queue[this.head] as K;
    this.queue[this.head] = undefined as K;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    this.dirty.delete(key);
    this.processing.add(key);
    return key;
  }

  /** Ends processing of `key`; re-queues it if it was added while in flight. */
  done(key: K): void {
    if (!this.processing.delete(key)) return;
    if (this.dirty.has(key)) this.enqueue(key);
    // Draining waits for keys in flight only; a key queued again is served by the next `get`.
    if (this.processing.size === 0) this.notifyDrained();
  }

  /** Keys queued and ready (not counting keys in flight or waiting on a delay). */
  get length(): number {
    return this.queue.length - this.head;
  }

  /** Keys in flight. */
  get inFlight(): number {
    return this.processing.size;
  }

  /** Keys waiting for `addAfter`/`addRateLimited` delays to pass. */
  get delayed(): number {
    return this.waiting.size;
  }

  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Stops accepting keys and drops delayed ones; waiting `get()` calls resolve `undefined` once empty. */
  shutDown(): void {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    for (const { timer } of this.waiting.values()) this.clock.clearTimeout(timer);
    this.waiting.clear();
    for (const resolve of this.getters.splice(0)) resolve(undefined);
  }

  /** `shutDown()`, then resolves when every key in flight is `done`. */
  shutDownWithDrain(): Promise<void> {
    this.shutDown();
    if (this.processing.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drainers.push(resolve));
  }

  private enqueue(key: K): void {
    const getter = this.getters.shift();
    if (getter) {
      this.dirty.delete(key);
      this.processing.add(key);
      getter(key);
      return;
    }
    this.queue.push(key);
  }

  private notifyDrained(): void {
    if (!this.shuttingDown) return;
    for (const resolve of this.drainers.splice(0)) resolve();
  }
}
