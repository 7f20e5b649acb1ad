import type Database from 'better-sqlite3';

/**
 * The revision table (kine's idea): every write appends one row whose INTEGER PRIMARY KEY
 * AUTOINCREMENT id is the write's global revision. AUTOINCREMENT (not a plain rowid) guarantees that an
 * id is never reused, even after compaction deleted the newest rows of a key, and `sqlite_sequence`
 * holds the last revision ever assigned.
 *
 * - `created` = 1 on the row that creates a key (its create revision is its own id).
 * - `deleted` = 1 on a tombstone (the delete's revision; value '').
 * - `prev_revision` is the id of the row this one replaced (0 for a key's first create). kine adds a
 *   unique index on (name, prev_revision) against racing writers; here every write is a `BEGIN
 *   IMMEDIATE` transaction, which SQLite serializes across processes, so the check inside it suffices
 *   and the extra index (a third B-tree page per commit, ~45% of write throughput) is left out.
 * - `meta` holds `compact_revision` (the logical compaction every read checks) and `physical_revision`
 *   (rows below it may be gone; never above the logical one).
 */
export const SCHEMA_VERSION = 1;

export function migrate(db: Database.Database): void {
  db.exec(`
    CREATE TABLE IF NOT EXISTS kv (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      name TEXT NOT NULL,
      created INTEGER NOT NULL,
      deleted INTEGER NOT NULL,
      create_revision INTEGER NOT NULL,
      prev_revision INTEGER NOT NULL,
      version INTEGER NOT NULL,
      value TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS kv_name_id ON kv (name, id);
    CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
    INSERT OR IGNORE INTO meta (name, value) VALUES ('schema_version', ${SCHEMA_VERSION});
    INSERT OR IGNORE INTO meta (name, value) VALUES ('compact_revision', 0);
    INSERT OR IGNORE INTO meta (name, value) VALUES ('physical_revision', 0);
  `);
  const row = db.prepare(`SELECT value FROM meta WHERE name = 'schema_version'`).get() as { value: number };
  if (row.value !== SCHEMA_VERSION) {
    throw new Error(
      `unsupported store-sqlite schema version ${row.value} (this build reads ${SCHEMA_VERSION})`,
    );
  }
}

/** A row of `kv` with the create revision resolved (`created` rows carry 0 and mean their own id). */
export interface Row {
  readonly id: number;
  readonly name: string;
  readonly created: number;
  readonly deleted: number;
  readonly create_revision: number;
  readonly prev_revision: number;
  readonly version: number;
  readonly value: string;
}

/** Columns of a row, with `create_revision` resolved. */
export const ROW = `id, name, created, deleted,
  CASE WHEN created = 1 THEN id ELSE create_revision END AS create_revision,
  prev_revision, version, value`;

/** An event row joined with the row it replaced (`p_*` null when there is none). */
export interface EventRow extends Row {
  readonly p_id: number | null;
  readonly p_create_revision: number | null;
  readonly p_version: number | null;
  readonly p_value: string | null;
  readonly p_deleted: number | null;
}

/**
 * The smallest string greater than every string starting with `prefix` (etcd's range end), or
 * `undefined` when there is none expressible (empty prefix, or a last code unit that cannot be
 * incremented); callers then bound the scan in code with `startsWith`.
 */
export function prefixEnd(prefix: string): string | undefined {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const c = prefix.charCodeAt(i);
    // Incrementing into or out of a surrogate would not order the same in UTF-8 as in UTF-16.
    if (c < 0xd7ff || (c >= 0xe000 && c < 0xffff)) {
      return prefix.slice(0, i) + String.fromCharCode(c + 1);
    }
    if (c !== 0xffff) return undefined;
  }
  return undefined;
}
