/**
 * InterPodAffinity: required pod affinity and anti-affinity (filter) and preferred terms (score), by
 * topology key, read from the snapshot's per-domain counters — no pod is scanned while scheduling.
 */
import { type FilterPlugin, MAX_NODE_SCORE, type NodeScorer, type ScorePlugin } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import { termMatches } from '../pod-info.js';
import { type Status, unresolvable, unschedulable } from '../status.js';
import type { TermCounter } from '../topology.js';

export const ErrReasonExistingAntiAffinityRulesNotMatch =
  "node(s) didn't satisfy existing pods anti-affinity rules";
export const ErrReasonAffinityRulesNotMatch = "node(s) didn't match pod affinity rules";
export const ErrReasonAntiAffinityRulesNotMatch = "node(s) didn't match pod anti-affinity rules";

const AFFINITY = unresolvable(ErrReasonAffinityRulesNotMatch);
const ANTI_AFFINITY = unschedulable(ErrReasonAntiAffinityRulesNotMatch);
const EXISTING_ANTI_AFFINITY = unschedulable(ErrReasonExistingAntiAffinityRulesNotMatch);

export const InterPodAffinity: FilterPlugin = {
  name: 'InterPodAffinity',
  prepare(pod, snapshot) {
    // Domains where a bound pod's required anti-affinity term matches this pod.
    const forbidden: { key: string; counts: Map<string, number> }[] = [];
    if (snapshot.hasExistingAntiAffinity) {
      snapshot.forExistingAntiAffinityMatching(pod, (t) => {
        forbidden.push({ key: t.term.topologyKey, counts: t.counts });
      });
    }
    let affinity: TermCounter | undefined;
    if (pod.requiredAffinity.length > 0) {
      affinity = snapshot.counter(pod.requiredAffinity);
      if (affinity.counts.every((m) => m.size === 0)) {
        // The first pod of a group that selects itself may go anywhere (Kubernetes' special case).
        if (!pod.requiredAffinity.every((t) => termMatches(t, pod))) return () => AFFINITY;
        affinity = undefined;
      }
    }
    const anti = pod.requiredAntiAffinity.map((t) => snapshot.counter([t]));
    if (affinity === undefined && anti.length === 0 && forbidden.length === 0) return null;
    return (node: NodeInfo): Status | null => {
      const labels = node.labels;
      if (affinity !== undefined) {
        for (let i = 0; i < affinity.terms.length; i++)
          if (affinity.countIn(i, labels) === 0) return AFFINITY;
      }
      for (let i = 0; i < anti.length; i++) if (anti[i]!.countIn(0, labels) > 0) return ANTI_AFFINITY;
      for (let i = 0; i < forbidden.length; i++) {
        const f = forbidden[i]!;
        const v = labels[f.key];
        if (v !== undefined && (f.counts.get(v) ?? 0) > 0) return EXISTING_ANTI_AFFINITY;
      }
      return null;
    };
  },
};

/** Preferred pod affinity adds weight × matching pods in the node's domain; anti-affinity subtracts. Min–max normalised. */
export const InterPodAffinityScore: ScorePlugin = {
  name: 'InterPodAffinity',
  prepare(pod, snapshot): NodeScorer | null {
    if (pod.preferredAffinity.length === 0 && pod.preferredAntiAffinity.length === 0) return null;
    const parts = [
      ...pod.preferredAffinity.map((w) => ({ weight: w.weight, counter: snapshot.counter([w.term]) })),
      ...pod.preferredAntiAffinity.map((w) => ({ weight: -w.weight, counter: snapshot.counter([w.term]) })),
    ].filter((p) => p.counter.total > 0);
    if (parts.length === 0) return null;
    return {
      score(node) {
        let s = 0;
        for (let i = 0; i < parts.length; i++)
          s += parts[i]!.weight * parts[i]!.counter.countIn(0, node.labels);
        return s;
      },
      normalize(scores, count) {
        let min = Number.POSITIVE_INFINITY;
        let max = Number.NEGATIVE_INFINITY;
        for (let i = 0; i < count; i++) {
          min = Math.min(min, scores[i]!);
          max = Math.max(max, scores[i]!);
        }
        const diff = max - min;
        for (let i = 0; i < count; i++)
          scores[i] = diff > 0 ? (MAX_NODE_SCORE * (scores[i]! - min)) / diff : 0;
      },
    };
  },
};
