/**
 * @flotilla/agent — the node agent (Flotilla's kubelet).
 *
 * - `createAgent(options)` → `Agent`: registers its Node (capacity, allocatable, nodeInfo, addresses,
 *   Ready=True) and a heartbeat Lease in `kube-node-lease`, watches the Pods bound to the node, runs
 *   them on a `ContainerRuntime` and writes their status back — only when it changed.
 * - Pure decisions, table-tested: `computePodActions` (sandbox, starts in init order, restart policy,
 *   CrashLoopBackOff, probe kills, graceful termination) and `computePodStatus` (phase, conditions,
 *   container statuses, IPs, QoS class).
 * - Probes (`ProbeWorker`) and back-offs run on the injected Clock only; a pod without probes holds no
 *   timer, and each event costs O(1) plus the pod's own containers.
 */

export type { Agent, AgentLogOptions, AgentOptions, AgentStats, AgentStopOptions } from './agent.js';
export { createAgent, NODE_LABEL } from './agent.js';
export {
  type BackoffEntry,
  type BackoffPolicy,
  CRASH_LOOP_BACKOFF,
  formatDuration,
  IMAGE_PULL_BACKOFF,
  isInBackOffSince,
  isInBackOffSinceUpdate,
  nextBackoff,
} from './backoff.js';
export { NodeHeartbeat, type NodeHeartbeatOptions } from './heartbeat.js';
export {
  AGENT_VERSION,
  DEFAULT_CAPACITY,
  leaseObject,
  NODE_LEASE_NAMESPACE,
  type NodeCapacity,
  type NodeDescription,
  nodeConditions,
  nodeObject,
  nodeStatus,
} from './node.js';
export {
  type BackoffWait,
  backoffWait,
  computePodActions,
  DEFAULT_GRACE_SECONDS,
  isTerminalPhase,
  type PodAction,
  type PodActionOptions,
  type PodPlan,
  podGracePeriodSeconds,
  shouldRestart,
  VANISHED_GRACE_SECONDS,
} from './pod-actions.js';
export {
  CONTAINER_ID_PREFIX,
  computePodStatus,
  containerStatusOf,
  formatPod,
  initialProbeState,
  type PodStatusOptions,
  podPhase,
  qosClass,
} from './pod-status.js';
export { ProbeWorker, type ProbeWorkerOptions } from './prober.js';
export type { ContainerView, PodRuntimeState, ProbeState, SandboxView, StartFailure } from './types.js';
