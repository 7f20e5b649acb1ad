import { ApiError } from '@flotilla/api';
import { type Clock, SystemClock, type TimerHandle } from '@flotilla/clock';
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
import Database from 'better-sqlite3';
import { Observable, type Subscriber } from 'rxjs';
import { type EventRow, migrate, prefixEnd, ROW, type Row } from './schema.js';

export interface SqliteBackendOptions {
  /** The database file (created when missing), or ':memory:' for a private in-memory database. */
  readonly path: string;
  /** Drives the revision poll that feeds watches with other processes' writes (default `SystemClock`). */
  readonly clock?: Clock;
  /** How often a backend with live watches looks for other processes' writes (default 100 ms). */
  readonly pollIntervalMs?: number;
  /**
   * `normal` (default): in WAL mode a commit is durable against a killed process, and the file stays
   * consistent on power loss, which may drop the last commits. `full`: every commit is fsynced, so
   * acknowledged writes also survive power loss, at a large cost per write.
   */
  readonly synchronous?: 'normal' | 'full';
  /** How long a write waits for another process's write lock before failing (default 5,000 ms). */
  readonly busyTimeoutMs?: number;
}

interface Watcher {
  readonly prefix: string;
  /** The next revision to deliver. */
  cursor: number;
  readonly subscriber: Subscriber<readonly BackendEvent[]>;
}

/** Event rows read per query while feeding watchers, so one far-behind watcher cannot load everything. */
const EVENT_CHUNK = 5_000;

/**
 * `Backend` on one SQLite file through better-sqlite3: a kine-style revision table (see `schema.ts`).
 *
 * - Every write is one `BEGIN IMMEDIATE` transaction that checks its condition and appends one row; the
 *   returned promise resolves after COMMIT, so an acknowledged write is in the WAL on disk (it survives a
 *   killed process; with `synchronous: 'full'` also power loss).
 * - Reads see the latest row per key at or below the revision read, in one read transaction.
 * - Watches are fed from this process's own writes (on a microtask after the write) and, while any watch
 *   is open, by polling the revision counter on the injected clock, so a second process on the same file
 *   sees every change, `pollIntervalMs` late at most.
 * - `compact(r)` makes reads before `r` fail with Gone at once; rows are deleted only below the oldest
 *   revision a live watcher of this process still needs, so no local watcher falls behind a compaction.
 */
export class SqliteBackend implements Backend {
  private readonly db: Database.Database;
  private readonly clock: Clock;
  private readonly pollIntervalMs: number;
  private readonly watchers = new Set<Watcher>();
  private flushScheduled = false;
  private pollTimer: TimerHandle | undefined;
  private closed = false;
  private readonly stmt: ReturnType<typeof prepare>;

