/**
 * @flotilla/scheduler — the pure core of Flotilla's pod scheduler.
 *
 * - `ClusterSnapshot` holds nodes and the pods bound to them, with totals and per-topology-domain
 *   counters updated incrementally on `bind` / `unbind`.
 * - `schedule(pod, snapshot, profile, { random })` runs the filter and score plugins of a profile over a
 *   rotating sample of nodes (Kubernetes' `percentageOfNodesToScore`) and returns the chosen node, or an
 *   explanation in Kubernetes' words (`0/5000 nodes are available: …`).
 * - `preempt` picks the node and the lower-priority victims whose eviction makes a pod fit.
 * - `SchedulingQueue` orders pending pods by priority then age, with unschedulable back-off on a `Clock`.
 * - Pure: no wall time, no global randomness; ties are broken by an injected seeded `Random`.
 */

export { type NodeLike, nodeInputFromNode, type PodLike, podInputFromPod, podRequests } from './adapters.js';
export {
  createProfile,
  extendProfile,
  type FilterPlugin,
  MAX_NODE_SCORE,
  type NodeFilter,
  type NodeScorer,
  type Profile,
  type ProfileOptions,
  type ScorePlugin,
  type WeightedScorePlugin,
} from './framework.js';
export type {
  Affinity,
  LabelSelector,
  Node,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  Pod,
  PodAffinityTerm,
  Taint,
  Toleration,
  TopologySpreadConstraint,
} from './k8s-shapes.js';
export { NodeInfo, type NodeInput } from './node-info.js';
export {
  ErrReasonAffinityRulesNotMatch,
  ErrReasonAntiAffinityRulesNotMatch,
  ErrReasonExistingAntiAffinityRulesNotMatch,
  InterPodAffinity,
  InterPodAffinityScore,
} from './plugins/inter-pod-affinity.js';
export {
  defaultNormalize,
  ErrReasonNodeName,
  ErrReasonPodNodeAffinity,
  ErrReasonUnschedulable,
  NodeAffinity,
  NodeAffinityScore,
  NodeName,
  NodeReady,
  NodeUnschedulable,
  TaintNodeNotReady,
  TaintNodeUnschedulable,
  TaintToleration,
  TaintTolerationScore,
  untoleratedTaintReason,
} from './plugins/node.js';
export {
  BalancedAllocation,
  ErrReasonNodePorts,
  ErrReasonTooManyPods,
  insufficientReason,
  LeastAllocated,
  MostAllocated,
  NodePorts,
  NodeResourcesFit,
} from './plugins/resources.js';
export {
  ErrReasonConstraintsNotMatch,
  ErrReasonNodeLabelNotMatch,
  PodTopologySpread,
  PodTopologySpreadScore,
} from './plugins/topology-spread.js';
export {
  type AffinityTerm,
  type CompiledToleration,
  compilePod,
  DEFAULT_MEMORY_REQUEST,
  DEFAULT_MILLI_CPU_REQUEST,
  type HostPort,
  type PodInfo,
  type PodInput,
  type ResourceList,
  type SpreadConstraint,
  termMatches,
  tolerates,
} from './pod-info.js';
export { type Preemption, type PreemptOptions, preempt, selectVictimsOnNode } from './preemption.js';
export {
  type BuiltinProfileName,
  type BuiltinProfileOptions,
  binpackProfile,
  builtinProfile,
  DEFAULT_FILTERS,
  randomProfile,
  spreadProfile,
} from './profiles.js';
export {
  DEFAULT_POD_INITIAL_BACKOFF_MS,
  DEFAULT_POD_MAX_BACKOFF_MS,
  SchedulingQueue,
  type SchedulingQueueOptions,
} from './queue.js';
export {
  ErrNoNodesAvailable,
  numFeasibleNodesToFind,
  type Scheduled,
  type ScheduleOptions,
  type ScheduleResult,
  schedule,
  type Unschedulable,
} from './schedule.js';
export { MAX_UNSCHEDULABLE_PARK_MS, Scheduler, type SchedulerOptions } from './scheduler.js';
export { ClusterSnapshot } from './snapshot.js';
export {
  Code,
  Diagnosis,
  errorStatus,
  formatFitError,
  type Status,
  unresolvable,
  unschedulable,
} from './status.js';
export type { ExistingAntiAffinityTerm, TermCounter, TopologyKeyIndex } from './topology.js';
