/**
 * `@flotilla/rollout` — Kubernetes' Deployment rollout as pure functions.
 *
 * - `planRollout(deployment, ownedReplicaSets, { now })` returns the next bounded step of the sync
 *   loop: `actions` (a discriminated union a thin shell executes, each write carrying the
 *   `resourceVersion` read), the `status` to report, and `requeueAfter` for the progress deadline.
 * - Same input, same plan; each object written at most once per plan; nothing to do → no actions.
 * - RollingUpdate never plans more than `replicas + maxSurge` pods, nor scales old ReplicaSets below
 *   `replicas − maxUnavailable` available; Recreate empties old ReplicaSets before the new one grows.
 * - `rollbackTo` is `kubectl rollout undo`; `flotilla.dev/auto-rollback: "true"` makes the planner
 *   roll back by itself once a rollout exceeds its progress deadline.
 * - The math is exported on its own: `resolveFenceposts`, `newReplicaSetReplicas`, `computeHash`,
 *   `isComplete`, `hasTimedOut`, `setCondition`, …
 */

export type {
  CreateReplicaSetAction,
  DeleteReplicaSetAction,
  PlanOptions,
  RollbackTemplateAction,
  RolloutAction,
  RolloutPlan,
  ScaleReplicaSetAction,
  UpdateDeploymentStatusAction,
  UpdateReplicaSetAction,
} from './actions.js';
export {
  ANNOTATIONS_TO_SKIP,
  AUTO_ROLLBACK_ANNOTATION,
  DEPLOYMENT_AVAILABLE,
  DEPLOYMENT_PROGRESSING,
  DEPLOYMENT_REPLICA_FAILURE,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  POD_TEMPLATE_HASH_LABEL,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  Reasons,
} from './constants.js';
export { isRolloutError, RolloutError, type RolloutErrorReason } from './errors.js';
export {
  type Fenceposts,
  type NewReplicaSetReplicasInput,
  newReplicaSetReplicas,
  resolveFenceposts,
  scaledValue,
} from './fenceposts.js';
export { canonicalJSON, computeHash, fnv32a, safeEncodeString } from './hash.js';
export { planRollout } from './plan.js';
export {
  getCondition,
  hasTimedOut,
  isComplete,
  isProgressing,
  newCondition,
  removeCondition,
  setCondition,
} from './progress.js';
export { equalIgnoreHash, findNewReplicaSet, maxRevision, revisionOf } from './replicasets.js';
export { autoRollbackEnabled, type RollbackResult, rollbackTo } from './rollback.js';
export { type DeploymentView, readDeployment } from './spec.js';