  constructor(options: SqliteBackendOptions) {
    const poll = options.pollIntervalMs ?? 100;
    if (!(Number.isFinite(poll) && poll > 0)) {
      throw new RangeError(`pollIntervalMs must be a positive number, got ${poll}`);
    }
    const busy = options.busyTimeoutMs ?? 5_000;
    if (!(Number.isInteger(busy) && busy >= 0)) {
      throw new RangeError(`busyTimeoutMs must be a non-negative integer, got ${busy}`);
    }
    const synchronous = options.synchronous ?? 'normal';
    if (synchronous !== 'normal' && synchronous !== 'full') {
      throw new RangeError(`synchronous must be 'normal' or 'full', got ${String(synchronous)}`);
    }
    this.pollIntervalMs = poll;
    this.clock = options.clock ?? new SystemClock();
    this.db = new Database(options.path, { timeout: busy });
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`synchronous = ${synchronous.toUpperCase()}`);
      this.db.transaction(() => migrate(this.db)).immediate();
      this.stmt = prepare(this.db);
    } catch (error) {
      this.db.close();
      throw error;
    }
  }

  async currentRevision(): Promise<number> {
    this.checkOpen();
    return this.revisionNow();
  }

  async compactedRevision(): Promise<number> {
    this.checkOpen();
    return this.meta('compact_revision');
  }

  async get(key: string): Promise<KeyValue | undefined> {
    this.checkOpen();
    const row = this.stmt.latest.get(key) as Row | undefined;
    return row === undefined || row.deleted === 1 ? undefined : toKv(row);
  }

  async range(prefix: string, options: RangeOptions = {}): Promise<RangeResult> {
    this.checkOpen();
    const { limit, startAfter } = options;
    if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) {
      throw ApiError.badRequest(`limit must be a positive integer, got ${limit}`);
    }
    if (options.revision !== undefined && !(Number.isInteger(options.revision) && options.revision >= 0)) {
      throw backendErrors.badRevision(options.revision);
    }
    return this.db.transaction((): RangeResult => {
      const current = this.revisionNow();
      const revision = options.revision ?? current;
      const compacted = this.meta('compact_revision');
      if (revision < compacted) throw backendErrors.compacted(revision, compacted);
      if (revision > current) throw backendErrors.futureRevision(revision, current);
      const from = startAfter !== undefined && startAfter >= prefix ? startAfter : undefined;
      const rows = this.stmt
        .range(prefixEnd(prefix) === undefined ? 'open' : 'bounded', from === undefined ? 'ge' : 'gt')
        .all({
          prefix,
          end: prefixEnd(prefix) ?? null,
          from: from ?? prefix,
          revision,
          limit: limit === undefined ? -1 : limit + 1,
        }) as Row[];
      const more = limit !== undefined && rows.length > limit;
      const items = (more ? rows.slice(0, limit) : rows).map(toKv);
      return { items, revision, more };
    })();
  }

  async create(key: string, value: BackendValue): Promise<number> {
    this.checkOpen();
    const text = textOf(value);
    return this.write(() => {
      const prev = this.stmt.latest.get(key) as Row | undefined;
      if (prev !== undefined && prev.deleted === 0) throw backendErrors.alreadyExists(key);
      return this.insert(key, {
        created: 1,
        deleted: 0,
        createRevision: 0,
        prev: prev?.id ?? 0,
        version: 1,
        value: text,
      });
    });
  }

  async update(key: string, value: BackendValue, expectedModRevision: number): Promise<number> {
    this.checkOpen();
    const text = textOf(value);
    return this.write(() => {
      const prev = this.stmt.latest.get(key) as Row | undefined;
      if (prev === undefined || prev.deleted === 1) throw backendErrors.notFound(key);
      if (prev.id !== expectedModRevision) throw backendErrors.conflict(key, expectedModRevision, prev.id);
      return this.insert(key, {
        created: 0,
        deleted: 0,
        createRevision: prev.create_revision,
        prev: prev.id,
        version: prev.version + 1,
        value: text,
      });
    });
  }

  async delete(key: string, expectedModRevision?: number): Promise<number> {
    this.checkOpen();
    return this.write(() => {
      const prev = this.stmt.latest.get(key) as Row | undefined;
      if (prev === undefined || prev.deleted === 1) throw backendErrors.notFound(key);
      if (expectedModRevision !== undefined && prev.id !== expectedModRevision) {
        throw backendErrors.conflict(key, expectedModRevision, prev.id);
      }
      return this.insert(key, {
        created: 0,
        deleted: 1,
        createRevision: prev.create_revision,
        prev: prev.id,
        version: 0,
        value: '',
      });
    });
  }

  watch(prefix: string, afterRevision: number): Observable<readonly BackendEvent[]> {
    return new Observable<readonly BackendEvent[]>((subscriber) => {
      const refused = watchStartError(this.closed, afterRevision, () => this.meta('compact_revision'));
      if (refused) {
        subscriber.error(refused);
        return;
      }
      const watcher: Watcher = { prefix, cursor: afterRevision + 1, subscriber };
      this.watchers.add(watcher);
      if (watcher.cursor <= this.revisionNow()) this.scheduleFlush();
      this.schedulePoll();
      return () => {
        this.watchers.delete(watcher);
        if (this.watchers.size === 0) this.stopPoll();
      };
    });
  }

  async compact(revision: number): Promise<void> {
    this.checkOpen();
    if (!Number.isInteger(revision) || revision < 0) {
      throw backendErrors.badRevision(revision);
    }
    this.write(() => {
      const current = this.revisionNow();
      if (revision > current) throw backendErrors.futureRevision(revision, current);
      if (revision <= this.meta('compact_revision')) return 0;
      this.stmt.setMeta.run({ name: 'compact_revision', value: revision });
      // Keep what this process's watchers have not received yet; a later compaction removes it.
      let physical = revision;
      for (const w of this.watchers) if (w.cursor < physical) physical = w.cursor;
      if (physical > this.meta('physical_revision')) {
        this.stmt.compact.run({ below: physical });
        this.stmt.setMeta.run({ name: 'physical_revision', value: physical });
      }
      return 0;
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopPoll();
    const watchers = [...this.watchers];
    this.watchers.clear();
    for (const w of watchers) w.subscriber.complete();
    this.db.close();
  }

  private checkOpen(): void {
    if (this.closed) throw backendErrors.closed();
  }

  private revisionNow(): number {
    const row = this.stmt.sequence.get() as { seq: number } | undefined;
    return row?.seq ?? 0;
  }

  private meta(name: 'compact_revision' | 'physical_revision'): number {
    return (this.stmt.getMeta.get(name) as { value: number }).value;
  }

  /** Runs `fn` in one IMMEDIATE transaction, then wakes the watchers when it wrote. */
  private write(fn: () => number): number {
    let revision: number;
    try {
      revision = this.db.transaction(fn).immediate();
    } catch (error) {
      throw asApiError(error);
    }
    if (revision > 0 && this.watchers.size > 0) this.scheduleFlush();
    return revision;
  }

  private insert(
    key: string,
    row: {
      created: number;
      deleted: number;
      createRevision: number;
      prev: number;
      version: number;
      value: string;
    },
  ): number {
    const result = this.stmt.insert.run({
      name: key,
      created: row.created,
      deleted: row.deleted,
      create_revision: row.createRevision,
      prev_revision: row.prev,
      version: row.version,
      value: row.value,
    });
    return Number(result.lastInsertRowid);
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => this.flush());
  }

  private schedulePoll(): void {
    if (this.pollTimer !== undefined || this.closed) return;
    this.pollTimer = this.clock.setTimeout(() => {
      this.pollTimer = undefined;
      if (this.closed || this.watchers.size === 0) return;
      this.flush();
      this.schedulePoll();
    }, this.pollIntervalMs);
  }

  private stopPoll(): void {
    if (this.pollTimer === undefined) return;
    this.clock.clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
  }

  /** Delivers every row a watcher has not received yet, in revision order, one batch per chunk. */
  private flush(): void {
    this.flushScheduled = false;
    if (this.closed || this.watchers.size === 0) return;
    const end = this.revisionNow();
    const physical = this.meta('physical_revision');
    let from = Number.POSITIVE_INFINITY;
    for (const w of [...this.watchers]) {
      if (w.cursor > end) continue;
      if (w.cursor < physical) {
        // Another process compacted the history this watcher still needed.
        this.watchers.delete(w);
        w.subscriber.error(backendErrors.compacted(w.cursor - 1, this.meta('compact_revision')));
        continue;
      }
      if (w.cursor < from) from = w.cursor;
    }
    if (from > end) return;
    const rows = this.stmt.events.all({ from, end, limit: EVENT_CHUNK }) as EventRow[];
    const chunkEnd = rows.length === EVENT_CHUNK ? (rows[rows.length - 1] as EventRow).id : end;
    const events = rows.map((row) => ({ id: row.id, name: row.name, event: toEvent(row) }));
    for (const w of [...this.watchers]) {
      if (w.cursor > chunkEnd || !this.watchers.has(w)) continue;
      const batch: BackendEvent[] = [];
      for (const e of events) if (e.id >= w.cursor && e.name.startsWith(w.prefix)) batch.push(e.event);
      w.cursor = chunkEnd + 1;
      if (batch.length > 0) w.subscriber.next(batch);
    }
    if (chunkEnd < end) this.scheduleFlush();
  }
}

