/**
 * One step of a Recreate rollout (`rolloutRecreate`): scale every old ReplicaSet to 0 and stop; wait
 * until no old pod runs (terminating ones included); then create or scale the new ReplicaSet to
 * `replicas`; once complete, delete history beyond the limit.
 */
import { cleanupDeployment } from './cleanup.js';
import { createNewReplicaSet } from './newreplicaset.js';
import { isComplete } from './progress.js';
import type { PlanState } from './state.js';
import { scaleIfNeeded } from './working.js';

/** Old pods still exist: running, starting, or terminating. */
export function oldPodsRunning(state: PlanState): boolean {
  return state.oldRSs.some(
    (rs) => (rs.observed.status?.replicas ?? 0) + (rs.observed.status?.terminatingReplicas ?? 0) > 0,
  );
}

/** A Recreate step; false when a hash collision stopped it before the new ReplicaSet existed. */
export function rolloutRecreate(state: PlanState): boolean {
  const { d } = state;
  let scaledDown = false;
  for (const rs of state.oldRSs) {
    if (rs.replicas > 0 && scaleIfNeeded(rs, 0, d)) scaledDown = true;
  }
  if (scaledDown || oldPodsRunning(state)) return true;
  if (state.newRS === undefined && !createNewReplicaSet(state)) return false;
  scaleIfNeeded(state.newRS!, d.replicas, d);
  if (isComplete(d, d.object.status ?? {})) cleanupDeployment(state);
  return true;
}
