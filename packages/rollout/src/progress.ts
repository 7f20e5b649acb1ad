/**
 * Conditions and the progress deadline (`deploymentutil` condition helpers, `DeploymentComplete`,
 * `DeploymentProgressing`, `DeploymentTimedOut`, and the controller's paused-condition and
 * stuck-requeue logic). Everything takes `now` as a parameter.
 */
import { DEPLOYMENT_PROGRESSING, Reasons } from './constants.js';
import type { DeploymentCondition, DeploymentStatus } from './shapes.js';
import type { DeploymentView } from './spec.js';
import { formatTime, parseTime } from './time.js';

/** A condition stamped `now` (both times), like `NewDeploymentCondition`. */
export function newCondition(
  type: string,
  status: 'True' | 'False' | 'Unknown',
  reason: string,
  message: string,
  now: number,
): DeploymentCondition {
  const time = formatTime(now);
  return { type, status, lastUpdateTime: time, lastTransitionTime: time, reason, message };
}

export function getCondition(status: DeploymentStatus, type: string): DeploymentCondition | undefined {
  return status.conditions?.find((c) => c.type === type);
}

/** The status without conditions of `type`; `conditions` omitted when none remain. */
export function removeCondition(status: DeploymentStatus, type: string): DeploymentStatus {
  const { conditions, ...rest } = status;
  const kept = (conditions ?? []).filter((c) => c.type !== type);
  return kept.length > 0 ? { ...rest, conditions: kept } : rest;
}

/**
 * `SetDeploymentCondition`: nothing when a condition of that type already has the same status and
 * reason; otherwise it replaces the old one (moved to the end), keeping `lastTransitionTime` when the
 * status did not change.
 */
export function setCondition(status: DeploymentStatus, condition: DeploymentCondition): DeploymentStatus {
  const current = getCondition(status, condition.type);
  if (current !== undefined && current.status === condition.status && current.reason === condition.reason) {
    return status;
  }
  const next =
    current !== undefined && current.status === condition.status
      ? { ...condition, lastTransitionTime: current.lastTransitionTime }
      : condition;
  const rest = removeCondition(status, condition.type);
  return { ...rest, conditions: [...(rest.conditions ?? []), next] };
}

/** True when a progress deadline applies (it is not "MaxInt32"). */
export function hasProgressDeadline(d: DeploymentView): boolean {
  return d.progressDeadlineSeconds !== undefined;
}

/** All replicas updated and available, no old pods, and the latest generation observed. */
export function isComplete(d: DeploymentView, status: DeploymentStatus): boolean {
  return (
    (status.updatedReplicas ?? 0) === d.replicas &&
    (status.replicas ?? 0) === d.replicas &&
    (status.availableReplicas ?? 0) === d.replicas &&
    (status.observedGeneration ?? 0) >= d.generation
  );
}

/** More updated pods, fewer old pods, or more available pods than the previous status reported. */
export function isProgressing(oldStatus: DeploymentStatus, newStatus: DeploymentStatus): boolean {
  const oldOld = (oldStatus.replicas ?? 0) - (oldStatus.updatedReplicas ?? 0);
  const newOld = (newStatus.replicas ?? 0) - (newStatus.updatedReplicas ?? 0);
  return (
    (newStatus.updatedReplicas ?? 0) > (oldStatus.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (newStatus.availableReplicas ?? 0) > (oldStatus.availableReplicas ?? 0)
  );
}

/**
 * True once the Progressing condition is older than the deadline (`lastUpdateTime + deadline <
 * now`) or already says ProgressDeadlineExceeded; never after NewReplicaSetAvailable.
 */
export function hasTimedOut(d: DeploymentView, status: DeploymentStatus, now: number): boolean {
  if (d.progressDeadlineSeconds === undefined) return false;
  const condition = getCondition(status, DEPLOYMENT_PROGRESSING);
  if (condition === undefined) return false;
  if (condition.reason === Reasons.NewReplicaSetAvailable) return false;
  if (condition.reason === Reasons.ProgressDeadlineExceeded) return true;
  const from = parseTime(condition.lastUpdateTime);
  if (from === undefined) return false;
  return from + d.progressDeadlineSeconds * 1000 < now;
}

/**
 * Records pausing and resuming as `Progressing=Unknown` (DeploymentPaused / DeploymentResumed) so a
 * resumed Deployment gets a fresh deadline; a timed-out condition is never overwritten.
 */
export function checkPausedConditions(
  d: DeploymentView,
  status: DeploymentStatus,
  now: number,
): DeploymentStatus {
  if (!hasProgressDeadline(d)) return status;
  const condition = getCondition(status, DEPLOYMENT_PROGRESSING);
  if (condition?.reason === Reasons.ProgressDeadlineExceeded) return status;
  const pausedRecorded = condition?.reason === Reasons.DeploymentPaused;
  if (d.paused && !pausedRecorded) {
    return setCondition(
      status,
      newCondition(DEPLOYMENT_PROGRESSING, 'Unknown', Reasons.DeploymentPaused, 'Deployment is paused', now),
    );
  }
  if (!d.paused && pausedRecorded) {
    return setCondition(
      status,
      newCondition(
        DEPLOYMENT_PROGRESSING,
        'Unknown',
        Reasons.DeploymentResumed,
        'Deployment is resumed',
        now,
      ),
    );
  }
  return status;
}

/**
 * When to look again at a rollout that shows no progress: one second after its deadline would pass
 * (`requeueStuckDeployment`), 1 s when that moment is under a second away; `undefined` when there is
 * no deadline to watch (none set, no Progressing condition, complete, or already timed out).
 */
export function deadlineRequeueAfter(
  d: DeploymentView,
  status: DeploymentStatus,
  now: number,
): number | undefined {
  if (d.progressDeadlineSeconds === undefined) return undefined;
  const condition = getCondition(status, DEPLOYMENT_PROGRESSING);
  if (condition === undefined || isComplete(d, status)) return undefined;
  if (
    condition.reason === Reasons.ProgressDeadlineExceeded ||
    condition.reason === Reasons.NewReplicaSetAvailable
  ) {
    return undefined;
  }
  const from = parseTime(condition.lastUpdateTime);
  if (from === undefined) return undefined;
  const after = from + d.progressDeadlineSeconds * 1000 - now;
  return after < 1000 ? 1000 : after + 1000;
}