function prepare(db: Database.Database) {
  const rangeSql = (bounded: boolean, op: 'ge' | 'gt') => `
    SELECT ${ROW} FROM kv AS k
    WHERE name ${op === 'ge' ? '>=' : '>'} :from ${bounded ? 'AND name < :end' : ''}
      AND substr(name, 1, length(:prefix)) = :prefix
      AND id = (SELECT MAX(id) FROM kv AS n WHERE n.name = k.name AND n.id <= :revision)
      AND deleted = 0
    ORDER BY name LIMIT :limit`;
  const ranges = {
    'bounded:ge': db.prepare(rangeSql(true, 'ge')),
    'bounded:gt': db.prepare(rangeSql(true, 'gt')),
    'open:ge': db.prepare(rangeSql(false, 'ge')),
    'open:gt': db.prepare(rangeSql(false, 'gt')),
  };
  return {
    sequence: db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'kv'`),
    getMeta: db.prepare('SELECT value FROM meta WHERE name = ?'),
    setMeta: db.prepare('UPDATE meta SET value = :value WHERE name = :name'),
    latest: db.prepare(`SELECT ${ROW} FROM kv WHERE name = ? ORDER BY id DESC LIMIT 1`),
    range: (bound: 'bounded' | 'open', op: 'ge' | 'gt') => ranges[`${bound}:${op}`],
    insert:
      db.prepare(`INSERT INTO kv (name, created, deleted, create_revision, prev_revision, version, value)
      VALUES (:name, :created, :deleted, :create_revision, :prev_revision, :version, :value)`),
    events: db.prepare(`
      SELECT k.id, k.name, k.created, k.deleted,
        CASE WHEN k.created = 1 THEN k.id ELSE k.create_revision END AS create_revision,
        k.prev_revision, k.version, k.value,
        p.id AS p_id, CASE WHEN p.created = 1 THEN p.id ELSE p.create_revision END AS p_create_revision,
        p.version AS p_version, p.value AS p_value, p.deleted AS p_deleted
      FROM kv AS k LEFT JOIN kv AS p ON p.id = k.prev_revision
      WHERE k.id >= :from AND k.id <= :end ORDER BY k.id LIMIT :limit`),
    // Rows below `below` that a later row below it supersedes, and tombstones below it (with every
    // older row of their key gone, a missing key reads as absent): what no read at or after the
    // compaction, nor the prevKv of an event at or after it, can need.
    compact: db.prepare(`
      DELETE FROM kv WHERE id < :below AND (deleted = 1 OR EXISTS (
        SELECT 1 FROM kv AS newer WHERE newer.name = kv.name AND newer.id > kv.id AND newer.id < :below))`),
  };
}

function toKv(row: Row): KeyValue {
  return {
    key: row.name,
    value: row.value,
    createRevision: row.create_revision,
    modRevision: row.id,
    version: row.version,
  };
}

function toEvent(row: EventRow): BackendEvent {
  const prevKv: KeyValue | undefined =
    row.p_id === null || row.p_deleted === 1
      ? undefined
      : {
          key: row.name,
          value: row.p_value as string,
          createRevision: row.p_create_revision as number,
          modRevision: row.p_id,
          version: row.p_version as number,
        };
  if (row.deleted === 1) {
    return {
      type: 'delete',
      kv: { key: row.name, value: '', createRevision: 0, modRevision: row.id, version: 0 },
      prevKv: prevKv as KeyValue,
    };
  }
  const kv = toKv(row);
  return row.created === 1 || prevKv === undefined ? { type: 'put', kv } : { type: 'put', kv, prevKv };
}

/** SQLite failures (busy, disk full, I/O) become ApiErrors; ApiErrors pass through. */
function asApiError(error: unknown): unknown {
  if (error instanceof ApiError) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))) {
    return new ApiError('ServiceUnavailable', `storage is busy: ${(error as Error).message}`, {
      retryAfterSeconds: 1,
    });
  }
  return ApiError.internal(`storage failure: ${error instanceof Error ? error.message : String(error)}`);
}
