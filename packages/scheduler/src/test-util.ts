/** Builders shared by this package's tests (not exported from the package). */
import type { FilterPlugin, ScorePlugin } from './framework.js';
import type { NodeInput } from './node-info.js';
import { compilePod, type PodInfo, type PodInput } from './pod-info.js';
import { ClusterSnapshot } from './snapshot.js';
import type { Status } from './status.js';

export const GiB = 1024 ** 3;
export const MiB = 1024 ** 2;

export function node(name: string, extra: Partial<NodeInput> = {}): NodeInput {
  return {
    name,
    labels: { 'kubernetes.io/hostname': name },
    allocatable: { cpu: 4000, memory: 8 * GiB, pods: 110 },
    ...extra,
  };
}

export function pod(name: string, extra: Partial<PodInput> = {}): PodInfo {
  return compilePod({ name, ...extra });
}

export function snapshotOf(nodes: NodeInput[], bound: [PodInfo, string][] = []): ClusterSnapshot {
  const s = new ClusterSnapshot(nodes);
  for (const [p, n] of bound) s.bind(p, n);
  return s;
}

/** Runs one filter plugin for `p` against the named node; `null` is Success (including Skip). */
export function runFilter(
  plugin: FilterPlugin,
  p: PodInfo,
  s: ClusterSnapshot,
  nodeName: string,
): Status | null {
  const fn = plugin.prepare(p, s);
  return fn === null ? null : fn(s.node(nodeName)!);
}

/** Raw and normalised scores of one score plugin over the given nodes (null when it skips). */
export function runScore(plugin: ScorePlugin, p: PodInfo, s: ClusterSnapshot, names: string[]) {
  const scorer = plugin.prepare(p, s);
  if (scorer === null) return null;
  const raw = names.map((n) => scorer.score(s.node(n)!));
  const norm = Float64Array.from(raw);
  scorer.normalize?.(norm, norm.length);
  return { raw, normalized: [...norm] };
}
