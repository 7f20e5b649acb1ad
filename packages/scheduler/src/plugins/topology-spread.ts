/**
 * PodTopologySpread: `DoNotSchedule` constraints filter, `ScheduleAnyway` constraints score. Counts come
 * from the snapshot's per-domain counters; the global minimum is taken over the eligible domains (those
 * of nodes that pass the pod's nodeSelector / required node affinity — `nodeAffinityPolicy: Honor`).
 */
import { type FilterPlugin, MAX_NODE_SCORE, type NodeScorer, type ScorePlugin } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import { type PodInfo, type SpreadConstraint, termMatches } from '../pod-info.js';
import type { ClusterSnapshot } from '../snapshot.js';
import { unresolvable, unschedulable } from '../status.js';
import type { TermCounter } from '../topology.js';

export const ErrReasonConstraintsNotMatch = "node(s) didn't match pod topology spread constraints";
export const ErrReasonNodeLabelNotMatch = `${ErrReasonConstraintsNotMatch} (missing required label)`;

const NOT_MATCH = unschedulable(ErrReasonConstraintsNotMatch);
const MISSING_LABEL = unresolvable(ErrReasonNodeLabelNotMatch);

/** The domains (values of `key`) a pod may land in: every node's, or only those passing its node affinity. */
function eligibleDomains(pod: PodInfo, snapshot: ClusterSnapshot, key: string): Iterable<string> {
  if (pod.nodeSelector === undefined && pod.requiredNodeAffinity === undefined)
    return snapshot.domains(key).keys();
  const out = new Set<string>();
  for (const node of snapshot.nodes) {
    const v = node.labels[key];
    if (v === undefined) continue;
    if (pod.nodeSelector !== undefined && !pod.nodeSelector.matches(node.labels)) continue;
    if (pod.requiredNodeAffinity !== undefined && !pod.requiredNodeAffinity.matches(node.labels, node.name))
      continue;
    out.add(v);
  }
  return out;
}

interface PreparedConstraint {
  key: string;
  maxSkew: number;
  counter: TermCounter;
  /** Minimum matching pods over eligible domains (0 when fewer than minDomains domains exist). */
  min: number;
  self: number;
  domains: number;
}

function prepareConstraints(pod: PodInfo, snapshot: ClusterSnapshot, list: readonly SpreadConstraint[]) {
  return list.map((c): PreparedConstraint => {
    const counter = snapshot.counter([c.term]);
    const key = c.term.topologyKey;
    let min = Number.POSITIVE_INFINITY;
    let domains = 0;
    const counts = counter.counts[0]!;
    for (const v of eligibleDomains(pod, snapshot, key)) {
      domains++;
      const n = counts.get(v) ?? 0;
      if (n < min) min = n;
    }
    if (domains < c.minDomains || domains === 0) min = 0;
    return { key, maxSkew: c.maxSkew, counter, min, self: termMatches(c.term, pod) ? 1 : 0, domains };
  });
}

export const PodTopologySpread: FilterPlugin = {
  name: 'PodTopologySpread',
  prepare(pod, snapshot) {
    const hard = pod.spread.filter((c) => c.hard);
    if (hard.length === 0) return null;
    const prepared = prepareConstraints(pod, snapshot, hard);
    return (node: NodeInfo) => {
      for (let i = 0; i < prepared.length; i++) {
        const c = prepared[i]!;
        const v = node.labels[c.key];
        if (v === undefined) return MISSING_LABEL;
        const n = c.counter.counts[0]!.get(v) ?? 0;
        if (n + c.self - c.min > c.maxSkew) return NOT_MATCH;
      }
      return null;
    };
  },
};

/** ScheduleAnyway constraints: fewer matching pods in the node's domain is better, weighted by log(domains + 2). */
export const PodTopologySpreadScore: ScorePlugin = {
  name: 'PodTopologySpread',
  prepare(pod, snapshot): NodeScorer | null {
    const soft = pod.spread.filter((c) => !c.hard);
    if (soft.length === 0) return null;
    const prepared = prepareConstraints(pod, snapshot, soft).map((c) => ({
      ...c,
      weight: Math.log(c.domains + 2),
    }));
    return {
      score(node) {
        let s = 0;
        for (let i = 0; i < prepared.length; i++) {
          const c = prepared[i]!;
          const v = node.labels[c.key];
          if (v === undefined) continue;
          s += ((c.counter.counts[0]!.get(v) ?? 0) + c.maxSkew - 1) * c.weight;
        }
        return s;
      },
      normalize(scores, count) {
        let min = Number.POSITIVE_INFINITY;
        let max = 0;
        for (let i = 0; i < count; i++) {
          min = Math.min(min, scores[i]!);
          max = Math.max(max, scores[i]!);
        }
        for (let i = 0; i < count; i++) {
          scores[i] = max === 0 ? MAX_NODE_SCORE : (MAX_NODE_SCORE * (max + min - scores[i]!)) / max;
        }
      },
    };
  },
};
