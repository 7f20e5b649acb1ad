import { ApiError } from '@flotilla/api';
import { type Clock, SystemClock } from '@flotilla/clock';
import {
  type Backend,
  type BackendEvent,
  type BackendValue,
  backendErrors,
  type KeyValue,
  type RangeOptions,
  type RangeResult,
  textOf,
  watchStartError,
} from '@flotilla/store';
import { noop } from 'cockatiel';
import { Etcd3, type ICompare, type IRequestOp, type ITxnResponse } from 'etcd3';
import { Observable } from 'rxjs';
import { isCompacted, isFutureRevision, isTransient, readError, writeError } from './etcd-errors.js';
import { EtcdWatch } from './etcd-watch.js';
import { int, keyAfter, prefixEnd, toKv } from './keys.js';

export interface EtcdBackendOptions {
  /** etcd client endpoints (`127.0.0.1:2379` or `http://…`); ignored when `client` is given. */
  readonly endpoints?: string | readonly string[];
  /** A client to share (its fault handling is then the caller's); `close()` leaves it open. */
  readonly client?: Etcd3;
  /**
   * Prepended to every key (default ''): each backend sees only its own namespace, so several
   * clusters or tests can share one etcd. Revisions and compaction stay etcd's, shared by all.
   */
  readonly prefix?: string;
  /** Waits between retries and watch reconnections (default `SystemClock`). */
  readonly clock?: Clock;
  /** Deadline of each unary request (default 5,000 ms); a write past it has an unknown outcome. */
  readonly requestTimeoutMs?: number;
  /** Extra attempts of a read after a network failure (default 4). */
  readonly readRetries?: number;
}

const CREATE = 'Create' as const;
const MOD = 'Mod' as const;
const VERSION = 'Version' as const;

/**
 * `Backend` on etcd v3 through the etcd3 client. Keys are stored as `prefix + key`; the backend's
 * revision is etcd's revision.
 *
 * - `create` is a transaction comparing the key's create revision with 0; `update`/`delete` compare its
 *   mod revision (and that it exists), and read it back in the same transaction on failure, so Conflict
 *   carries the current mod revision without a second round trip.
 * - Writes are never retried once they may have reached etcd: a timeout or a dropped connection fails
 *   with `backendErrors.unknownOutcome` (Timeout), never with a reason that claims it was not applied.
 *   Writes that certainly were not sent are tried on the next member. Reads retry on network failures.
 * - `watch` uses etcd's watch from `afterRevision + 1` with previous values, and reconnects after a
 *   stream or member failure from the revision after the last event it delivered, so nothing is lost
 *   or repeated; etcd's compaction cancel becomes Gone.
 * - `compact(r)` has etcd compact at `r - 1`, so that a watch from `r - 1` (which the contract allows)
 *   still gets the previous value of an event at `r`; this backend refuses reads before `r` itself.
 *   `compactedRevision()` is etcd's compaction + 1, found with a probe (a range at the last known
 *   compacted revision) and a binary search when another client compacted further. Nothing is written,
 *   so compaction does not move the revision.
 */
export class EtcdBackend implements Backend {
  readonly client: Etcd3;
  private readonly ownsClient: boolean;
  readonly root: string;
  private readonly rootBytes: Buffer;
  /** A key to read revisions with (its value does not matter; the empty key is not allowed). */
  private readonly probeKey: Buffer;
  /** Highest compaction this backend performed or saw (reads before it fail with Gone). */
  private compacted = 0;
  /** etcd has compacted at least up to here (etcd's own compact revision, not ours). */
  private knownPhysical = 0;
  readonly clock: Clock;
  private readonly readRetries: number;
  private readonly watches = new Set<EtcdWatch>();
  private closed = false;

  constructor(options: EtcdBackendOptions = {}) {
    const timeout = options.requestTimeoutMs ?? 5_000;
    if (!(Number.isInteger(timeout) && timeout > 0)) {
      throw new RangeError(`requestTimeoutMs must be a positive integer, got ${timeout}`);
    }
    const retries = options.readRetries ?? 4;
    if (!(Number.isInteger(retries) && retries >= 0)) {
      throw new RangeError(`readRetries must be a non-negative integer, got ${retries}`);
    }
    this.readRetries = retries;
    this.clock = options.clock ?? new SystemClock();
    this.root = options.prefix ?? '';
    this.rootBytes = Buffer.from(this.root, 'utf8');
    this.probeKey = this.rootBytes.length > 0 ? this.rootBytes : Buffer.from([0]);
    if (options.client !== undefined) {
      this.client = options.client;
      this.ownsClient = false;
    } else {
      this.client = createClient(options.endpoints ?? '127.0.0.1:2379', timeout, this.clock);
      this.ownsClient = true;
    }
  }

