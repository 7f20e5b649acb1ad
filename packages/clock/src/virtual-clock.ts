import { type Clock, sleepOn, type TimerHandle } from './clock.js';

interface Timer {
  readonly id: number;
  readonly due: number;
  readonly fn: () => void;
  /** The lane (`lane(name)`) the timer was set through; '' for the clock itself. */
  readonly lane: string;
}

export interface VirtualClockOptions {
  /** Start time in epoch milliseconds; defaults to 2024-01-01T00:00:00Z so that runs are reproducible. */
  readonly start?: number;
}

export interface RunUntilIdleOptions {
  /** Stop before firing a timer due after this virtual time (epoch ms). */
  readonly until?: number;
  /** Guard against timer loops that never go idle (a periodic resync, a heartbeat). Default 1,000,000. */
  readonly maxTimers?: number;
}

/** Thrown by `runUntilIdle` when `maxTimers` fired and timers remain: something re-arms itself forever. */
export class ClockNotIdleError extends Error {
  override readonly name = 'ClockNotIdleError';
}

export const DEFAULT_VIRTUAL_START = Date.UTC(2024, 0, 1);

/**
 * Time that moves only when a test says so.
 *
 * - `advance(ms)` fires every timer due within the next `ms`, in due-time order (ties: creation order),
 *   moving `now()` to each timer's due time before it fires, then to the end of the window.
 * - Between timers the microtask queue is drained, so `await clock.sleep()` chains progress exactly as
 *   they would on wall time, and the order of everything is a function of the program alone.
 * - Timers set while advancing fire in the same call if they fall due inside the window.
 * - Lanes (for simulations that skip idle time): `lane(name)` is a view of this clock whose timers
 *   belong to lane `name`. `holdLanes(names)` keeps the timers of those lanes from firing — `advance`,
 *   `runUntilIdle` and `nextTimerAt` pass them by — until `releaseLanes()` fires the ones that fell due,
 *   late, each once, lane by lane (draining microtasks after each lane). The owner of the lanes
 *   decides when that is exact (see `@flotilla/testing`'s heartbeat coalescing); a clock that never
 *   holds behaves as without lanes.
 */
export class VirtualClock implements Clock {
  private current: number;
  private readonly heap: Timer[] = [];
  private readonly cancelled = new Set<number>();
  /** Ids of timers waiting (in the heap or held) and not cancelled: makes `clearTimeout` O(1). */
  private readonly live = new Set<number>();
  private nextId = 1;
  /** Held lanes in release order, each with its timers (cancelled ones included until released). */
  private held: Map<string, Timer[]> | undefined;
  private readonly views = new Map<string, Clock>();

  constructor(options: VirtualClockOptions = {}) {
    this.current = options.start ?? DEFAULT_VIRTUAL_START;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    return this.setTimeoutIn('', fn, ms);
  }

  private setTimeoutIn(lane: string, fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    const timer = { id, due: this.current + delay, fn, lane };
    const held = lane === '' ? undefined : this.held?.get(lane);
    if (held) held.push(timer);
    else this.push(timer);
    this.live.add(id);
    return { id };
  }

  /**
   * A view of this clock (same time, same timer order) whose timers belong to lane `name` — what a
   * simulation hands to a component whose periodic timers it may hold. Views are cached per name.
   */
  lane(name: string): Clock {
    if (name === '') throw new RangeError('lane: name must not be empty');
    let view = this.views.get(name);
    if (view === undefined) {
      view = {
        now: () => this.now(),
        setTimeout: (fn, ms) => this.setTimeoutIn(name, fn, ms),
        clearTimeout: (handle) => this.clearTimeout(handle),
        sleep(ms, signal) {
          return sleepOn(this, ms, signal);
        },
      };
      this.views.set(name, view);
    }
    return view;
  }

  /**
   * Holds the timers of these lanes (set before or while held), in addition to any held already:
   * they do not fire, and `nextTimerAt` does not report them, until `releaseLanes`. Lanes are released
   * in the order they were first held.
   */
  holdLanes(names: readonly string[]): void {
    const held = this.held ?? new Map<string, Timer[]>();
    const added = new Set(names.filter((n) => !held.has(n)));
    if (added.size === 0) return;
    for (const n of added) held.set(n, []);
    const keep: Timer[] = [];
    for (const timer of this.heap) {
      if (added.has(timer.lane)) held.get(timer.lane)?.push(timer);
      else keep.push(timer);
    }
    this.heap.length = 0;
    for (const timer of keep) this.push(timer);
    this.held = held;
  }

  /** The lanes held now, in release order. */
  get heldLanes(): readonly string[] {
    return [...(this.held?.keys() ?? [])];
  }

