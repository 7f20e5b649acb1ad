/**
 * The Deployment status a step writes: counts summed over the ReplicaSets (`calculateStatus`), the
 * Available condition, and for rollouts the Progressing and ReplicaFailure conditions
 * (`syncRolloutStatus`). Counts that are 0 are omitted, as Kubernetes' JSON omits them.
 */
import {
  DEPLOYMENT_AVAILABLE,
  DEPLOYMENT_PROGRESSING,
  DEPLOYMENT_REPLICA_FAILURE,
  Reasons,
} from './constants.js';
import {
  getCondition,
  hasProgressDeadline,
  hasTimedOut,
  isComplete,
  isProgressing,
  newCondition,
  removeCondition,
  setCondition,
} from './progress.js';
import {
  nameOf,
  semanticEqual,
  sumAvailableReplicas,
  sumReadyReplicas,
  sumSpecReplicas,
  sumStatusReplicas,
} from './replicasets.js';
import type { DeploymentCondition, DeploymentStatus, ReplicaSet } from './shapes.js';
import type { DeploymentView } from './spec.js';

const COUNTERS = [
  'observedGeneration',
  'replicas',
  'updatedReplicas',
  'readyReplicas',
  'availableReplicas',
  'unavailableReplicas',
] as const;

/**
 * Counts and the Available condition from the ReplicaSets, conditions carried over from `base` (the
 * Deployment's status as the step has amended it).
 */
export function calculateStatus(
  d: DeploymentView,
  allRSs: readonly ReplicaSet[],
  newRS: ReplicaSet | undefined,
  base: DeploymentStatus,
  now: number,
): DeploymentStatus {
  const available = sumAvailableReplicas(allRSs);
  const unavailable = Math.max(0, sumSpecReplicas(allRSs) - available);
  const counts: Record<(typeof COUNTERS)[number], number> = {
    observedGeneration: d.generation,
    replicas: sumStatusReplicas(allRSs),
    updatedReplicas: newRS === undefined ? 0 : sumStatusReplicas([newRS]),
    readyReplicas: sumReadyReplicas(allRSs),
    availableReplicas: available,
    unavailableReplicas: unavailable,
  };
  let status: DeploymentStatus = {};
  for (const key of COUNTERS) if (counts[key] !== 0) status[key] = counts[key];
  if (allRSs.some((rs) => rs.status?.terminatingReplicas !== undefined)) {
    status.terminatingReplicas = allRSs.reduce((sum, rs) => sum + (rs.status?.terminatingReplicas ?? 0), 0);
  }
  if (base.conditions !== undefined && base.conditions.length > 0) status.conditions = [...base.conditions];
  if (base.collisionCount !== undefined) status.collisionCount = base.collisionCount;

  status =
    available >= d.replicas - d.maxUnavailable
      ? setCondition(
          status,
          newCondition(
            DEPLOYMENT_AVAILABLE,
            'True',
            Reasons.MinimumReplicasAvailable,
            'Deployment has minimum availability.',
            now,
          ),
        )
      : setCondition(
          status,
          newCondition(
            DEPLOYMENT_AVAILABLE,
            'False',
            Reasons.MinimumReplicasUnavailable,
            'Deployment does not have minimum availability.',
            now,
          ),
        );
  return status;
}

function progressingMessage(d: DeploymentView, newRS: ReplicaSet | undefined, what: string): string {
  return newRS === undefined ? `Deployment "${d.name}" ${what}.` : `ReplicaSet "${nameOf(newRS)}" ${what}.`;
}

function replicaFailures(
  allRSs: readonly ReplicaSet[],
  newRS: ReplicaSet | undefined,
): DeploymentCondition[] {
  const toDeploymentCondition = (rs: ReplicaSet | undefined): DeploymentCondition[] =>
    (rs?.status?.conditions ?? [])
      .filter((c) => c.type === DEPLOYMENT_REPLICA_FAILURE)
      .map((c) => ({
        type: c.type,
        status: c.status,
        ...(c.lastTransitionTime !== undefined
          ? { lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime }
          : {}),
        ...(c.reason !== undefined ? { reason: c.reason } : {}),
        ...(c.message !== undefined ? { message: c.message } : {}),
      }));
  const fromNew = toDeploymentCondition(newRS);
  return fromNew.length > 0 ? fromNew : allRSs.flatMap(toDeploymentCondition);
}

/**
 * `syncRolloutStatus` without the write: `calculateStatus`, then Progressing — NewReplicaSetAvailable
 * once complete, ReplicaSetUpdated (refreshing `lastUpdateTime`) on any progress, otherwise
 * ProgressDeadlineExceeded past the deadline — unless the rollout already completed; then the
 * ReplicaFailure condition of the ReplicaSets.
 */
export function rolloutStatus(
  d: DeploymentView,
  allRSs: readonly ReplicaSet[],
  newRS: ReplicaSet | undefined,
  base: DeploymentStatus,
  now: number,
): DeploymentStatus {
  let status = calculateStatus(d, allRSs, newRS, base, now);
  if (!hasProgressDeadline(d)) status = removeCondition(status, DEPLOYMENT_PROGRESSING);

  const current = getCondition(base, DEPLOYMENT_PROGRESSING);
  const alreadyComplete =
    (status.replicas ?? 0) === (status.updatedReplicas ?? 0) &&
    current?.reason === Reasons.NewReplicaSetAvailable;
  if (hasProgressDeadline(d) && !alreadyComplete) {
    if (isComplete(d, status)) {
      status = setCondition(
        status,
        newCondition(
          DEPLOYMENT_PROGRESSING,
          'True',
          Reasons.NewReplicaSetAvailable,
          progressingMessage(d, newRS, 'has successfully progressed'),
          now,
        ),
      );
    } else if (isProgressing(base, status)) {
      let condition = newCondition(
        DEPLOYMENT_PROGRESSING,
        'True',
        Reasons.ReplicaSetUpdated,
        progressingMessage(d, newRS, 'is progressing'),
        now,
      );
      // Unlike other conditions, progress refreshes lastUpdateTime even when the reason is unchanged.
      if (current !== undefined) {
        if (current.status === 'True')
          condition = { ...condition, lastTransitionTime: current.lastTransitionTime };
        status = removeCondition(status, DEPLOYMENT_PROGRESSING);
      }
      status = setCondition(status, condition);
    } else if (hasTimedOut(d, status, now)) {
      status = setCondition(
        status,
        newCondition(
          DEPLOYMENT_PROGRESSING,
          'False',
          Reasons.ProgressDeadlineExceeded,
          progressingMessage(d, newRS, 'has timed out progressing'),
          now,
        ),
      );
    }
  }

  const failures = replicaFailures(allRSs, newRS);
  status =
    failures.length > 0
      ? setCondition(status, failures[0]!)
      : removeCondition(status, DEPLOYMENT_REPLICA_FAILURE);
  return status;
}

function normalized(status: DeploymentStatus | undefined): DeploymentStatus {
  const out: DeploymentStatus = { ...(status ?? {}) };
  for (const key of COUNTERS) if (out[key] === 0) delete out[key];
  if (out.conditions?.length === 0) delete out.conditions;
  return out;
}

/** Equal statuses, counting an absent counter as 0 (Kubernetes' JSON omits zeros). */
export function statusEquals(a: DeploymentStatus | undefined, b: DeploymentStatus | undefined): boolean {
  return semanticEqual(normalized(a), normalized(b));
}
