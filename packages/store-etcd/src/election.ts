import { type Clock, SystemClock, type TimerHandle } from '@flotilla/clock';
import type { Etcd3, IWatchResponse, Lease } from 'etcd3';
import { BehaviorSubject, distinctUntilChanged, type Observable } from 'rxjs';
import { createClient } from './etcd-backend.js';
import { int, prefixEnd } from './keys.js';

export interface ElectionOptions {
  /** A client to use (left open by `resign`), or endpoints to connect to. */
  readonly client?: Etcd3;
  readonly endpoints?: string | readonly string[];
  /** The election's key prefix, e.g. `/flotilla/leader/scheduler`; candidates write `<name>/<lease>`. */
  readonly name: string;
  /** Lease TTL in seconds (default 10, at least 2): a crashed leader is replaced within about this. */
  readonly ttlSeconds?: number;
  /** This candidate, e.g. `host-a:4711`; what `leader()` reports. */
  readonly identity: string;
  /** Times the leadership deadline and retries (default `SystemClock`). */
  readonly clock?: Clock;
}

/** One candidate's view of an election. */
export interface Leadership {
  readonly identity: string;
  /** True while this candidate is the leader and its lease is certainly alive. */
  readonly isLeader: boolean;
  /** Leadership changes of this candidate (starts with the current value). */
  readonly changes: Observable<boolean>;
  /** The identity of the current leader, if any. */
  leader(): Promise<string | undefined>;
  /** Stops campaigning, steps down and revokes the lease so another candidate takes over at once. */
  resign(): Promise<void>;
}

/**
 * Leader election on etcd leases (etcd's own `concurrency.Election` scheme): each candidate writes
 * `<name>/<leaseID>` under its lease; the candidate with the oldest key leads; the others watch the key
 * just before theirs and move up when it goes (resigned, or its lease expired).
 *
 * - At most one leader: a leader counts its term as ending `ttl` after it *sent* the last keepalive
 *   that etcd acknowledged, and steps down when that time passes without a renewal — never after
 *   etcd could have expired the lease and let the next candidate in.
 * - Failover: a crashed leader's key disappears when its lease expires, at most `ttl` after its last
 *   keepalive; the next candidate is watching and leads immediately. `resign` hands over at once.
 * - A candidate that lost its lease (etcd unreachable for longer than the TTL) campaigns again with a
 *   new one.
 */
export function elect(options: ElectionOptions): Leadership {
  return new Candidate(options);
}

class Candidate implements Leadership {
  readonly identity: string;
  private readonly client: Etcd3;
  private readonly ownsClient: boolean;
  private readonly prefix: string;
  private readonly ttl: number;
  private readonly clock: Clock;
  private readonly state = new BehaviorSubject(false);
  readonly changes: Observable<boolean>;
  private lease: Lease | undefined;
  private deadline = 0;
  private deadlineTimer: TimerHandle | undefined;
  private resigned = false;
  /** Ends the current term's waits: the lease was lost, the term expired or the candidate resigned. */
  private termAbort = new AbortController();
  private readonly done: Promise<void>;

  constructor(options: ElectionOptions) {
    const ttl = options.ttlSeconds ?? 10;
    if (!(Number.isInteger(ttl) && ttl >= 2))
      throw new RangeError(`ttlSeconds must be an integer >= 2, got ${ttl}`);
    if (!options.name) throw new RangeError('name must not be empty');
    if (!options.identity) throw new RangeError('identity must not be empty');
    this.identity = options.identity;
    this.ttl = ttl;
    this.prefix = options.name.endsWith('/') ? options.name : `${options.name}/`;
    this.clock = options.clock ?? new SystemClock();
    this.changes = this.state.pipe(distinctUntilChanged());
    if (options.client) {
      this.client = options.client;
      this.ownsClient = false;
    } else {
      this.client = createClient(options.endpoints ?? '127.0.0.1:2379', 5_000, this.clock);
      this.ownsClient = true;
    }
    this.done = this.campaignLoop();
  }

  get isLeader(): boolean {
    return this.state.value;
  }

  async leader(): Promise<string | undefined> {
    const res = await this.client.kv.range({
      key: Buffer.from(this.prefix),
      range_end: prefixEnd(Buffer.from(this.prefix)),
      sort_target: 'Create',
      sort_order: 'Ascend',
      limit: 1,
    });
    return res.kvs[0]?.value.toString('utf8');
  }

