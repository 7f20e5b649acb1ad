/**
 * Scaling a Deployment that is paused or resized mid-rollout (`sync` → `scale`): with one active
 * ReplicaSet, resize it; with a saturated new one, empty the old ones; otherwise (RollingUpdate)
 * spread the difference over every active ReplicaSet in proportion to its size, so a resize neither
 * hastens nor stalls the rollout. The desired/max-replicas annotations record each sizing.
 */
import { DESIRED_REPLICAS_ANNOTATION, MAX_REPLICAS_ANNOTATION } from './constants.js';
import { byCreationTimestamp } from './replicasets.js';
import type { DeploymentView } from './spec.js';
import type { PlanState } from './state.js';
import { type PlannedReplicaSet, scaleIfNeeded, scaleReplicaSet } from './working.js';

function intAnnotation(rs: PlannedReplicaSet, key: string): number | undefined {
  const text = rs.annotations[key];
  return text !== undefined && /^[+-]?\d+$/.test(text) ? Number.parseInt(text, 10) : undefined;
}

/**
 * The new ReplicaSet owns every desired replica, both it and the Deployment know it, and all of them
 * are available (a saturated but broken new ReplicaSet must not empty the old ones).
 */
export function isSaturated(d: DeploymentView, rs: PlannedReplicaSet | undefined): boolean {
  if (rs === undefined) return false;
  return (
    rs.replicas === d.replicas &&
    intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION) === d.replicas &&
    (rs.observed.status?.availableReplicas ?? 0) === d.replicas
  );
}

/**
 * The only active ReplicaSet, or the newest one when none is active; `undefined` when several are
 * active (`FindActiveOrLatest`).
 */
export function findActiveOrLatest(
  newRS: PlannedReplicaSet | undefined,
  oldRSs: readonly PlannedReplicaSet[],
): PlannedReplicaSet | undefined {
  if (newRS === undefined && oldRSs.length === 0) return undefined;
  const newestFirst = [...oldRSs].sort((a, b) => byCreationTimestamp(b.observed, a.observed));
  const all = newRS === undefined ? newestFirst : [...newestFirst, newRS];
  const active = all.filter((rs) => rs.replicas > 0);
  if (active.length === 0) return newRS ?? newestFirst[0];
  return active.length === 1 ? active[0] : undefined;
}

/**
 * How many replicas `rs` gains (or loses, negative) of `toAdd`, given `added` so far
 * (`GetReplicaSetProportion`): its size scaled by (replicas + maxSurge) / max-replicas annotation,
 * rounded half up, bounded by what is left to add.
 */
export function replicaSetProportion(
  rs: PlannedReplicaSet,
  d: DeploymentView,
  observedReplicas: number,
  toAdd: number,
  added: number,
): number {
  if (rs.replicas === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d, observedReplicas);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

function replicaSetFraction(rs: PlannedReplicaSet, d: DeploymentView, observedReplicas: number): number {
  if (d.replicas === 0) return -rs.replicas;
  const maxReplicas = d.replicas + d.maxSurge;
  let before = intAnnotation(rs, MAX_REPLICAS_ANNOTATION);
  if (before === undefined || before === 0) {
    // Annotation missing or tampered with: fall back to the Deployment's observed size.
    before = observedReplicas;
    if (before === 0) return 0;
  }
  const size = (rs.replicas * maxReplicas) / before;
  return Math.floor(size + 0.5) - rs.replicas;
}

/** Kubernetes' `scale`: see the module comment. Changes the working copies in place. */
export function scaleProportionally(state: PlanState): void {
  const { d } = state;
  const single = findActiveOrLatest(state.newRS, state.oldRSs);
  if (single !== undefined) {
    // Deviation: Kubernetes returns early when the size already matches, leaving a stale
    // desired-replicas annotation that makes every later sync a "scaling event" and stalls the
    // rollout (found by our convergence property; kubernetes/kubernetes#138036, #138840). We
    // refresh the annotations in that case.
    scaleReplicaSet(single, d.replicas, d);
    return;
  }
  if (isSaturated(d, state.newRS)) {
    for (const rs of state.oldRSs) if (rs.replicas > 0) scaleIfNeeded(rs, 0, d);
    return;
  }
  if (d.strategy !== 'RollingUpdate') return;

  const all = [...state.oldRSs, ...(state.newRS === undefined ? [] : [state.newRS])].filter(
    (rs) => rs.replicas > 0,
  );
  const current = all.reduce((sum, rs) => sum + rs.replicas, 0);
  const allowedSize = d.replicas > 0 ? d.replicas + d.maxSurge : 0;
  const toAdd = allowedSize - current;
  // Largest first; among equals, newer first when growing and older first when shrinking
  // (`ReplicaSetsBySizeNewer` / `ReplicaSetsBySizeOlder`).
  if (toAdd > 0) all.sort((a, b) => b.replicas - a.replicas || byCreationTimestamp(b.observed, a.observed));
  else if (toAdd < 0)
    all.sort((a, b) => b.replicas - a.replicas || byCreationTimestamp(a.observed, b.observed));

  const observedReplicas = d.object.status?.replicas ?? 0;
  let added = 0;
  const sizes = all.map((rs) => {
    if (toAdd === 0) return rs.replicas;
    const proportion = replicaSetProportion(rs, d, observedReplicas, toAdd, added);
    added += proportion;
    return rs.replicas + proportion;
  });
  if (toAdd !== 0 && sizes.length > 0) sizes[0] = Math.max(0, sizes[0]! + toAdd - added);
  all.forEach((rs, i) => {
    scaleReplicaSet(rs, sizes[i]!, d);
  });
}

/**
 * A resize rather than a rollout: some active ReplicaSet was last sized for a different
 * `spec.replicas` (its desired-replicas annotation differs).
 */
export function isScalingEvent(state: PlanState): boolean {
  const all = [...state.oldRSs, ...(state.newRS === undefined ? [] : [state.newRS])];
  return all.some((rs) => {
    if (rs.replicas <= 0) return false;
    const desired = intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);
    return desired !== undefined && desired !== state.d.replicas;
  });
}
