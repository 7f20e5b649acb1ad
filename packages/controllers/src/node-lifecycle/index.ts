export {
  createNodeLifecycleController,
  type NodeLifecycleControllerOptions,
  POD_NODE_INDEX,
} from './controller.js';
export {
  DEFAULT_EVICTION_TIMEOUT_MS,
  DEFAULT_NODE_MONITOR_GRACE_MS,
  lastHeartbeat,
  type NodeLifecycleAction,
  type NodeLifecyclePlan,
  type NodeLifecyclePlanOptions,
  planNodeLifecycle,
  TAINT_NODE_UNREACHABLE,
} from './plan.js';
