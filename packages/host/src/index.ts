/**
 * @flotilla/host — an embedded cluster in one process.
 *
 * `createCluster({ backend?, runtime?, nodes?, clock?, controllers?, scheduler? })` composes the store,
 * an in-process client, shared informers, the built-in controllers, the scheduler and one node agent
 * per node. Defaults: in-memory backend, 3 nodes, simulated runtime, all built-in controllers, the
 * `spread` profile, wall-clock time. `stop()` leaves no process, timer or handle behind.
 * `cluster.nodeConnections()` lets an API server reach the agents (`kubectl logs`).
 */
export {
  BOOTSTRAP_NAMESPACES,
  BUILTIN_CONTROLLERS,
  type BuiltinController,
  type Cluster,
  type ClusterOptions,
  createCluster,
  type NodeConnections,
  type NodeOptions,
} from './cluster.js';
export { type RolloutProgress, rolloutProgress, waitFor } from './wait.js';
