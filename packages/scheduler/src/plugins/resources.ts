/**
 * NodeResourcesFit (filter; LeastAllocated and MostAllocated scoring strategies),
 * NodeResourcesBalancedAllocation and NodePorts.
 */
import {
  type FilterPlugin,
  MAX_NODE_SCORE,
  type NodeFilter,
  type NodeScorer,
  type ScorePlugin,
} from '../framework.js';
import type { NodeInfo } from '../node-info.js';
import { type Status, unschedulable } from '../status.js';

export const ErrReasonTooManyPods = 'Too many pods';
export const ErrReasonNodePorts = "node(s) didn't have free ports for the requested pod ports";

/** `Insufficient <resource>` as NodeResourcesFit reports it. */
export function insufficientReason(resource: string): string {
  return `Insufficient ${resource}`;
}

// Statuses for every combination of (pods, cpu, memory) failures, built once. Bit 0 pods, 1 cpu, 2 memory.
const FIT_STATUSES: Status[] = [];
for (let mask = 0; mask < 8; mask++) {
  const reasons: string[] = [];
  if (mask & 1) reasons.push(ErrReasonTooManyPods);
  if (mask & 2) reasons.push(insufficientReason('cpu'));
  if (mask & 4) reasons.push(insufficientReason('memory'));
  FIT_STATUSES.push(unschedulable(...reasons));
}

/** Requests of the pod plus what is already requested must not exceed allocatable, per resource. */
export const NodeResourcesFit: FilterPlugin = {
  name: 'NodeResourcesFit',
  prepare(pod): NodeFilter {
    const cpu = pod.cpu;
    const memory = pod.memory;
    const scalar = pod.scalar;
    return (node) => {
      let mask = 0;
      if (node.podCount + 1 > node.allocPods) mask |= 1;
      if (cpu > 0 && cpu > node.allocCpu - node.reqCpu) mask |= 2;
      if (memory > 0 && memory > node.allocMemory - node.reqMemory) mask |= 4;
      if (scalar.length === 0) return mask === 0 ? null : FIT_STATUSES[mask]!;
      const missing: string[] = [];
      for (const [name, amount] of scalar) {
        const free = (node.allocScalar?.get(name) ?? 0) - (node.reqScalar?.get(name) ?? 0);
        if (amount > free) missing.push(insufficientReason(name));
      }
      if (mask === 0 && missing.length === 0) return null;
      return unschedulable(...FIT_STATUSES[mask]!.reasons, ...missing);
    };
  },
};

/** Rejects nodes where one of the pod's host ports (same protocol and port, overlapping IP) is taken. */
export const NodePorts: FilterPlugin = {
  name: 'NodePorts',
  prepare(pod) {
    const ports = pod.hostPorts;
    if (ports.length === 0) return null;
    const status = unschedulable(ErrReasonNodePorts);
    return (node) => {
      if (node.usedPorts === undefined) return null;
      for (const p of ports) if (node.portConflicts(p)) return status;
      return null;
    };
  },
};

function leastFraction(requested: number, capacity: number): number {
  return capacity === 0 || requested > capacity ? 0 : ((capacity - requested) * MAX_NODE_SCORE) / capacity;
}

function mostFraction(requested: number, capacity: number): number {
  return capacity === 0 ? 0 : (Math.min(requested, capacity) * MAX_NODE_SCORE) / capacity;
}

/** NodeResourcesFit, LeastAllocated strategy (Kubernetes' default): the emptier the node, the better. */
export const LeastAllocated: ScorePlugin = {
  name: 'NodeResourcesFit',
  prepare(pod): NodeScorer {
    const cpu = pod.nonZeroCpu;
    const mem = pod.nonZeroMemory;
    const score = (n: NodeInfo) =>
      (leastFraction(n.nonZeroCpu + cpu, n.allocCpu) + leastFraction(n.nonZeroMemory + mem, n.allocMemory)) /
      2;
    return {
      score,
      scoreAll(nodes, count, out) {
        for (let i = 0; i < count; i++) {
          const n = nodes[i]!;
          out[i] =
            (leastFraction(n.nonZeroCpu + cpu, n.allocCpu) +
              leastFraction(n.nonZeroMemory + mem, n.allocMemory)) /
            2;
        }
      },
    };
  },
};

/** NodeResourcesFit, MostAllocated strategy (bin packing): the fuller the node, the better. */
export const MostAllocated: ScorePlugin = {
  name: 'NodeResourcesFit',
  prepare(pod): NodeScorer {
    const cpu = pod.nonZeroCpu;
    const mem = pod.nonZeroMemory;
    const score = (n: NodeInfo) =>
      (mostFraction(n.nonZeroCpu + cpu, n.allocCpu) + mostFraction(n.nonZeroMemory + mem, n.allocMemory)) / 2;
    return {
      score,
      scoreAll(nodes, count, out) {
        for (let i = 0; i < count; i++) {
          const n = nodes[i]!;
          out[i] =
            (mostFraction(n.nonZeroCpu + cpu, n.allocCpu) +
              mostFraction(n.nonZeroMemory + mem, n.allocMemory)) /
            2;
        }
      },
    };
  },
};

function balanced(n: NodeInfo, cpu: number, mem: number): number {
  let fc = n.allocCpu === 0 ? 1 : (n.nonZeroCpu + cpu) / n.allocCpu;
  let fm = n.allocMemory === 0 ? 1 : (n.nonZeroMemory + mem) / n.allocMemory;
  if (fc > 1) fc = 1;
  if (fm > 1) fm = 1;
  // The standard deviation of two fractions is half their difference.
  const d = fc > fm ? fc - fm : fm - fc;
  return (1 - d / 2) * MAX_NODE_SCORE;
}

/** NodeResourcesBalancedAllocation: prefers nodes whose cpu and memory fractions stay close. */
export const BalancedAllocation: ScorePlugin = {
  name: 'NodeResourcesBalancedAllocation',
  prepare(pod): NodeScorer {
    const cpu = pod.nonZeroCpu;
    const mem = pod.nonZeroMemory;
    return {
      score: (n) => balanced(n, cpu, mem),
      scoreAll(nodes, count, out) {
        for (let i = 0; i < count; i++) out[i] = balanced(nodes[i]!, cpu, mem);
      },
    };
  },
};
