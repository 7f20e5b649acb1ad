/**
 * Node-level filters and scores: NodeUnschedulable, NodeReady, NodeName, NodeAffinity (nodeSelector and
 * node affinity, required and preferred) and TaintToleration. Reason strings are kube-scheduler's.
 */
import { type FilterPlugin, MAX_NODE_SCORE, type NodeScorer, type ScorePlugin } from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import { tolerates } from '../pod-info.js';
import { type Status, unresolvable } from '../status.js';

export const ErrReasonUnschedulable = 'node(s) were unschedulable';
export const ErrReasonNodeName = "node(s) didn't match the requested node name";
export const ErrReasonPodNodeAffinity = "node(s) didn't match Pod's node affinity/selector";
export const TaintNodeUnschedulable = 'node.kubernetes.io/unschedulable';
export const TaintNodeNotReady = 'node.kubernetes.io/not-ready';

/** `node(s) had untolerated taint {key: value}`, as TaintToleration reports it. */
export function untoleratedTaintReason(key: string, value: string | undefined): string {
  return `node(s) had untolerated taint {${key}: ${value ?? ''}}`;
}

const UNSCHEDULABLE = unresolvable(ErrReasonUnschedulable);
const NODE_NAME = unresolvable(ErrReasonNodeName);
const NODE_AFFINITY = unresolvable(ErrReasonPodNodeAffinity);
const NOT_READY = unresolvable(untoleratedTaintReason(TaintNodeNotReady, ''));

/** Rejects cordoned nodes unless the pod tolerates `node.kubernetes.io/unschedulable:NoSchedule`. */
export const NodeUnschedulable: FilterPlugin = {
  name: 'NodeUnschedulable',
  prepare(pod, snapshot) {
    if (snapshot.flagged.unschedulable === 0) return null;
    if (tolerates(pod.tolerations, TaintNodeUnschedulable, '', 'NoSchedule')) return null;
    return (node) => (node.unschedulable ? UNSCHEDULABLE : null);
  },
};

/**
 * Rejects nodes whose Ready condition is not True, unless the pod tolerates
 * `node.kubernetes.io/not-ready:NoSchedule`. Kubernetes gets the same effect from the taint its node
 * lifecycle controller puts on such nodes, so the reason is that taint's.
 */
export const NodeReady: FilterPlugin = {
  name: 'NodeReady',
  prepare(pod, snapshot) {
    if (snapshot.flagged.notReady === 0) return null;
    if (tolerates(pod.tolerations, TaintNodeNotReady, '', 'NoSchedule')) return null;
    return (node) => (node.ready ? null : NOT_READY);
  },
};

/** A pod with `spec.nodeName` fits only that node. */
export const NodeName: FilterPlugin = {
  name: 'NodeName',
  prepare(pod) {
    const want = pod.nodeName;
    if (want === undefined) return null;
    return (node) => (node.name === want ? null : NODE_NAME);
  },
};

/** `spec.nodeSelector` and required node affinity (all operators; terms ORed, expressions ANDed). */
export const NodeAffinity: FilterPlugin = {
  name: 'NodeAffinity',
  prepare(pod) {
    const sel = pod.nodeSelector;
    const req = pod.requiredNodeAffinity;
    if (sel === undefined && req === undefined) return null;
    return (node) => {
      if (sel !== undefined && !sel.matches(node.labels)) return NODE_AFFINITY;
      if (req !== undefined && !req.matches(node.labels, node.name)) return NODE_AFFINITY;
      return null;
    };
  },
};

/** Rejects nodes with a NoSchedule or NoExecute taint the pod does not tolerate (the first one is reported). */
export const TaintToleration: FilterPlugin = {
  name: 'TaintToleration',
  prepare(pod, snapshot) {
    if (snapshot.flagged.hardTainted === 0) return null;
    const tolerations = pod.tolerations;
    return (node: NodeInfo): Status | null => {
      const taints = node.hardTaints;
      for (let i = 0; i < taints.length; i++) {
        const t = taints[i]!;
        if (!tolerates(tolerations, t.key, t.value ?? '', t.effect)) return taintStatus(t.key, t.value);
      }
      return null;
    };
  },
};

const taintStatuses = new Map<string, Status>();
function taintStatus(key: string, value: string | undefined): Status {
  const reason = untoleratedTaintReason(key, value);
  let s = taintStatuses.get(reason);
  if (s === undefined) {
    s = unresolvable(reason);
    if (taintStatuses.size < 10_000) taintStatuses.set(reason, s);
  }
  return s;
}

/** Kubernetes' `DefaultNormalizeScore`: scale to 0–100 by the maximum; `reverse` flips (fewer is better). */
export function defaultNormalize(scores: Float64Array, count: number, reverse: boolean): void {
  let max = 0;
  for (let i = 0; i < count; i++) if (scores[i]! > max) max = scores[i]!;
  if (max === 0) {
    if (reverse) scores.fill(MAX_NODE_SCORE, 0, count);
    return;
  }
  for (let i = 0; i < count; i++) {
    const s = (MAX_NODE_SCORE * scores[i]!) / max;
    scores[i] = reverse ? MAX_NODE_SCORE - s : s;
  }
}

/** Preferred node affinity: the sum of the weights of matching terms, normalised by the best node. */
export const NodeAffinityScore: ScorePlugin = {
  name: 'NodeAffinity',
  prepare(pod): NodeScorer | null {
    const terms = pod.preferredNodeAffinity;
    if (terms.length === 0) return null;
    return {
      score(node) {
        let s = 0;
        for (let i = 0; i < terms.length; i++)
          if (terms[i]!.term.matches(node.labels, node.name)) s += terms[i]!.weight;
        return s;
      },
      normalize: (scores, count) => defaultNormalize(scores, count, false),
    };
  },
};

/** PreferNoSchedule taints the pod does not tolerate, counted; fewer is better. */
export const TaintTolerationScore: ScorePlugin = {
  name: 'TaintToleration',
  prepare(pod, snapshot): NodeScorer | null {
    // Without PreferNoSchedule taints every node would score the same: skip.
    if (snapshot.flagged.softTainted === 0) return null;
    const tolerations = pod.tolerations.filter((t) => t.effect === '' || t.effect === 'PreferNoSchedule');
    return {
      score(node) {
        const taints = node.softTaints;
        let n = 0;
        for (let i = 0; i < taints.length; i++) {
          const t = taints[i]!;
          if (!tolerates(tolerations, t.key, t.value ?? '', t.effect)) n++;
        }
        return n;
      },
      normalize: (scores, count) => defaultNormalize(scores, count, true),
    };
  },
};