  async resign(): Promise<void> {
    if (this.resigned) return;
    this.resigned = true;
    this.setLeader(false);
    this.termAbort.abort();
    await this.done;
    if (this.ownsClient) this.client.close();
    this.state.complete();
  }

  private setLeader(value: boolean): void {
    if (this.state.value !== value && !this.state.closed) this.state.next(value);
  }

  private async campaignLoop(): Promise<void> {
    while (!this.resigned) {
      this.termAbort = new AbortController();
      try {
        await this.campaign(this.termAbort.signal);
      } catch {
        // Lost the lease, etcd unreachable, or resigned: start over (or stop) below.
      }
      this.setLeader(false);
      this.clearDeadline();
      await this.releaseLease();
      if (!this.resigned) await this.clock.sleep(200).catch(() => undefined);
    }
  }

  private async campaign(signal: AbortSignal): Promise<void> {
    const sentAt = this.clock.now();
    const lease = this.client.lease(this.ttl);
    this.lease = lease;
    const fired: number[] = [];
    lease.on('keepaliveFired', () => fired.push(this.clock.now()));
    lease.on('keepaliveSucceeded', () => this.extend((fired.shift() ?? this.clock.now()) + this.ttl * 1000));
    const term = this.termAbort;
    lease.on('lost', () => term.abort(new Error('lease lost')));
    const id = await lease.grant();
    this.extend(sentAt + this.ttl * 1000);
    const key = Buffer.from(`${this.prefix}${BigInt(id).toString(16)}`);
    const created = await this.client.kv.txn({
      compare: [{ key, target: 'Create', result: 'Equal', create_revision: 0 }],
      success: [{ request_put: { key, value: Buffer.from(this.identity), lease: id } }],
      failure: [{ request_range: { key } }],
    });
    const myRevision = created.succeeded
      ? int(created.header.revision)
      : int(created.responses[0]?.response_range.kvs[0]?.create_revision);
    // Wait until no older candidate remains.
    for (;;) {
      if (signal.aborted) throw signal.reason;
      const res = await this.client.kv.range({
        key: Buffer.from(this.prefix),
        range_end: prefixEnd(Buffer.from(this.prefix)),
        max_create_revision: myRevision - 1,
        sort_target: 'Create',
        sort_order: 'Descend',
        limit: 1,
      });
      const predecessor = res.kvs[0];
      if (predecessor === undefined) break;
      await this.waitForDelete(predecessor.key, int(res.header.revision) + 1, signal);
    }
    if (this.clock.now() >= this.deadline) throw new Error('lease may have expired while campaigning');
    this.setLeader(true);
    // Lead until the term ends (lease lost, deadline passed without renewal, or resignation).
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      else signal.addEventListener('abort', () => resolve(), { once: true });
    });
  }

  /** A keepalive was acknowledged: the lease lives at least until `until`. */
  private extend(until: number): void {
    if (until <= this.deadline) return;
    this.deadline = until;
    this.clearDeadline();
    const abort = this.termAbort;
    this.deadlineTimer = this.clock.setTimeout(() => {
      this.deadlineTimer = undefined;
      // Step down before etcd could expire the lease; the campaign loop starts a new term.
      this.setLeader(false);
      abort.abort(new Error('leadership term expired without a keepalive'));
    }, until - this.clock.now());
  }

  private clearDeadline(): void {
    if (this.deadlineTimer !== undefined) this.clock.clearTimeout(this.deadlineTimer);
    this.deadlineTimer = undefined;
  }

  private async releaseLease(): Promise<void> {
    const lease = this.lease;
    this.lease = undefined;
    this.deadline = 0;
    if (lease === undefined) return;
    if (!lease.revoked()) {
      // Revoking deletes our key, so the next candidate leads at once; if etcd is unreachable the
      // lease simply expires.
      await lease.revoke().catch(() => undefined);
    }
  }

  private async waitForDelete(key: Buffer, fromRevision: number, signal: AbortSignal): Promise<void> {
    const stream = await this.client.watchClient.watch();
    try {
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(signal.reason);
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
        stream.on('data', (res: IWatchResponse) => {
          if (res.canceled || int(res.compact_revision) > 0) resolve();
          else if (res.events.some((e) => e.type === 'Delete')) resolve();
        });
        stream.on('error', (error) => reject(error));
        stream.on('end', () => resolve());
        stream.write({ create_request: { key, start_revision: fromRevision } });
      });
    } finally {
      stream.cancel();
    }
  }
}
