import { ApiError } from '@flotilla/api';
import type { Clock } from '@flotilla/clock';
import { type BackendEvent, backendErrors, type KeyValue } from '@flotilla/store';
import type { Etcd3, IDuplexStream, IEvent, IWatchRequest, IWatchResponse } from 'etcd3';
import type { Subscriber } from 'rxjs';
import { int, toKv } from './keys.js';

export interface EtcdWatchOptions {
  readonly client: Etcd3;
  readonly clock: Clock;
  readonly key: Buffer;
  readonly rangeEnd: Buffer;
  readonly rootLength: number;
  readonly afterRevision: number;
  readonly subscriber: Subscriber<readonly BackendEvent[]>;
  readonly onEnd: () => void;
}

/**
 * One backend watch: its own etcd watch stream, re-created after any stream or member failure from
 * the revision after the last event delivered (`cursor`), so a reconnection neither loses nor repeats
 * an event. etcd3's own `Watcher` is not used because it resumes from the stream header's revision,
 * which skips events when a stream fails while replaying history.
 */
export class EtcdWatch {
  /** The next revision to deliver. */
  private cursor: number;
  private stream: IDuplexStream<IWatchRequest, IWatchResponse> | undefined;
  private stopped = false;
  private readonly abort = new AbortController();

  constructor(private readonly options: EtcdWatchOptions) {
    this.cursor = options.afterRevision + 1;
  }

  /** The next revision this watch needs from etcd. */
  get next(): number {
    return this.cursor;
  }

  start(): void {
    void this.run();
  }

  /** Unsubscribed: cancel the stream, deliver nothing more. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.abort.abort();
    this.stream?.cancel();
    this.options.onEnd();
  }

  /** The backend closed: the stream completes. */
  complete(): void {
    if (this.stopped) return;
    this.stop();
    this.options.subscriber.complete();
  }

  private fail(error: unknown): void {
    if (this.stopped) return;
    this.stop();
    this.options.subscriber.error(error);
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      try {
        const progressed = await this.streamOnce();
        if (progressed) failures = 0;
      } catch (error) {
        if (
          error instanceof ApiError &&
          error.reason !== 'ServiceUnavailable' &&
          error.reason !== 'Timeout'
        ) {
          this.fail(error);
          return;
        }
      }
      if (this.stopped) return;
      failures++;
      try {
        await this.options.clock.sleep(Math.min(2_000, 25 * 2 ** Math.min(failures, 8)), this.abort.signal);
      } catch {
        return;
      }
    }
  }

  /**
   * Runs one watch stream until it fails. Resolves true when it delivered or was created (so the
   * next failure starts the back-off afresh); rejects with an ApiError the subscriber must see.
   */
  private async streamOnce(): Promise<boolean> {
    const stream = await this.options.client.watchClient.watch();
    if (this.stopped) {
      stream.cancel();
      return false;
    }
    this.stream = stream;
    let progressed = false;
    return new Promise<boolean>((resolve, reject) => {
      const done = (error?: unknown) => {
        stream.cancel();
        if (this.stream === stream) this.stream = undefined;
        if (error === undefined) resolve(progressed);
        else reject(error);
      };
      stream.on('data', (res: IWatchResponse) => {
        if (this.stopped) return;
        if (res.compact_revision !== undefined && int(res.compact_revision) > 0) {
          done(backendErrors.compacted(this.cursor - 1, int(res.compact_revision) + 1));
          return;
        }
        if (res.canceled) {
          done(ApiError.internal(`etcd cancelled the watch: ${res.cancel_reason || 'no reason given'}`));
          return;
        }
        if (res.created) progressed = true;
        const batch: BackendEvent[] = [];
        for (const event of res.events ?? []) {
          const mapped = this.toEvent(event);
          if (mapped.kv.modRevision >= this.cursor) batch.push(mapped);
        }
        if (batch.length === 0) return;
        this.cursor = (batch[batch.length - 1] as BackendEvent).kv.modRevision + 1;
        progressed = true;
        this.options.subscriber.next(batch);
      });
      stream.on('error', () => done());
      stream.on('end', () => done());
      stream.write({
        create_request: {
          key: this.options.key,
          range_end: this.options.rangeEnd,
          start_revision: this.cursor,
          prev_kv: true,
          progress_notify: true,
        },
      });
    });
  }

  private toEvent(event: IEvent): BackendEvent {
    const { rootLength } = this.options;
    const prevKv = event.prev_kv ? toKv(event.prev_kv, rootLength) : undefined;
    if (event.type === 'Delete') {
      const key = event.kv.key.subarray(rootLength).toString('utf8');
      return {
        type: 'delete',
        kv: { key, value: '', createRevision: 0, modRevision: int(event.kv.mod_revision), version: 0 },
        // etcd omits the previous value only when it was compacted, which `compact` avoids for every
        // watch it allows; an empty previous state keeps the event well-formed if another client
        // compacted etcd directly.
        prevKv: prevKv ?? emptyKv(key),
      };
    }
    const kv = toKv(event.kv, rootLength);
    return prevKv === undefined || kv.version === 1 ? { type: 'put', kv } : { type: 'put', kv, prevKv };
  }
}

function emptyKv(key: string): KeyValue {
  return { key, value: '', createRevision: 0, modRevision: 0, version: 0 };
}
