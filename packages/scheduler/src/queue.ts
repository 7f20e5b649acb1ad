/**
 * `SchedulingQueue`: pods waiting to be scheduled, a pure data structure on an injected `Clock`.
 *
 * - `pop()` returns the active pod with the highest priority, then the earliest enqueue time (activeQ).
 * - A pod reported unschedulable waits out a back-off of 1 s, doubling per consecutive failure up to
 *   10 s (Kubernetes' `DefaultPodInitialBackoffDuration` / `DefaultPodMaxBackoffDuration`), then becomes
 *   active again; `nextReadyAt()` tells the loop when to look again.
 * - Adding a key already queued replaces its item and priority and keeps its place in time.
 * - `forget(key)` (after a successful bind) resets the failure count.
 */
import type { Clock } from '@flotilla/clock';

export const DEFAULT_POD_INITIAL_BACKOFF_MS = 1_000;
export const DEFAULT_POD_MAX_BACKOFF_MS = 10_000;

interface Entry<T> {
  key: string;
  item: T;
  priority: number;
  enqueuedAt: number;
  seq: number;
  readyAt: number;
  heapIndex: number;
  inBackoff: boolean;
}

class Heap<T> {
  readonly items: Entry<T>[] = [];
  constructor(private readonly less: (a: Entry<T>, b: Entry<T>) => boolean) {}

  get size(): number {
    return this.items.length;
  }

  peek(): Entry<T> | undefined {
    return this.items[0];
  }

  push(e: Entry<T>): void {
    e.heapIndex = this.items.length;
    this.items.push(e);
    this.up(e.heapIndex);
  }

  remove(e: Entry<T>): void {
    const i = e.heapIndex;
    const last = this.items.pop()!;
    if (i < this.items.length) {
      this.items[i] = last;
      last.heapIndex = i;
      this.down(i);
      this.up(last.heapIndex);
    }
    e.heapIndex = -1;
  }

  private swap(i: number, j: number): void {
    const a = this.items[i]!;
    const b = this.items[j]!;
    this.items[i] = b;
    this.items[j] = a;
    a.heapIndex = j;
    b.heapIndex = i;
  }

  private up(i: number): void {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(this.items[i]!, this.items[p]!)) break;
      this.swap(i, p);
      i = p;
    }
  }

  private down(i: number): void {
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(this.items[l]!, this.items[m]!)) m = l;
      if (r < n && this.less(this.items[r]!, this.items[m]!)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
  }
}

export interface SchedulingQueueOptions {
  initialBackoffMs?: number;
  maxBackoffMs?: number;
}

export class SchedulingQueue<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly attempts = new Map<string, number>();
  private readonly active = new Heap<T>(
    (a, b) =>
      a.priority > b.priority ||
      (a.priority === b.priority &&
        (a.enqueuedAt < b.enqueuedAt || (a.enqueuedAt === b.enqueuedAt && a.seq < b.seq))),
  );
  private readonly backoff = new Heap<T>(
    (a, b) => a.readyAt < b.readyAt || (a.readyAt === b.readyAt && a.seq < b.seq),
  );
  private seq = 0;
  private readonly initial: number;
  private readonly max: number;

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    options: SchedulingQueueOptions = {},
  ) {
    this.initial = options.initialBackoffMs ?? DEFAULT_POD_INITIAL_BACKOFF_MS;
    this.max = options.maxBackoffMs ?? DEFAULT_POD_MAX_BACKOFF_MS;
  }

  /** Pods queued, active or backing off. */
  get size(): number {
    return this.entries.size;
  }

  get activeCount(): number {
    this.flush();
    return this.active.size;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Enqueues (or updates) a pod as ready to schedule now. */
  add(key: string, item: T, priority: number): void {
    const e = this.entries.get(key);
    if (e !== undefined) {
      e.item = item;
      if (e.priority !== priority) {
        (e.inBackoff ? this.backoff : this.active).remove(e);
        e.priority = priority;
        (e.inBackoff ? this.backoff : this.active).push(e);
      }
      return;
    }
    const entry: Entry<T> = {
      key,
      item,
      priority,
      enqueuedAt: this.clock.now(),
      seq: this.seq++,
      readyAt: 0,
      heapIndex: -1,
      inBackoff: false,
    };
    this.entries.set(key, entry);
    this.active.push(entry);
  }

  /** Requeues a pod that could not be scheduled, after its back-off (1 s, 2 s, 4 s, 8 s, 10 s, 10 s …). */
  addUnschedulable(key: string, item: T, priority: number): void {
    this.delete(key);
    const n = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, n);
    const now = this.clock.now();
    const entry: Entry<T> = {
      key,
      item,
      priority,
      enqueuedAt: now,
      seq: this.seq++,
      readyAt: now + this.backoffFor(n),
      heapIndex: -1,
      inBackoff: true,
    };
    this.entries.set(key, entry);
    this.backoff.push(entry);
  }

  /** The back-off after `failures` consecutive failures. */
  backoffFor(failures: number): number {
    if (failures <= 0) return 0;
    let d = this.initial;
    for (let i = 1; i < failures && d < this.max; i++) d *= 2;
    return Math.min(d, this.max);
  }

  /** The highest-priority, oldest active pod, removed from the queue; undefined if none is ready. */
  pop(): { key: string; item: T; attempts: number } | undefined {
    this.flush();
    const e = this.active.peek();
    if (e === undefined) return undefined;
    this.active.remove(e);
    this.entries.delete(e.key);
    return { key: e.key, item: e.item, attempts: this.attempts.get(e.key) ?? 0 };
  }

  /** When the earliest backing-off pod becomes active (epoch ms), or undefined. */
  nextReadyAt(): number | undefined {
    return this.backoff.peek()?.readyAt;
  }

  /** Removes a pod (deleted, or bound by someone else). */
  delete(key: string): boolean {
    const e = this.entries.get(key);
    if (e === undefined) return false;
    (e.inBackoff ? this.backoff : this.active).remove(e);
    this.entries.delete(key);
    return true;
  }

  /** Resets the failure count of a pod that was scheduled. */
  forget(key: string): void {
    this.attempts.delete(key);
  }

  /** Moves pods whose back-off has expired to the active queue. */
  private flush(): void {
    const now = this.clock.now();
    for (let e = this.backoff.peek(); e !== undefined && e.readyAt <= now; e = this.backoff.peek()) {
      this.backoff.remove(e);
      e.inBackoff = false;
      this.active.push(e);
    }
  }
}
