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
  /** Node slot → domain id (-1: the node lacks the key). */
  ids: readonly number[];
  /** Domain id → matching pods there. */
  counts: Float64Array;
  maxSkew: number;
  /** Minimum matching pods over eligible domains (0 when fewer than minDomains domains exist). */
  min: number;
  self: number;
  domains: number;
}

function prepareConstraints(pod: PodInfo, snapshot: ClusterSnapshot, list: readonly SpreadConstraint[]) {
  return list.map((c): PreparedConstraint => {
    const counter = snapshot.counter([c.term]);
    const key = c.term.topologyKey;
    const topology = snapshot.topology(key);
    const byValue = counter.counts[0]!;
    const counts = new Float64Array(topology.values.length);
    for (let id = 0; id < counts.length; id++) counts[id] = byValue.get(topology.values[id]!) ?? 0;
    let min = Number.POSITIVE_INFINITY;
    let domains = 0;
    for (const v of eligibleDomains(pod, snapshot, key)) {
      domains++;
      const n = byValue.get(v) ?? 0;
      if (n < min) min = n;
    }
    if (domains < c.minDomains || domains === 0) min = 0;
    return {
      ids: topology.ids,
      counts,
      maxSkew: c.maxSkew,
      min,
      self: termMatches(c.term, pod) ? 1 : 0,
      domains,
    };
  });
}

export const PodTopologySpread: FilterPlugin = {
  name: 'PodTopologySpread',
  prepare(pod, snapshot) {
    const hard = pod.spread.filter((c) => c.hard);
    if (hard.length === 0) return null;
    // Per constraint, per domain: may one more matching pod go there?
    const checks = prepareConstraints(pod, snapshot, hard).map((c) => {
      const allowed = new Uint8Array(c.counts.length);
      for (let id = 0; id < allowed.length; id++)
        allowed[id] = c.counts[id]! + c.self - c.min > c.maxSkew ? 0 : 1;
      return { ids: c.ids, allowed };
    });
    return (node: NodeInfo) => {
      for (let i = 0; i < checks.length; i++) {
        const c = checks[i]!;
        const id = c.ids[node.index] ?? -1;
        if (id < 0) return MISSING_LABEL;
        if (c.allowed[id] === 0) return NOT_MATCH;
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
    const prepared = prepareConstraints(pod, snapshot, soft).map((c) => {
      const weight = Math.log(c.domains + 2);
      const byDomain = c.counts.map((n) => (n + c.maxSkew - 1) * weight);
      return { ids: c.ids, byDomain };
    });
    return {
      score(node) {
        let s = 0;
        for (let i = 0; i < prepared.length; i++) {
          const c = prepared[i]!;
          const id = c.ids[node.index] ?? -1;
          if (id >= 0) s += c.byDomain[id]!;
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
