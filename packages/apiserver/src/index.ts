/**
 * @flotilla/apiserver — Kubernetes' HTTP API over an `ObjectStore`, so kubectl (1.32) can drive a
 * Flotilla cluster.
 *
 * - `createApiServer({ store, clock?, tls?, host?, port?, token? })` listens (https with a CA made at
 *   start-up by default; bearer-token auth) and serves `/version`, health checks, legacy discovery,
 *   CRUD + list + watch for every registered kind, `status` and `scale` subresources, merge / JSON /
 *   strategic-merge patches, Tables for `kubectl get`, and a minimal OpenAPI v3 for `apply -f`.
 * - `pods/log` (tail, follow, previous, timestamps, limitBytes, since*) through `options.nodes`.
 * - Every failure is a Kubernetes `Status` with its reason and code; bad input is never a 5xx.
 * - `nodeHttpTransport({ server, token?, ca? })`: the Node transport for `@flotilla/client`'s
 *   `createHttpClient`, so controllers, the scheduler and agents can run in other processes.
 * - The patch functions and the Table printer are exported for reuse and testing.
 */

export { VERSION_INFO } from './discovery.js';
export {
  type NodeHttpTransport,
  type NodeHttpTransportOptions,
  nodeHttpTransport,
} from './http-transport.js';
export {
  logContainer,
  type NodeConnections,
  type NodeLogLine,
  type NodeLogOptions,
  rfc3339Nano,
} from './logs.js';
export { applyJsonPatch } from './patch/json-patch.js';
export { applyStrategicMergePatch } from './patch/strategic-merge.js';
export { type ApiServer, type ApiServerOptions, createApiServer } from './server.js';
export { type ColumnDefinition, humanDuration, toTable } from './table.js';
