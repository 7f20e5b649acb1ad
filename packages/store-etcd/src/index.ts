/**
 * @flotilla/store-etcd — the store's `Backend` on etcd v3, and leader election on etcd leases.
 *
 * - Keys as they are under an optional prefix; the backend's revision is etcd's revision.
 * - Conditional writes are etcd transactions comparing mod revisions; a write that may have been applied
 *   is never reported as failed (it fails with Timeout, `isUnknownOutcome`).
 * - Watches reconnect after member or stream failures and resume after the last event delivered.
 * - `elect` runs one active replica among many, with failover within the lease TTL.
 */

export { type ElectionOptions, elect, type Leadership } from './election.js';
export { EtcdBackend, type EtcdBackendOptions } from './etcd-backend.js';
