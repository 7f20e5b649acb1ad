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
export { EventRecorder, type InvolvedObject } from './events.js';
export { ControllerManager } from './manager.js';
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
  type ObjectEvent,
  type ObjectLike,
  requestsForControllerOwner,
  requestsForObjects,
} from './sources.js';
