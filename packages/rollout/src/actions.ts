/**
 * What a plan asks its shell to do. Every write of an existing object carries the `resourceVersion`
 * the planner read, so a stale plan fails with Conflict and is re-planned from fresh state. All
 * objects live in the Deployment's namespace. A plan writes each object at most once, in this order:
 * `createReplicaSet`, `scaleReplicaSet` / `updateReplicaSet`, `deleteReplicaSet`, then the Deployment
 * (`updateDeploymentStatus` or, alone, `rollbackTemplate`).
 */
import type { DeploymentStatus, PodTemplateSpec, ReplicaSet } from './shapes.js';

/** Create the Deployment's new ReplicaSet; the object is complete (name, labels, owner, annotations). */
export interface CreateReplicaSetAction {
  readonly type: 'createReplicaSet';
  readonly namespace: string;
  readonly replicaSet: ReplicaSet;
}

/**
 * Set `spec.replicas` of a ReplicaSet to `replicas` (it was `from`), together with `annotations`
 * (keys to set; others untouched) and, when present, `spec.minReadySeconds`.
 */
export interface ScaleReplicaSetAction {
  readonly type: 'scaleReplicaSet';
  readonly namespace: string;
  readonly name: string;
  readonly resourceVersion: string;
  readonly from: number;
  readonly replicas: number;
  readonly annotations: Readonly<Record<string, string>>;
  readonly minReadySeconds?: number;
}

/**
 * Update a ReplicaSet without resizing it: `annotations` to set (revision, revision history, copied
 * Deployment annotations, desired/max replicas) and, when present, `spec.minReadySeconds`.
 */
export interface UpdateReplicaSetAction {
  readonly type: 'updateReplicaSet';
  readonly namespace: string;
  readonly name: string;
  readonly resourceVersion: string;
  readonly annotations: Readonly<Record<string, string>>;
  readonly minReadySeconds?: number;
}

/** Delete an old ReplicaSet beyond `revisionHistoryLimit`, only if it is still the object read. */
export interface DeleteReplicaSetAction {
  readonly type: 'deleteReplicaSet';
  readonly namespace: string;
  readonly name: string;
  readonly preconditions: { readonly uid: string; readonly resourceVersion: string };
}

/**
 * Replace the Deployment's status. `annotations`, when present, are keys to set on
 * `metadata.annotations` in the same write (Kubernetes records `deployment.kubernetes.io/revision`
 * this way: the status subresource keeps metadata changes other than labels).
 */
export interface UpdateDeploymentStatusAction {
  readonly type: 'updateDeploymentStatus';
  readonly namespace: string;
  readonly name: string;
  readonly resourceVersion: string;
  readonly status: DeploymentStatus;
  readonly annotations?: Readonly<Record<string, string>>;
}

/**
 * Flotilla's automatic rollback: replace `spec.template` with `template` and `metadata.annotations`
 * with `annotations` (what `kubectl rollout undo` patches). `message` is meant for an Event.
 */
export interface RollbackTemplateAction {
  readonly type: 'rollbackTemplate';
  readonly namespace: string;
  readonly name: string;
  readonly resourceVersion: string;
  readonly fromRevision: number;
  readonly toRevision: number;
  readonly template: PodTemplateSpec;
  readonly annotations: Readonly<Record<string, string>>;
  readonly message: string;
}

export type RolloutAction =
  | CreateReplicaSetAction
  | ScaleReplicaSetAction
  | UpdateReplicaSetAction
  | DeleteReplicaSetAction
  | UpdateDeploymentStatusAction
  | RollbackTemplateAction;

/** The next bounded step of a rollout. */
export interface RolloutPlan {
  /** Writes to perform, in order; empty when the observed state needs nothing. */
  readonly actions: readonly RolloutAction[];
  /** The Deployment status this step computed (written only if it differs from the observed one). */
  readonly status: DeploymentStatus;
  /** Plan again after this many ms even if nothing changes (to check the progress deadline). */
  readonly requeueAfter?: number;
}

export interface PlanOptions {
  /** The current time, epoch milliseconds; the only clock the planner reads. */
  readonly now: number;
}
