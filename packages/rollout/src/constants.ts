/**
 * Kubernetes' names for the labels, annotations, condition types and reasons a Deployment rollout
 * writes (`pkg/controller/deployment/util/deployment_util.go`), plus Flotilla's own opt-in annotation.
 */

/** Label added to a ReplicaSet, its selector and its pod template: the template hash. */
export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

/** Revision of a ReplicaSet (and, copied from the newest one, of its Deployment). */
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
/** Earlier revisions a re-used ReplicaSet has served, comma-separated, oldest first. */
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';
/** `spec.replicas` of the Deployment when the ReplicaSet was last sized. */
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
/** `spec.replicas + maxSurge` of the Deployment when the ReplicaSet was last sized. */
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';
/** kubectl's client-side apply record; never copied between Deployment and ReplicaSet. */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
/** extensions/v1beta1's rollback request, kept in annotations by conversion; never copied. */
export const DEPRECATED_ROLLBACK_TO_ANNOTATION = 'deprecated.deployment.rollback.to';

/**
 * Flotilla's opt-in: `flotilla.dev/auto-rollback: "true"` on a Deployment makes the planner roll the
 * template back once the newest ReplicaSet has exceeded its progress deadline.
 */
export const AUTO_ROLLBACK_ANNOTATION = 'flotilla.dev/auto-rollback';

/** Annotations that are never copied from a Deployment to its ReplicaSets or back (Kubernetes' list). */
export const ANNOTATIONS_TO_SKIP: ReadonlySet<string> = new Set([
  LAST_APPLIED_ANNOTATION,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  DEPRECATED_ROLLBACK_TO_ANNOTATION,
]);

/** Longest `revision-history` value kept; older entries are dropped first (Kubernetes' 2000). */
export const MAX_REVISION_HISTORY_CHARS = 2000;

export const DEPLOYMENT_AVAILABLE = 'Available';
export const DEPLOYMENT_PROGRESSING = 'Progressing';
export const DEPLOYMENT_REPLICA_FAILURE = 'ReplicaFailure';

/** Reasons of the `Progressing` and `Available` conditions, as Kubernetes spells them. */
export const Reasons = {
  ReplicaSetUpdated: 'ReplicaSetUpdated',
  NewReplicaSetCreated: 'NewReplicaSetCreated',
  FoundNewReplicaSet: 'FoundNewReplicaSet',
  NewReplicaSetAvailable: 'NewReplicaSetAvailable',
  ProgressDeadlineExceeded: 'ProgressDeadlineExceeded',
  DeploymentPaused: 'DeploymentPaused',
  DeploymentResumed: 'DeploymentResumed',
  MinimumReplicasAvailable: 'MinimumReplicasAvailable',
  MinimumReplicasUnavailable: 'MinimumReplicasUnavailable',
} as const;

export const STRATEGY_ROLLING_UPDATE = 'RollingUpdate';
export const STRATEGY_RECREATE = 'Recreate';

/** `progressDeadlineSeconds` equal to MaxInt32 means "no deadline" (extensions/v1beta1's default). */
export const MAX_INT32 = 2147483647;
