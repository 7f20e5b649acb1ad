/**
 * `schedule(pod, snapshot, profile, { random })`: one scheduling cycle — PreFilter, Filter over a
 * rotating sample of nodes, PreScore, Score, NormalizeScore, weighted sum, seeded tie-break.
 *
 * Guarantees:
 * - The chosen node passes every filter of the profile.
 * - With `percentageOfNodesToScore: 100`, the pod is unschedulable only when no node passes every
 *   filter, and every feasible node is scored.
 * - Same snapshot, same profile, same seed → same decision.
 * - The snapshot is not changed except for `nextStartNodeIndex`; binding is the caller's step
 *   (`snapshot.bind(pod, result.nodeName)`).
 */
import type { Random } from '@flotilla/clock';
import type { NodeFilter, NodeScorer, Profile } from './framework.js';
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import type { ClusterSnapshot } from './snapshot.js';
import { Code, Diagnosis, formatFitError, type Status } from './status.js';

export const MIN_FEASIBLE_NODES_TO_FIND = 100;
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;
export const ErrNoNodesAvailable = 'no nodes available to schedule pods';

/** Kubernetes' `numFeasibleNodesToFind`: how many feasible nodes to find before scoring. */
export function numFeasibleNodesToFind(numAllNodes: number, percentageOfNodesToScore = 0): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND || percentageOfNodesToScore >= 100) return numAllNodes;
  let pct = percentageOfNodesToScore;
  if (pct <= 0) {
    pct = 50 - Math.trunc(numAllNodes / 125);
    if (pct < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND) pct = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
  }
  const n = Math.trunc((numAllNodes * pct) / 100);
  return Math.max(n, MIN_FEASIBLE_NODES_TO_FIND);
}

export interface ScheduleOptions {
  /** Breaks ties between equally scored nodes. */
  random: Random;
}

export interface Scheduled {
  readonly kind: 'scheduled';
  readonly nodeName: string;
  readonly node: NodeInfo;
  /** The weighted sum of normalised scores of the chosen node. */
  readonly score: number;
  /** Nodes that passed every filter, among those evaluated. */
  readonly feasibleNodes: number;
  /** Nodes the filters ran on (fewer than all when sampling stopped early). */
  readonly evaluatedNodes: number;
}

export interface Unschedulable {
  readonly kind: 'unschedulable';
  /** `0/5000 nodes are available: 3000 Insufficient cpu, 2000 node(s) didn't match Pod's node affinity/selector.` */
  readonly message: string;
  readonly numAllNodes: number;
  readonly diagnosis: Diagnosis;
  /** True when some filter returned Error rather than a verdict. */
  readonly error: boolean;
}

export type ScheduleResult = Scheduled | Unschedulable;

interface Scratch {
  feasible: NodeInfo[];
  /** Rejections of this cycle (node index, filter position, status), turned into a Diagnosis only on failure. */
  rejectedNode: number[];
  rejectedFilter: number[];
  rejectedStatus: Status[];
  raw: Float64Array;
  total: Float64Array;
  ties: Int32Array;
}
const scratchByProfile = new WeakMap<Profile, Scratch>();

function scratchFor(profile: Profile, size: number): Scratch {
  let s = scratchByProfile.get(profile);
  if (s === undefined || s.raw.length < size) {
    const cap = Math.max(size, 128);
    s = {
      feasible: s?.feasible ?? [],
      rejectedNode: [],
      rejectedFilter: [],
      rejectedStatus: [],
      raw: new Float64Array(cap),
      total: new Float64Array(cap),
      ties: new Int32Array(cap),
    };
    scratchByProfile.set(profile, s);
  }
  return s;
}

/** PreFilter: the non-skipped filters of the profile for this pod, with their names. */
export function prepareFilters(pod: PodInfo, snapshot: ClusterSnapshot, profile: Profile) {
  const fns: NodeFilter[] = [];
  const names: string[] = [];
  for (const plugin of profile.filters) {
    const fn = plugin.prepare(pod, snapshot);
    if (fn !== null) {
      fns.push(fn);
      names.push(plugin.name);
    }
  }
  return { fns, names };
}

