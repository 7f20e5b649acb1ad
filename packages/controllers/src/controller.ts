import { WorkQueue } from '@flotilla/client';
import { type Clock, createRandom, type Random } from '@flotilla/clock';
import type { Observable, Subscription } from 'rxjs';
import {
  isTerminalError,
  parseRequestKey,
  type ReconcileContext,
  type Reconciler,
  type Request,
  requestKey,
} from './reconciler.js';

export interface ControllerOptions {
  /** Shown in errors and logs (`replicaset`, `deployment`, …). */
  readonly name: string;
  readonly reconciler: Reconciler;
  /**
   * Streams of requests to reconcile, typically mapped from informer events (see `sources.ts`). A
   * source given as `{ requests, batchPeriodMs }` enqueues each key only after that delay, so a burst
   * of events for one key (a ReplicaSet's 10,000 pods becoming ready) costs one pass, not one per event —
   * Kubernetes' Job and EndpointSlice controllers batch pod updates the same way.
   */
  readonly sources: readonly RequestSource[];
  readonly clock: Clock;
  /** Seed of the randomness handed to the reconciler (default 0). */
  readonly seed?: number;
  /** Concurrent reconciles; one key is never reconciled by two workers at once (default 1). */
  readonly workers?: number;
  /** Called for every failed reconcile (retried or terminal); defaults to nothing. */
  readonly onError?: (error: unknown, request: Request, controller: string) => void;
}

export type RequestStream = Observable<Request | readonly Request[]>;

/** A stream of requests, optionally batched: see `ControllerOptions.sources`. */
export type RequestSource =
  | RequestStream
  | { readonly requests: RequestStream; readonly batchPeriodMs: number };

/** Counters a host or test can read. */
export interface ControllerStats {
  readonly reconciles: number;
  readonly errors: number;
  readonly requeues: number;
}

/**
 * Sources → work queue → N workers → reconciler, with controller-runtime's result handling:
 * `requeueAfter` re-adds the key after the delay, a thrown error re-adds it with back-off, a
 * `TerminalError` drops it, success forgets its back-off. `stop()` stops the sources, lets reconciles
 * in flight finish, and resolves when every worker has exited.
 */
export class Controller {
  readonly name: string;
  private readonly queue: WorkQueue<string>;
  private readonly options: ControllerOptions;
  private readonly random: Random;
  private readonly abort = new AbortController();
  private subscriptions: Subscription[] = [];
  private workers: Promise<void>[] = [];
  private counts = { reconciles: 0, errors: 0, requeues: 0 };
  private started = false;

  constructor(options: ControllerOptions) {
    this.name = options.name;
    this.options = options;
    this.queue = new WorkQueue<string>({ clock: options.clock });
    this.random = createRandom(options.seed ?? 0);
  }

  get stats(): ControllerStats {
    return { ...this.counts };
  }

  /** Keys waiting, in flight or delayed: 0 means the controller has nothing to do right now. */
  get pending(): number {
    return this.queue.length + this.queue.inFlight + this.queue.delayed;
  }

  /** Keys waiting or in flight (not counting delayed requeues): 0 means idle until a timer fires. */
  get busy(): number {
    return this.queue.length + this.queue.inFlight;
  }

  /** Adds a request by hand (tests, or a host that knows better). */
  enqueue(request: Request): void {
    this.queue.add(requestKey(request));
  }

  start(): void {
    if (this.started) throw new Error(`controller ${this.name} already started`);
    this.started = true;
    for (const source of this.options.sources) {
      const batched = 'batchPeriodMs' in source;
      const stream = batched ? source.requests : source;
      const add = batched
        ? (r: Request) => this.queue.addAfter(requestKey(r), source.batchPeriodMs)
        : (r: Request) => this.enqueue(r);
      this.subscriptions.push(
        stream.subscribe({
          next: (r) => {
            if (Array.isArray(r)) for (const one of r as readonly Request[]) add(one);
            else add(r as Request);
          },
          error: (e) => this.options.onError?.(e, { namespace: '', name: '' }, this.name),
        }),
      );
    }
    const n = Math.max(1, this.options.workers ?? 1);
    for (let i = 0; i < n; i++) this.workers.push(this.work());
  }

  async stop(): Promise<void> {
    for (const s of this.subscriptions) s.unsubscribe();
    this.subscriptions = [];
    this.abort.abort(new Error(`controller ${this.name} stopped`));
    await this.queue.shutDownWithDrain();
    await Promise.all(this.workers);
    this.workers = [];
  }

  private async work(): Promise<void> {
    const context: ReconcileContext = {
      clock: this.options.clock,
      random: this.random,
      signal: this.abort.signal,
    };
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      const request = parseRequestKey(key);
      this.counts.reconciles++;
      try {
        const result = await this.options.reconciler.reconcile(request, context);
        this.queue.forget(key);
        if (result?.requeueAfter !== undefined && result.requeueAfter >= 0) {
          this.counts.requeues++;
          this.queue.addAfter(key, result.requeueAfter);
        }
      } catch (error) {
        this.counts.errors++;
        this.options.onError?.(error, request, this.name);
        if (isTerminalError(error)) this.queue.forget(key);
        else this.queue.addRateLimited(key);
      } finally {
        this.queue.done(key);
      }
    }
  }
}