  /** Lanes are held (`holdLanes`) and not yet released. */
  get holding(): boolean {
    return this.held !== undefined;
  }

  /**
   * Stops holding: fires every held timer that fell due by now — lane by lane in `holdLanes` order,
   * by due time (then creation) within a lane, each once, late (at the current time), draining the
   * microtask queue after each lane (so that what a lane's timers started is done before the next
   * lane fires) — and puts the others back. Resolves to the number fired.
   */
  async releaseLanes(): Promise<number> {
    const held = this.held;
    if (held === undefined) return 0;
    this.held = undefined;
    const lanes: Timer[][] = [];
    for (const timers of held.values()) {
      const due: Timer[] = [];
      for (const timer of timers) {
        if (!this.live.has(timer.id)) this.cancelled.delete(timer.id);
        else if (timer.due <= this.current) due.push(timer);
        else this.push(timer);
      }
      lanes.push(due.sort((a, b) => (before(a, b) ? -1 : 1)));
    }
    let fired = 0;
    for (const due of lanes) {
      if (due.length === 0) continue;
      for (const timer of due) {
        if (!this.live.delete(timer.id)) {
          this.cancelled.delete(timer.id);
          continue;
        }
        timer.fn();
        fired++;
      }
      await flushMicrotasks();
    }
    return fired;
  }

  clearTimeout(handle: TimerHandle): void {
    if (this.live.delete(handle.id)) this.cancelled.add(handle.id);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  /** Number of timers waiting to fire (held ones included). */
  get pendingTimers(): number {
    return this.live.size;
  }

  /** Due time of the next live timer that is not held, or `undefined` when none is waiting. */
  nextTimerAt(): number | undefined {
    this.dropCancelledTop();
    return this.heap[0]?.due;
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  async advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new RangeError(`advance: ms must be a non-negative number, got ${ms}`);
    await this.advanceTo(this.current + ms);
  }

  /** Moves time forward to `time` (epoch ms), firing due timers; going backwards is an error. */
  async advanceTo(time: number): Promise<void> {
    if (time < this.current) throw new RangeError(`advanceTo: ${time} is before now (${this.current})`);
    await flushMicrotasks();
    for (;;) {
      const next = this.nextTimerAt();
      if (next === undefined || next > time) break;
      this.fireNext();
      await flushMicrotasks();
    }
    this.current = time;
  }

  /** Fires timers in order until none is left (or `until`/`maxTimers` stops it); returns how many fired. */
  async runUntilIdle(options: RunUntilIdleOptions = {}): Promise<number> {
    const maxTimers = options.maxTimers ?? 1_000_000;
    let fired = 0;
    await flushMicrotasks();
    for (;;) {
      const next = this.nextTimerAt();
      if (next === undefined) return fired;
      if (options.until !== undefined && next > options.until) {
        this.current = Math.max(this.current, options.until);
        return fired;
      }
      if (fired >= maxTimers) {
        throw new ClockNotIdleError(`clock not idle after ${fired} timers; next due at ${next}`);
      }
      this.fireNext();
      fired++;
      await flushMicrotasks();
    }
  }

  private fireNext(): void {
    const timer = this.pop();
    if (timer === undefined) return;
    this.current = Math.max(this.current, timer.due);
    timer.fn();
  }

  private dropCancelledTop(): void {
    while (this.heap[0] !== undefined && this.cancelled.has(this.heap[0].id)) {
      this.cancelled.delete(this.heap[0].id);
      this.popRaw();
    }
  }

  private pop(): Timer | undefined {
    this.dropCancelledTop();
    const timer = this.popRaw();
    if (timer) this.live.delete(timer.id);
    return timer;
  }

  // A binary heap ordered by (due, id): id grows with creation, which gives ties a stable order.
  private push(timer: Timer): void {
    const heap = this.heap;
    heap.push(timer);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  private popRaw(): Timer | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (top === undefined || last === undefined || heap.length === 0) return top;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let min = i;
      if (l < heap.length && before(heap[l]!, heap[min]!)) min = l;
      if (r < heap.length && before(heap[r]!, heap[min]!)) min = r;
      if (min === i) break;
      [heap[i], heap[min]] = [heap[min]!, heap[i]!];
      i = min;
    }
    return top;
  }
}

function before(a: Timer, b: Timer): boolean {
  return a.due < b.due || (a.due === b.due && a.id < b.id);
}

/**
 * Lets every promise continuation that is already queued run to completion. A macrotask boundary
 * (setImmediate) runs after the whole microtask queue, however deep the chain of `await`s is.
 */
export function flushMicrotasks(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
