/**
 * Filter outcomes and the "0/N nodes are available: …" explanation (kube-scheduler `framework/interface.go`
 * codes and `FitError`). A filter returns `null` for Success, or a `Status` — usually a preallocated
 * constant, so that rejecting thousands of nodes allocates nothing.
 */

/** What the scheduler does with a filter result. */
export const Code = {
  /** The node passes this filter. */
  Success: 0,
  /** An internal error; the pod is retried with back-off, and preemption does not run. */
  Error: 1,
  /** The node does not fit now; preempting lower-priority pods on it might make it fit. */
  Unschedulable: 2,
  /** The node can never fit this pod (labels, taints, affinity): preemption skips it. */
  UnschedulableAndUnresolvable: 3,
} as const;
export type Code = (typeof Code)[keyof typeof Code];

export const CODE_NAMES = ['Success', 'Error', 'Unschedulable', 'UnschedulableAndUnresolvable'] as const;

export interface Status {
  readonly code: Code;
  /** One or more reasons, each counted per node in the explanation. */
  readonly reasons: readonly string[];
  /** The plugin that produced it (set by the framework when it records a failure). */
  readonly plugin?: string;
}

export function unschedulable(...reasons: string[]): Status {
  return Object.freeze({ code: Code.Unschedulable, reasons: Object.freeze(reasons) });
}

export function unresolvable(...reasons: string[]): Status {
  return Object.freeze({ code: Code.UnschedulableAndUnresolvable, reasons: Object.freeze(reasons) });
}

export function errorStatus(reason: string): Status {
  return Object.freeze({ code: Code.Error, reasons: Object.freeze([reason]) });
}

/** Per-reason node counts of one scheduling attempt, and the status each rejected node got. */
export class Diagnosis {
  readonly reasonCounts = new Map<string, number>();
  /** Node index → the code it was rejected with (only rejected nodes appear). */
  readonly nodeCodes = new Map<number, Code>();
  /** Names of the plugins that rejected at least one node. */
  readonly unschedulablePlugins = new Set<string>();

  record(nodeIndex: number, plugin: string, status: Status): void {
    this.nodeCodes.set(nodeIndex, status.code);
    this.unschedulablePlugins.add(plugin);
    for (const r of status.reasons) this.reasonCounts.set(r, (this.reasonCounts.get(r) ?? 0) + 1);
  }
}

/**
 * Kubernetes' FitError message: `0/5 nodes are available: 2 Insufficient cpu, 3 node(s) were unschedulable.`
 * Each reason is prefixed with its node count and the strings are sorted, as `sortReasonsHistogram` does
 * (so the order is lexicographic on "count reason").
 */
export function formatFitError(numAllNodes: number, reasonCounts: ReadonlyMap<string, number>): string {
  const parts: string[] = [];
  for (const [reason, count] of reasonCounts) parts.push(`${count} ${reason}`);
  parts.sort();
  const head = `0/${numAllNodes} nodes are available`;
  return parts.length === 0 ? `${head}.` : `${head}: ${parts.join(', ')}.`;
}
