import { type Clock, sleepOn, type TimerHandle } from './clock.js';

/**
 * Wall time: `Date.now()` and the platform's timers. The only place in Flotilla that touches them.
 * Timers are unref'd so that a forgotten timer never keeps a process alive.
 */
export class SystemClock implements Clock {
  private readonly timers = new Map<number, ReturnType<typeof globalThis.setTimeout>>();
  private nextId = 1;
  private last = 0;

  now(): number {
    // Date.now() can step back when the system clock is adjusted; Clock promises monotonic time.
    this.last = Math.max(this.last, Date.now());
    return this.last;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    const timer = globalThis.setTimeout(
      () => {
        this.timers.delete(id);
        fn();
      },
      Math.max(0, Number.isFinite(ms) ? ms : 0),
    );
    timer.unref?.();
    this.timers.set(id, timer);
    return { id };
  }

  clearTimeout(handle: TimerHandle): void {
    const timer = this.timers.get(handle.id);
    if (timer !== undefined) {
      globalThis.clearTimeout(timer);
      this.timers.delete(handle.id);
    }
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  /** Timers set and not yet fired or cleared; lets a host check that it left nothing behind. */
  get pendingTimers(): number {
    return this.timers.size;
  }
}
