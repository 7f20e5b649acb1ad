/**
 * @flotilla/controllers — the reconcile machinery and the built-in workload controllers.
 *
 * - `Reconciler`: `reconcile(request, context) → { requeueAfter? }`, level-triggered and idempotent.
 * - `Controller`: request sources → de-duplicating work queue → N workers, with back-off on errors.
 * - `ControllerManager`: starts and stops a set of controllers together.
 */
export {
  Controller,
  type ControllerOptions,
  type ControllerStats,
  type RequestSource,
  type RequestStream,
} from './controller.js';
export { createDeploymentController, type DeploymentControllerOptions } from './deployment/controller.js';
export {
  createEndpointsController,
  DEFAULT_ENDPOINTS_BATCH_PERIOD_MS,
  type EndpointsControllerOptions,
} from './endpoints/controller.js';
export {
  desiredEndpointSlices,
  desiredEndpoints,
  ENDPOINTSLICE_CONTROLLER_NAME,
  type EndpointsAction,
  findPort,
  HEADLESS_LABEL,
  MANAGED_BY_LABEL,
  managesEndpoints,
  planEndpoints,
  SERVICE_NAME_LABEL,
  serviceOwnerReference,
} from './endpoints/plan.js';
export {
  createGarbageCollector,
  GARBAGE_COLLECTED_KINDS,
  type GarbageCollectorOptions,
  OWNER_UID_INDEX,
  UID_INDEX,
} from './garbagecollector/controller.js';
export {
  type DependentAction,
  FINALIZER_FOREGROUND,
  FINALIZER_ORPHAN,
  type GCObject,
  type OwnerAction,
  type OwnerState,
  ownerStateOf,
  planDependent,
  planOwner,
} from './garbagecollector/plan.js';
export { ControllerManager } from './manager.js';
export { createNamespaceController, type NamespaceControllerOptions } from './namespace/controller.js';
export {
  FINALIZER_KUBERNETES,
  NAMESPACE_RECHECK_MS,
  type NamespaceAction,
  type NamespacePlan,
  planNamespace,
} from './namespace/plan.js';
export * from './node-lifecycle/index.js';
export { isPodActive, isPodAvailable, isPodReady, isPodTerminating } from './pods.js';
export {
  isTerminalError,
  parseRequestKey,
  type ReconcileContext,
  type Reconciler,
  type Request,
  type Result,
  requestFor,
  requestKey,
  TerminalError,
} from './reconciler.js';
export {
  createReplicaSetController,
  POD_CONTROLLER_INDEX,
  podControllerIndex,
  type ReplicaSetControllerOptions,
} from './replicaset/controller.js';
export { EXPECTATIONS_TTL_MS, Expectations } from './replicaset/expectations.js';
export {
  BURST_REPLICAS,
  ownerReferenceFor,
  planReplicaSet,
  podFromTemplate,
  type ReplicaSetAction,
  type ReplicaSetPlan,
  type ReplicaSetPlanOptions,
} from './replicaset/plan.js';
export {
  type AdmittedObject,
  createServiceAllocator,
  DEFAULT_NODE_PORT_RANGE,
  DEFAULT_SERVICE_CIDR,
  type ServiceAllocator,
  type ServiceAllocatorOptions,
} from './service-ips/allocator.js';
export {
  createServiceIPRepairController,
  SERVICE_IP_REPAIR_INTERVAL_MS,
  type ServiceIPRepairOptions,
} from './service-ips/repair.js';
export {
  type ObjectEvent,
  type ObjectLike,
  requestsForControllerOwner,
  requestsForObjects,
} from './sources.js';
