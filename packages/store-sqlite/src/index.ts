/**
 * @flotilla/store-sqlite — a durable `Backend` for `@flotilla/store` on one SQLite file.
 *
 * - kine's layout: one append-only table of revisions; reads take the latest row per key at or below a
 *   revision; compaction deletes superseded rows.
 * - WAL mode; each write is one IMMEDIATE transaction with its condition checked inside; an acknowledged
 *   write survives a killed process.
 * - Watches are fed by this process's writes and, for other processes sharing the file, by polling the
 *   revision on an injected `Clock`.
 */
export { SqliteBackend, type SqliteBackendOptions } from './sqlite-backend.js';
