/**
 * A plan's working copy of each ReplicaSet: the object as observed (or as it will be created) and the
 * replicas, annotations and minReadySeconds the plan gives it. Strategy steps change the working
 * copy the way Kubernetes' controller updates an object and continues with the result; at the end
 * each changed ReplicaSet becomes exactly one action.
 */
import type { RolloutAction } from './actions.js';
import { DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION } from './constants.js';
import { nameOf, specReplicas } from './replicasets.js';
import type { ReplicaSet } from './shapes.js';
import type { DeploymentView } from './spec.js';

export interface PlannedReplicaSet {
  /** As read from the cache, or (when `create`) the object to create. */
  readonly observed: ReplicaSet;
  readonly create: boolean;
  replicas: number;
  annotations: Record<string, string>;
  minReadySeconds: number;
}

export function planned(rs: ReplicaSet, create = false): PlannedReplicaSet {
  return {
    observed: rs,
    create,
    replicas: specReplicas(rs),
    annotations: { ...(rs.metadata?.annotations ?? {}) },
    minReadySeconds: rs.spec?.minReadySeconds ?? 0,
  };
}

/** Sets desired/max replicas annotations; true when either changed (`SetReplicasAnnotations`). */
export function setReplicasAnnotations(
  annotations: Record<string, string>,
  desired: number,
  max: number,
): boolean {
  let changed = false;
  if (annotations[DESIRED_REPLICAS_ANNOTATION] !== String(desired)) {
    annotations[DESIRED_REPLICAS_ANNOTATION] = String(desired);
    changed = true;
  }
  if (annotations[MAX_REPLICAS_ANNOTATION] !== String(max)) {
    annotations[MAX_REPLICAS_ANNOTATION] = String(max);
    changed = true;
  }
  return changed;
}

/**
 * Kubernetes' `scaleReplicaSet`: sets the size and the desired/max replicas annotations when either
 * differs. Returns true when the size changed ("scaled").
 */
export function scaleReplicaSet(rs: PlannedReplicaSet, replicas: number, d: DeploymentView): boolean {
  const sizeChanged = rs.replicas !== replicas;
  rs.replicas = replicas;
  setReplicasAnnotations(rs.annotations, d.replicas, d.replicas + d.maxSurge);
  return sizeChanged;
}

/** Kubernetes' `scaleReplicaSetAndRecordEvent`: nothing when already at `replicas`. */
export function scaleIfNeeded(rs: PlannedReplicaSet, replicas: number, d: DeploymentView): boolean {
  if (rs.replicas === replicas) return false;
  return scaleReplicaSet(rs, replicas, d);
}

/** The annotations of `rs` that the plan set or changed. */
function changedAnnotations(rs: PlannedReplicaSet): Record<string, string> {
  const before = rs.observed.metadata?.annotations ?? {};
  const out: Record<string, string> = {};
  for (const key of Object.keys(rs.annotations).sort()) {
    const value = rs.annotations[key]!;
    if (before[key] !== value) out[key] = value;
  }
  return out;
}

/** The one action (or none) that brings the ReplicaSet from observed to planned. */
export function replicaSetAction(rs: PlannedReplicaSet, namespace: string): RolloutAction | undefined {
  if (rs.create) {
    const meta = rs.observed.metadata ?? {};
    return {
      type: 'createReplicaSet',
      namespace,
      replicaSet: {
        ...rs.observed,
        metadata: { ...meta, annotations: { ...rs.annotations } },
        spec: { ...rs.observed.spec!, replicas: rs.replicas },
      },
    };
  }
  const annotations = changedAnnotations(rs);
  const minReadyChanged = rs.minReadySeconds !== (rs.observed.spec?.minReadySeconds ?? 0);
  const target = {
    namespace,
    name: nameOf(rs.observed),
    resourceVersion: rs.observed.metadata?.resourceVersion ?? '',
    annotations,
    ...(minReadyChanged ? { minReadySeconds: rs.minReadySeconds } : {}),
  };
  const from = specReplicas(rs.observed);
  if (rs.replicas !== from) return { type: 'scaleReplicaSet', ...target, from, replicas: rs.replicas };
  if (Object.keys(annotations).length > 0 || minReadyChanged) return { type: 'updateReplicaSet', ...target };
  return undefined;
}