  async currentRevision(): Promise<number> {
    this.checkOpen();
    const res = await this.read(() => this.client.kv.range({ key: this.probeKey, count_only: true }));
    return int(res.header.revision);
  }

  async compactedRevision(): Promise<number> {
    this.checkOpen();
    const physical = await this.physicalCompaction();
    if (physical > 0 && physical + 1 > this.compacted) this.compacted = physical + 1;
    return this.compacted;
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.checkOpen();
    const res = await this.read(() => this.client.kv.range({ key: this.encode(key) }));
    const kv = res.kvs[0];
    return kv === undefined ? undefined : toKv(kv, this.rootBytes.length);
  }

  async range(prefix: string, options: RangeOptions = {}): Promise<RangeResult> {
    this.checkOpen();
    const { limit, startAfter, revision } = options;
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
      throw ApiError.badRequest(`limit must be a positive integer, got ${limit}`);
    }
    if (revision !== undefined && !(Number.isInteger(revision) && revision > 0)) {
      throw ApiError.badRequest(`revision must be a positive integer, got ${revision}`);
    }
    const start = this.encode(prefix);
    const request = {
      key:
        startAfter !== undefined && startAfter >= prefix ? keyAfter(this.encode(startAfter)) : lowest(start),
      range_end: prefixEnd(start),
      ...(limit === undefined ? {} : { limit }),
      ...(revision === undefined ? {} : { revision }),
    };
    if (revision !== undefined && revision < this.compacted) {
      throw backendErrors.compacted(revision, this.compacted);
    }
    const res = await this.read(() => this.client.kv.range(request), revision);
    return {
      items: res.kvs.map((kv) => toKv(kv, this.rootBytes.length)),
      revision: revision ?? int(res.header.revision),
      more: res.more,
    };
  }

  async create(key: string, value: BackendValue): Promise<number> {
    this.checkOpen();
    const k = this.encode(key);
    const res = await this.write('create', key, {
      compare: [{ key: k, target: CREATE, result: 'Equal', create_revision: 0 }],
      success: [{ request_put: { key: k, value: Buffer.from(textOf(value), 'utf8') } }],
      failure: [],
    });
    if (!res.succeeded) throw backendErrors.alreadyExists(key);
    return int(res.header.revision);
  }

  async update(key: string, value: BackendValue, expectedModRevision: number): Promise<number> {
    this.checkOpen();
    const k = this.encode(key);
    const res = await this.write('update', key, {
      compare: [
        ...this.exists(k),
        { key: k, target: MOD, result: 'Equal', mod_revision: expectedModRevision },
      ],
      success: [{ request_put: { key: k, value: Buffer.from(textOf(value), 'utf8') } }],
      failure: [{ request_range: { key: k } }],
    });
    if (!res.succeeded) throw this.conditionFailed(key, expectedModRevision, res);
    return int(res.header.revision);
  }

  async delete(key: string, expectedModRevision?: number): Promise<number> {
    this.checkOpen();
    const k = this.encode(key);
    const compare: ICompare[] = this.exists(k);
    if (expectedModRevision !== undefined) {
      compare.push({ key: k, target: MOD, result: 'Equal', mod_revision: expectedModRevision });
    }
    const res = await this.write('delete', key, {
      compare,
      success: [{ request_delete_range: { key: k } }],
      failure: [{ request_range: { key: k } }],
    });
    if (!res.succeeded) throw this.conditionFailed(key, expectedModRevision ?? 0, res);
    return int(res.header.revision);
  }

  watch(prefix: string, afterRevision: number): Observable<readonly BackendEvent[]> {
    return new Observable<readonly BackendEvent[]>((subscriber) => {
      // Checked against what this backend knows now: a compaction by another client shows up as
      // etcd's compaction response on the stream.
      const refused = watchStartError(this.closed, afterRevision, () => this.compacted);
      if (refused) {
        subscriber.error(refused);
        return;
      }
      const start = this.encode(prefix);
      const watch = new EtcdWatch({
        client: this.client,
        clock: this.clock,
        key: lowest(start),
        rangeEnd: prefixEnd(start),
        rootLength: this.rootBytes.length,
        afterRevision,
        subscriber,
        onEnd: () => this.watches.delete(watch),
      });
      this.watches.add(watch);
      watch.start();
      return () => watch.stop();
    });
  }

  async compact(revision: number): Promise<void> {
    this.checkOpen();
    if (!Number.isInteger(revision) || revision < 0) {
      throw backendErrors.badRevision(revision);
    }
    const current = await this.currentRevision();
    if (revision > current) throw backendErrors.futureRevision(revision, current);
    if (revision <= this.compacted) return;
    if (revision > this.compacted) this.compacted = revision;
    // etcd keeps revision - 1 so that an event at `revision` still has its previous value, and
    // whatever this backend's open watches have not received yet (a later compaction removes it).
    let physical = revision - 1;
    for (const watch of this.watches) physical = Math.min(physical, watch.next - 1);
    if (physical > this.knownPhysical) {
      try {
        await this.client.kv.compact({ revision: physical });
      } catch (error) {
        if (!isCompacted(error)) throw writeError('compact', this.root, error);
      }
      this.knownPhysical = physical;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const watch of [...this.watches]) watch.complete();
    this.watches.clear();
    if (this.ownsClient) this.client.close();
  }

  private checkOpen(): void {
    if (this.closed) throw backendErrors.closed();
  }

  private encode(key: string): Buffer {
    return Buffer.from(this.root + key, 'utf8');
  }

  private exists(key: Buffer): ICompare[] {
    return [{ key, target: VERSION, result: 'Greater', version: 0 }];
  }

  private conditionFailed(key: string, expected: number, res: ITxnResponse): ApiError {
    const current = res.responses[0]?.response_range?.kvs[0];
    if (current === undefined) return backendErrors.notFound(key);
    return backendErrors.conflict(key, expected, int(current.mod_revision));
  }

  /**
   * etcd's compact revision P (reads below it fail). A range at revision r succeeds exactly when
   * r >= P, so one probe at the last known value confirms it, and a binary search finds a newer one.
   * (P = 1 cannot be told from 0; both mean nothing before revision 1 is readable, i.e. nothing lost.)
   */
  private async physicalCompaction(): Promise<number> {
    const probe = async (r: number) => {
      try {
        await this.read(() => this.client.kv.range({ key: this.probeKey, count_only: true, revision: r }), r);
        return true;
      } catch (error) {
        if ((error as ApiError).reason === 'Gone') return false;
        throw error;
      }
    };
    const known = this.knownPhysical;
    if (await probe(Math.max(known, 1))) return known;
    let lo = Math.max(known, 1) + 1;
    let hi = await this.currentRevision();
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (await probe(mid)) hi = mid;
      else lo = mid + 1;
    }
    if (lo > this.knownPhysical) this.knownPhysical = lo;
    return lo;
  }

  /** Runs a read, retrying network failures with back-off; maps etcd's errors. */
  private async read<T>(call: () => Promise<T>, revision?: number): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await call();
      } catch (error) {
        if (this.closed) throw backendErrors.closed();
        if (isCompacted(error))
          throw backendErrors.compacted(revision ?? 0, Math.max(this.compacted, (revision ?? 0) + 1));
        if (isFutureRevision(error)) {
          throw backendErrors.futureRevision(revision ?? 0, await this.currentRevision());
        }
        if (attempt >= this.readRetries || !isTransient(error)) throw readError(error);
        await this.clock.sleep(Math.min(1_000, 50 * 2 ** attempt));
      }
    }
  }

  /** Runs a write transaction once; only a request that was certainly not sent is tried again. */
  private async write(
    operation: string,
    key: string,
    txn: { compare: ICompare[]; success: IRequestOp[]; failure: IRequestOp[] },
  ): Promise<ITxnResponse> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.client.kv.txn(txn);
      } catch (error) {
        if (this.closed) throw backendErrors.closed();
        const mapped = writeError(operation, key, error);
        const retry = (mapped as ApiError).reason === 'ServiceUnavailable' && attempt < this.readRetries;
        if (!retry) throw mapped;
        await this.clock.sleep(Math.min(1_000, 50 * 2 ** attempt));
      }
    }
  }
}

/** etcd refuses the empty key; `\0` is the smallest key it accepts (with range end `\0`: every key). */
function lowest(key: Buffer): Buffer {
  return key.length > 0 ? key : Buffer.from([0]);
}

/** A client whose writes are never retried by etcd3 itself (the backend decides what is safe). */
export function createClient(endpoints: string | readonly string[], timeoutMs: number, clock: Clock): Etcd3 {
  const hosts = (typeof endpoints === 'string' ? endpoints.split(',') : [...endpoints]).map((h) =>
    /^https?:\/\//.test(h.trim()) ? h.trim() : `http://${h.trim()}`,
  );
  return new Etcd3({
    hosts,
    dialTimeout: timeoutMs,
    // A range without a limit may return more than gRPC's default 4 MiB.
    grpcOptions: { 'grpc.max_receive_message_length': -1 },
    defaultCallOptions: (context) =>
      context.isStream ? {} : { deadline: new Date(clock.now() + timeoutMs) },
    faultHandling: { global: noop },
  });
}
