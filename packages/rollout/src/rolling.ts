/**
 * One step of a RollingUpdate (`rolloutRolling`): scale the new ReplicaSet up within maxSurge and
 * stop; else scale old ones down within maxUnavailable — unhealthy replicas first — and stop; else,
 * once complete, delete history beyond the limit.
 */
import { cleanupDeployment } from './cleanup.js';
import { newReplicaSetReplicas } from './fenceposts.js';
import { createNewReplicaSet } from './newreplicaset.js';
import { isComplete } from './progress.js';
import { availableReplicas } from './replicasets.js';
import type { DeploymentView } from './spec.js';
import { allPlanned, type PlanState } from './state.js';
import { type PlannedReplicaSet, scaleIfNeeded } from './working.js';

function sumPlanned(replicaSets: readonly PlannedReplicaSet[]): number {
  return replicaSets.reduce((sum, rs) => sum + rs.replicas, 0);
}

/** Scales the new ReplicaSet toward `replicas` within the surge; true when it changed its size. */
export function reconcileNewReplicaSet(state: PlanState): boolean {
  const { d } = state;
  const rs = state.newRS;
  if (rs === undefined || rs.replicas === d.replicas) return false;
  if (rs.replicas > d.replicas) return scaleIfNeeded(rs, d.replicas, d);
  const replicas = newReplicaSetReplicas({
    strategy: d.strategy,
    replicas: d.replicas,
    maxSurge: d.maxSurge,
    totalReplicas: sumPlanned(allPlanned(state)),
    newReplicas: rs.replicas,
  });
  return scaleIfNeeded(rs, replicas, d);
}

/**
 * Scales old ReplicaSets down as far as availability allows; true when any changed size.
 *
 * The budget is `allPods − minAvailable − newRSUnavailable`: surge pods may go, but not so many that
 * the new ReplicaSet's not-yet-available pods would leave fewer than `replicas − maxUnavailable`
 * available (Kubernetes' worked example: 10 replicas, surge 3, unavailable 2, crash-looping new pods
 * block further scale-down until a rollback).
 */
export function reconcileOldReplicaSets(state: PlanState): boolean {
  const { d } = state;
  const newRS = state.newRS;
  const oldActive = state.oldRSs.filter((rs) => rs.replicas > 0);
  if (newRS === undefined || sumPlanned(oldActive) === 0) return false;

  const allPods = sumPlanned(allPlanned(state));
  const minAvailable = d.replicas - d.maxUnavailable;
  const newRSUnavailable = newRS.replicas - availableReplicas(newRS.observed);
  const maxScaledDown = allPods - minAvailable - newRSUnavailable;
  if (maxScaledDown <= 0) return false;

  const cleaned = cleanupUnhealthyReplicas(oldActive, d, maxScaledDown);
  const scaledDown = scaleDownOldReplicaSets([...oldActive, newRS], oldActive, d);
  return cleaned + scaledDown > 0;
}

/**
 * Removes up to `maxCleanup` replicas that are not available from old ReplicaSets, oldest first
 * (the ReplicaSet controller deletes not-ready pods first, so availability does not drop). Returns
 * how many replicas it removed. `oldRSs` must be oldest first.
 */
export function cleanupUnhealthyReplicas(
  oldRSs: readonly PlannedReplicaSet[],
  d: DeploymentView,
  maxCleanup: number,
): number {
  let total = 0;
  for (const rs of oldRSs) {
    if (total >= maxCleanup) break;
    if (rs.replicas === 0) continue;
    // More available than desired happens right after a scale-down; nothing is unhealthy then.
    const unhealthy = rs.replicas - availableReplicas(rs.observed);
    if (unhealthy <= 0) continue;
    const count = Math.min(maxCleanup - total, unhealthy);
    scaleIfNeeded(rs, rs.replicas - count, d);
    total += count;
  }
  return total;
}

/**
 * Scales old ReplicaSets (oldest first) down by `available − minAvailable`, counting available pods
 * of `allRSs` (active old ones and the new one). Returns how many replicas it removed.
 */
export function scaleDownOldReplicaSets(
  allRSs: readonly PlannedReplicaSet[],
  oldRSs: readonly PlannedReplicaSet[],
  d: DeploymentView,
): number {
  const minAvailable = d.replicas - d.maxUnavailable;
  const available = allRSs.reduce((sum, rs) => sum + availableReplicas(rs.observed), 0);
  if (available <= minAvailable) return 0;
  const budget = available - minAvailable;
  let total = 0;
  for (const rs of oldRSs) {
    if (total >= budget) break;
    if (rs.replicas === 0) continue;
    const count = Math.min(rs.replicas, budget - total);
    scaleIfNeeded(rs, rs.replicas - count, d);
    total += count;
  }
  return total;
}

/** A RollingUpdate step; false when a hash collision stopped it before the new ReplicaSet existed. */
export function rolloutRolling(state: PlanState): boolean {
  if (state.newRS === undefined && !createNewReplicaSet(state)) return false;
  if (reconcileNewReplicaSet(state)) return true;
  if (reconcileOldReplicaSets(state)) return true;
  if (isComplete(state.d, state.d.object.status ?? {})) cleanupDeployment(state);
  return true;
}
