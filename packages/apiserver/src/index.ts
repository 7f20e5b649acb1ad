/**
 * @flotilla/apiserver — Kubernetes' HTTP API over an `ObjectStore`, so kubectl (1.32) can drive a
 * Flotilla cluster.
 *
 * - `createApiServer({ store, clock?, tls?, host?, port?, token? })` listens (https with a CA made at
 *   start-up by default; bearer-token auth) and serves `/version`, health checks, legacy discovery,
 *   CRUD + list + watch for every registered kind, `status`, `scale` and `pods/binding`
 *   subresources, merge / JSON / strategic-merge patches, Tables for `kubectl get`, and a minimal
 *   OpenAPI v3 for `apply -f`.
 * - `pods/log` (tail, follow, previous, timestamps, limitBytes, since*) and `pods/exec` (`kubectl exec`
 *   over WebSocket `v5.channel.k8s.io`/`v4.channel.k8s.io`: stdin, stdout, stderr, exit codes on
 *   channel 3) through `options.nodes`.
 * - Every failure is a Kubernetes `Status` with its reason and code; bad input is never a 5xx.
 * - Kube-apiserver's in-flight limits (`maxRequestsInflight` 400 reads, `maxMutatingRequestsInflight`
 *   200 mutations; watches, logs, exec and health checks exempt): beyond them 429 + `Retry-After: 1`.
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
  DEFAULT_MAX_MUTATING_REQUESTS_INFLIGHT,
  DEFAULT_MAX_REQUESTS_INFLIGHT,
  type InflightRequests,
} from './inflight.js';
export {
  logContainer,
  type NodeConnections,
  type NodeExecOptions,
  type NodeExecResult,
  type NodeLogLine,
  type NodeLogOptions,
  rfc3339Nano,
} from './logs.js';
export { applyJsonPatch } from './patch/json-patch.js';
export { applyStrategicMergePatch } from './patch/strategic-merge.js';
export { type ApiServer, type ApiServerOptions, createApiServer } from './server.js';
export { type ColumnDefinition, humanDuration, toTable } from './table.js';
