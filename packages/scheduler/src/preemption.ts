/**
 * Preemption (kube-scheduler's DefaultPreemption PostFilter): when a pod fits nowhere, find the node
 * where evicting the fewest, lowest-priority pods makes it fit, and nominate it there.
 *
 * Guarantees:
 * - Only pods with a strictly lower priority than the preemptor are ever victims.
 * - Nodes rejected as UnschedulableAndUnresolvable (labels, taints, affinity) are never candidates.
 * - The snapshot is left exactly as it was (victims are removed and re-added during the dry run); the
 *   caller evicts the victims and keeps the pod nominated to the node.
 */
import type { Random } from '@flotilla/clock';
import type { Profile } from './framework.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import { prepareFilters } from './schedule.js';
import type { ClusterSnapshot } from './snapshot.js';
import { Code, type Diagnosis } from './status.js';

export const MIN_CANDIDATE_NODES_PERCENTAGE = 10;
export const MIN_CANDIDATE_NODES_ABSOLUTE = 100;

export interface Preemption {
  /** The node the pod is nominated to (`status.nominatedNodeName`). */
  readonly nominatedNodeName: string;
  /** Pods to evict, highest priority first. */
  readonly victims: readonly PodInfo[];
}

export interface PreemptOptions {
  random: Random;
}

function fits(pod: PodInfo, node: NodeInfo, snapshot: ClusterSnapshot, profile: Profile): boolean {
  const { fns } = prepareFilters(pod, snapshot, profile);
  for (const fn of fns) if (fn(node) !== null) return false;
  return true;
}

/** Higher priority first; then by uid for a stable order. */
function moreImportant(a: PodInfo, b: PodInfo): number {
  return b.priority - a.priority || (a.uid < b.uid ? -1 : a.uid > b.uid ? 1 : 0);
}

/** Victims on `node` that make `pod` fit, after reprieving every pod that can stay; undefined if none do. */
export function selectVictimsOnNode(
  pod: PodInfo,
  node: NodeInfo,
  snapshot: ClusterSnapshot,
  profile: Profile,
): PodInfo[] | undefined {
  const lower = node.pods.filter((p) => p.priority < pod.priority).sort(moreImportant);
  if (lower.length === 0) return undefined;
  for (const p of lower) snapshot.unbind(p.uid);
  const victims: PodInfo[] = [];
  try {
    if (!fits(pod, node, snapshot, profile)) return undefined;
    // Reprieve the most important pods first: put each back and keep it if the pod still fits.
    for (const p of lower) {
      snapshot.bind(p, node.name);
      if (!fits(pod, node, snapshot, profile)) {
        snapshot.unbind(p.uid);
        victims.push(p);
      }
    }
    return victims;
  } finally {
    for (const p of lower) if (snapshot.nodeOf(p.uid) === undefined) snapshot.bind(p, node.name);
  }
}

/**
 * Chooses where `pod` should preempt, given the diagnosis of its failed `schedule` call. Candidates are
 * nodes rejected as Unschedulable; the dry run stops after max(10% of nodes, 100) candidates, starting
 * at a random offset. The winner has the lowest highest-victim priority, then the lowest sum of victim
 * priorities, then the fewest victims.
 */
export function preempt(
  pod: PodInfo,
  snapshot: ClusterSnapshot,
  profile: Profile,
  diagnosis: Diagnosis,
  options: PreemptOptions,
): Preemption | undefined {
  const nodes = snapshot.nodes;
  const n = nodes.length;
  if (n === 0) return undefined;
  const wanted = Math.min(
    n,
    Math.max(Math.trunc((n * MIN_CANDIDATE_NODES_PERCENTAGE) / 100), MIN_CANDIDATE_NODES_ABSOLUTE),
  );
  const offset = options.random.int(n);
  let best: { node: NodeInfo; victims: PodInfo[]; maxPrio: number; sumPrio: number } | undefined;
  let found = 0;
  for (let i = 0; i < n && found < wanted; i++) {
    const node = nodes[(offset + i) % n]!;
    if (diagnosis.nodeCodes.get(node.index) !== Code.Unschedulable) continue;
    const victims = selectVictimsOnNode(pod, node, snapshot, profile);
    if (victims === undefined) continue;
    found++;
    let maxPrio = Number.NEGATIVE_INFINITY;
    let sumPrio = 0;
    for (const v of victims) {
      maxPrio = Math.max(maxPrio, v.priority);
      sumPrio += v.priority;
    }
    const better =
      best === undefined ||
      maxPrio < best.maxPrio ||
      (maxPrio === best.maxPrio &&
        (sumPrio < best.sumPrio || (sumPrio === best.sumPrio && victims.length < best.victims.length)));
    if (better) best = { node, victims, maxPrio, sumPrio };
  }
  if (best === undefined) return undefined;
  return { nominatedNodeName: best.node.name, victims: best.victims };
}
