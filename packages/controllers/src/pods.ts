import type { Pod } from '@flotilla/api';
import { parseRFC3339 } from '@flotilla/clock';

/**
 * Pod facts every workload controller agrees on (Kubernetes' `podutil` and `controller_utils`).
 */

/** Not finished and not being deleted: the pods that count towards a workload's replicas. */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata?.deletionTimestamp;
}

/** Being deleted but not finished: counted as `terminatingReplicas`. */
export function isPodTerminating(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return !!pod.metadata?.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed';
}

function readyCondition(pod: Pod) {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

/** The pod's Ready condition is True. */
export function isPodReady(pod: Pod): boolean {
  return readyCondition(pod)?.status === 'True';
}

/** When the pod became ready (epoch ms), or undefined when not ready or unknown. */
export function podReadySince(pod: Pod): number | undefined {
  const c = readyCondition(pod);
  if (c?.status !== 'True' || !c.lastTransitionTime) return undefined;
  return parseRFC3339(c.lastTransitionTime);
}

/**
 * Ready for at least `minReadySeconds` at `now` (Kubernetes' IsPodAvailable). A ready pod without a
 * transition time counts as available only when `minReadySeconds` is 0.
 */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds <= 0) return true;
  const since = podReadySince(pod);
  return since !== undefined && since + minReadySeconds * 1000 <= now;
}

/** Milliseconds until a ready pod becomes available, 0 if it is, undefined if it is not ready. */
export function msUntilAvailable(pod: Pod, minReadySeconds: number, now: number): number | undefined {
  if (!isPodReady(pod)) return undefined;
  if (minReadySeconds <= 0) return 0;
  const since = podReadySince(pod);
  if (since === undefined) return undefined;
  return Math.max(0, since + minReadySeconds * 1000 - now);
}

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function restarts(pod: Pod): number {
  let n = 0;
  for (const s of pod.status?.containerStatuses ?? []) n = Math.max(n, s.restartCount ?? 0);
  return n;
}

/**
 * Kubernetes' deletion preference (`ActivePodsWithRanks.Less`): negative when `a` should be deleted
 * before `b`. In order: unscheduled before scheduled; Pending before Unknown before Running; not ready
 * before ready; higher co-location rank first (more pods of the same owner on its node); ready for a
 * shorter time first; more restarts first; newer first.
 */
export function compareForDeletion(a: Pod, b: Pod, rank: (p: Pod) => number = () => 0): number {
  const aBound = a.spec?.nodeName ? 1 : 0;
  const bBound = b.spec?.nodeName ? 1 : 0;
  if (aBound !== bBound) return aBound - bBound;
  const aPhase = PHASE_RANK[a.status?.phase ?? 'Pending'] ?? 0;
  const bPhase = PHASE_RANK[b.status?.phase ?? 'Pending'] ?? 0;
  if (aPhase !== bPhase) return aPhase - bPhase;
  const aReady = isPodReady(a) ? 1 : 0;
  const bReady = isPodReady(b) ? 1 : 0;
  if (aReady !== bReady) return aReady - bReady;
  const aRank = rank(a);
  const bRank = rank(b);
  if (aRank !== bRank) return bRank - aRank;
  if (aReady && bReady) {
    const aSince = podReadySince(a) ?? 0;
    const bSince = podReadySince(b) ?? 0;
    if (aSince !== bSince) return bSince - aSince;
  }
  const aRestarts = restarts(a);
  const bRestarts = restarts(b);
  if (aRestarts !== bRestarts) return bRestarts - aRestarts;
  const aCreated = a.metadata?.creationTimestamp
    ? (parseRFC3339(a.metadata.creationTimestamp) ?? 0)
    : Infinity;
  const bCreated = b.metadata?.creationTimestamp
    ? (parseRFC3339(b.metadata.creationTimestamp) ?? 0)
    : Infinity;
  if (aCreated !== bCreated) return bCreated > aCreated ? 1 : -1;
  return (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
}
