/**
 * @flotilla/store/testing — the suites every adapter runs against itself.
 *
 * - `describeBackendConformance(name, createBackend)` is the contract of `Backend` as a vitest suite:
 *   CRUD, conditional writes, revisions, range paging and history, watch order and completeness from any
 *   revision, compaction and Gone, racing writers, prefix isolation, large values, many keys, and a
 *   model-based property test (fast-check commands) with watch replay.
 * - `Collector` records an Observable so tests can await conditions on what it emitted.
 */
export { type BackendConformanceOptions, describeBackendConformance } from './backend-conformance.js';
export { backendCommands, runBackendModel } from './backend-model.js';
export { Collector } from './collector.js';
