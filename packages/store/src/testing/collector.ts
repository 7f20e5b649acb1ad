import type { Observable, Subscription } from 'rxjs';

/**
 * Subscribes to an Observable and records what it emits, so a test can await a condition on the
 * recording. Waiting has no timer of its own: a stream that never satisfies the condition fails the
 * test by the runner's timeout, which is the right verdict for a backend that loses events.
 */
export class Collector<T> {
  readonly values: T[] = [];
  error: unknown;
  completed = false;
  private readonly subscription: Subscription;
  private waiters: { check: () => boolean; resolve: () => void }[] = [];

  constructor(source: Observable<T>) {
    this.subscription = source.subscribe({
      next: (value) => {
        this.values.push(value);
        this.wake();
      },
      error: (error: unknown) => {
        this.error = error;
        this.wake(true);
      },
      complete: () => {
        this.completed = true;
        this.wake(true);
      },
    });
  }

  /** Resolves once `check()` holds; rejects when the stream ends (error or completion) before it does. */
  until(check: (values: readonly T[]) => boolean): Promise<void> {
    if (check(this.values)) return Promise.resolve();
    if (this.error !== undefined) return Promise.reject(this.error);
    if (this.completed) return Promise.reject(new Error('stream completed before the condition held'));
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({
        check: () => {
          if (check(this.values)) {
            resolve();
            return true;
          }
          if (this.error !== undefined) {
            reject(this.error);
            return true;
          }
          if (this.completed) {
            reject(new Error('stream completed before the condition held'));
            return true;
          }
          return false;
        },
        resolve,
      });
    });
  }

  /** Resolves when the stream errors or completes. */
  ended(): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.error !== undefined || this.completed) {
        resolve();
        return;
      }
      this.waiters.push({
        check: () => {
          if (this.error !== undefined || this.completed) {
            resolve();
            return true;
          }
          return false;
        },
        resolve,
      });
    });
  }

  get closed(): boolean {
    return this.subscription.closed;
  }

  unsubscribe(): void {
    this.subscription.unsubscribe();
  }

  private wake(_final = false): void {
    this.waiters = this.waiters.filter((w) => !w.check());
  }
}