export function schedule(
  pod: PodInfo,
  snapshot: ClusterSnapshot,
  profile: Profile,
  options: ScheduleOptions,
): ScheduleResult {
  const nodes = snapshot.nodes;
  const numAll = nodes.length;
  if (numAll === 0) {
    return {
      kind: 'unschedulable',
      message: ErrNoNodesAvailable,
      numAllNodes: 0,
      diagnosis: new Diagnosis(),
      error: false,
    };
  }
  const { fns, names } = prepareFilters(pod, snapshot, profile);
  const nf = fns.length;
  const toFind = numFeasibleNodesToFind(numAll, profile.percentageOfNodesToScore);
  const scratch = scratchFor(profile, Math.min(toFind, numAll));
  // Filled by index and never truncated: `length = 0` would free the backing store, and refilling it
  // grew a new one for every pod (most of the scheduler's allocation at 5,000 nodes).
  const feasible = scratch.feasible;
  let count = 0;
  const { rejectedNode, rejectedFilter, rejectedStatus } = scratch;
  rejectedNode.length = 0;
  rejectedFilter.length = 0;
  rejectedStatus.length = 0;
  let start = snapshot.nextStartNodeIndex % numAll;
  if (start < 0) start = 0;
  let processed = 0;
  let error = false;
  for (let i = 0; i < numAll; i++) {
    let idx = start + i;
    if (idx >= numAll) idx -= numAll;
    const node = nodes[idx]!;
    processed++;
    let ok = true;
    for (let f = 0; f < nf; f++) {
      const status = fns[f]!(node);
      if (status !== null) {
        if (status.code !== Code.Success) {
          rejectedNode.push(node.index);
          rejectedFilter.push(f);
          rejectedStatus.push(status);
          if (status.code === Code.Error) error = true;
          ok = false;
          break;
        }
      }
    }
    if (ok) {
      feasible[count++] = node;
      if (count >= toFind) break;
    }
  }
  snapshot.nextStartNodeIndex = (start + processed) % numAll;

  if (count === 0) {
    const diagnosis = new Diagnosis();
    for (let i = 0; i < rejectedNode.length; i++) {
      diagnosis.record(rejectedNode[i]!, names[rejectedFilter[i]!]!, rejectedStatus[i]!);
    }
    return {
      kind: 'unschedulable',
      message: formatFitError(numAll, diagnosis.reasonCounts),
      numAllNodes: numAll,
      diagnosis,
      error,
    };
  }
  if (count === 1) {
    const node = feasible[0]!;
    return {
      kind: 'scheduled',
      nodeName: node.name,
      node,
      score: 0,
      feasibleNodes: 1,
      evaluatedNodes: processed,
    };
  }

  const total = scratch.total;
  const raw = scratch.raw;
  total.fill(0, 0, count);
  for (const { plugin, weight } of profile.scores) {
    const scorer: NodeScorer | null = plugin.prepare(pod, snapshot);
    if (scorer === null) continue;
    if (scorer.scoreAll !== undefined) scorer.scoreAll(feasible, count, raw);
    else for (let i = 0; i < count; i++) raw[i] = scorer.score(feasible[i]!);
    scorer.normalize?.(raw, count);
    for (let i = 0; i < count; i++) total[i] = total[i]! + weight * raw[i]!;
  }

  // Highest total wins; ties are collected and one is drawn with a single call to the seeded Random
  // (uniform, like kube-scheduler's reservoir sampling, without one draw per tied node).
  const ties = scratch.ties;
  let bestScore = total[0]!;
  let nTies = 1;
  ties[0] = 0;
  for (let i = 1; i < count; i++) {
    const s = total[i]!;
    if (s > bestScore) {
      bestScore = s;
      ties[0] = i;
      nTies = 1;
    } else if (s === bestScore) {
      ties[nTies++] = i;
    }
  }
  const best = nTies === 1 ? ties[0]! : ties[options.random.int(nTies)]!;
  const node = feasible[best]!;
  return {
    kind: 'scheduled',
    nodeName: node.name,
    node,
    score: bestScore,
    feasibleNodes: count,
    evaluatedNodes: processed,
  };
}
