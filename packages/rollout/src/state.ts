/**
 * What one planning step works on: the Deployment as read, its ReplicaSets as working copies, and
 * the Deployment status as the step has amended it so far (Kubernetes' controller amends `d.Status`
 * in place — paused conditions, FoundNewReplicaSet, collisionCount — before computing the rest).
 */
import type { DeleteReplicaSetAction } from './actions.js';
import { byCreationTimestamp, findNewReplicaSet, findOldReplicaSets } from './replicasets.js';
import type { DeploymentStatus, ReplicaSet } from './shapes.js';
import type { DeploymentView } from './spec.js';
import { type PlannedReplicaSet, planned } from './working.js';

export interface PlanState {
  readonly d: DeploymentView;
  readonly now: number;
  /** `d.Status` as amended by this step; its counts are still the observed ones. */
  base: DeploymentStatus;
  newRS: PlannedReplicaSet | undefined;
  /** Every other ReplicaSet, oldest first. */
  readonly oldRSs: PlannedReplicaSet[];
  /** The revision to record on the Deployment (`deployment.kubernetes.io/revision`). */
  deploymentRevision: string | undefined;
  readonly deletes: DeleteReplicaSetAction[];
}

export function createState(d: DeploymentView, replicaSets: readonly ReplicaSet[], now: number): PlanState {
  const sorted = [...replicaSets].sort(byCreationTimestamp);
  const newRS = findNewReplicaSet(d.template, sorted);
  return {
    d,
    now,
    base: d.object.status ?? {},
    newRS: newRS === undefined ? undefined : planned(newRS),
    oldRSs: findOldReplicaSets(newRS, sorted).map((rs) => planned(rs)),
    deploymentRevision: undefined,
    deletes: [],
  };
}

/** Old ReplicaSets then the new one, as working copies. */
export function allPlanned(state: PlanState): PlannedReplicaSet[] {
  return state.newRS === undefined ? [...state.oldRSs] : [...state.oldRSs, state.newRS];
}

/** Old ReplicaSets then the new one, as observed at the start of the step (what status counts). */
export function allObserved(state: PlanState): ReplicaSet[] {
  return allPlanned(state).map((rs) => rs.observed);
}
