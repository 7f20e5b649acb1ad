/**
 * The plugin framework: filter and score plugins, and profiles that order and weight them
 * (kube-scheduler's `framework/interface.go`, reduced to the extension points a pure core needs).
 *
 * - `prepare` is PreFilter / PreScore: it runs once per pod and returns the per-node function, or `null`
 *   to Skip the plugin for this pod (e.g. NodePorts for a pod without host ports). Expensive per-pod work
 *   (compiling, looking up topology counters) belongs there, never in the per-node function.
 * - A node filter returns `null` for Success or a `Status` (preallocate constant statuses: thousands of
 *   nodes may be rejected per pod). Filters run in profile order; the first failure decides the node.
 * - A node scorer returns a raw score; `normalize` (NormalizeScore) then maps the scores of this cycle to
 *   0–100 in place. Scorers without `normalize` must already return 0–100. The framework multiplies by the
 *   weight and sums.
 * - Plugins must read the node only through the `NodeInfo` passed in and must not mutate the snapshot.
 */
import type { NodeInfo } from './node-info.js';
import type { PodInfo } from './pod-info.js';
import type { ClusterSnapshot } from './snapshot.js';
import type { Status } from './status.js';

export const MAX_NODE_SCORE = 100;

export type NodeFilter = (node: NodeInfo) => Status | null;

export interface FilterPlugin {
  readonly name: string;
  prepare(pod: PodInfo, snapshot: ClusterSnapshot): NodeFilter | null;
}

export interface NodeScorer {
  score(node: NodeInfo): number;
  /**
   * Optional batch form of `score`: writes the raw scores of `nodes[0..count)` into `out`. The framework
   * prefers it; one call per cycle keeps the per-node loop inside the plugin monomorphic and fast.
   */
  scoreAll?(nodes: readonly NodeInfo[], count: number, out: Float64Array): void;
  /** Maps `scores[0..count)` (this cycle's raw scores, in node order) to 0–100 in place. */
  normalize?(scores: Float64Array, count: number): void;
}

export interface ScorePlugin {
  readonly name: string;
  prepare(pod: PodInfo, snapshot: ClusterSnapshot): NodeScorer | null;
}

export interface WeightedScorePlugin {
  readonly plugin: ScorePlugin;
  readonly weight: number;
}

/** A named, ordered set of plugins and the sampling setting (a kube-scheduler profile). */
export interface Profile {
  readonly name: string;
  readonly filters: readonly FilterPlugin[];
  readonly scores: readonly WeightedScorePlugin[];
  /**
   * Kubernetes' `percentageOfNodesToScore`: 0 (default) is the adaptive formula, 100 disables sampling so
   * that every node is filtered and every feasible node is scored.
   */
  readonly percentageOfNodesToScore: number;
}

export interface ProfileOptions {
  name: string;
  filters?: readonly FilterPlugin[];
  scores?: readonly WeightedScorePlugin[];
  percentageOfNodesToScore?: number;
}

export function createProfile(options: ProfileOptions): Profile {
  const pct = options.percentageOfNodesToScore ?? 0;
  if (!(pct >= 0 && pct <= 100)) {
    throw new RangeError(`percentageOfNodesToScore: Invalid value: ${pct}: not in valid range [0-100]`);
  }
  const names = new Set<string>();
  for (const p of [...(options.filters ?? []), ...(options.scores ?? []).map((s) => s.plugin)]) {
    if (!p.name) throw new RangeError('plugins[].name: Required value');
  }
  for (const s of options.scores ?? []) {
    if (!(s.weight > 0))
      throw new RangeError(`plugins.score[${s.plugin.name}].weight: Invalid value: ${s.weight}: must be > 0`);
    if (names.has(s.plugin.name)) throw new RangeError(`plugins.score: Duplicate value: "${s.plugin.name}"`);
    names.add(s.plugin.name);
  }
  return Object.freeze({
    name: options.name,
    filters: Object.freeze([...(options.filters ?? [])]),
    scores: Object.freeze([...(options.scores ?? [])]),
    percentageOfNodesToScore: pct,
  });
}

/** A copy of `base` with user plugins added (filters after the built-in ones) and/or settings changed. */
export function extendProfile(
  base: Profile,
  extra: Partial<Omit<ProfileOptions, 'filters' | 'scores'>> & {
    filters?: readonly FilterPlugin[];
    scores?: readonly WeightedScorePlugin[];
  },
): Profile {
  return createProfile({
    name: extra.name ?? base.name,
    filters: [...base.filters, ...(extra.filters ?? [])],
    scores: [...base.scores, ...(extra.scores ?? [])],
    percentageOfNodesToScore: extra.percentageOfNodesToScore ?? base.percentageOfNodesToScore,
  });
}
