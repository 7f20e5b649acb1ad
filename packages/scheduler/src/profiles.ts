/**
 * Built-in profiles. Filter order follows kube-scheduler's default plugin order, so that the first
 * failing filter — the one a node is counted under in the explanation — is the same.
 */
import { createProfile, type FilterPlugin, type Profile } from './framework.js';
import { InterPodAffinity, InterPodAffinityScore } from './plugins/inter-pod-affinity.js';
import {
  NodeAffinity,
  NodeAffinityScore,
  NodeName,
  NodeReady,
  NodeUnschedulable,
  TaintToleration,
  TaintTolerationScore,
} from './plugins/node.js';
import {
  BalancedAllocation,
  LeastAllocated,
  MostAllocated,
  NodePorts,
  NodeResourcesFit,
} from './plugins/resources.js';
import { PodTopologySpread, PodTopologySpreadScore } from './plugins/topology-spread.js';

/** Every built-in filter, in kube-scheduler's order. */
export const DEFAULT_FILTERS: readonly FilterPlugin[] = Object.freeze([
  NodeUnschedulable,
  NodeReady,
  NodeName,
  TaintToleration,
  NodeAffinity,
  NodePorts,
  NodeResourcesFit,
  PodTopologySpread,
  InterPodAffinity,
]);

export interface BuiltinProfileOptions {
  /** 0 (default): Kubernetes' adaptive sampling; 100: filter every node and score every feasible one. */
  percentageOfNodesToScore?: number;
}

/** Kubernetes' default profile: LeastAllocated with the default score weights. */
export function spreadProfile(options: BuiltinProfileOptions = {}): Profile {
  return createProfile({
    name: 'spread',
    filters: DEFAULT_FILTERS,
    scores: [
      { plugin: TaintTolerationScore, weight: 3 },
      { plugin: NodeAffinityScore, weight: 2 },
      { plugin: PodTopologySpreadScore, weight: 2 },
      { plugin: InterPodAffinityScore, weight: 2 },
      { plugin: LeastAllocated, weight: 1 },
      { plugin: BalancedAllocation, weight: 1 },
    ],
    ...options,
  });
}

/**
 * Bin packing, as Nomad's and ECS's default: MostAllocated outweighs the placement preferences so that a
 * pod opens a new node only when no used node fits it. No BalancedAllocation (it would pull pods apart).
 */
export function binpackProfile(options: BuiltinProfileOptions = {}): Profile {
  return createProfile({
    name: 'binpack',
    filters: DEFAULT_FILTERS,
    scores: [
      { plugin: TaintTolerationScore, weight: 3 },
      { plugin: NodeAffinityScore, weight: 2 },
      { plugin: PodTopologySpreadScore, weight: 2 },
      { plugin: InterPodAffinityScore, weight: 2 },
      { plugin: MostAllocated, weight: 10 },
    ],
    ...options,
  });
}

/** Every filter, no scores: a uniformly random feasible node among those found (ties broken by the seeded Random). */
export function randomProfile(options: BuiltinProfileOptions = {}): Profile {
  return createProfile({ name: 'random', filters: DEFAULT_FILTERS, scores: [], ...options });
}

export type BuiltinProfileName = 'spread' | 'binpack' | 'random';

export function builtinProfile(name: BuiltinProfileName, options: BuiltinProfileOptions = {}): Profile {
  switch (name) {
    case 'spread':
      return spreadProfile(options);
    case 'binpack':
      return binpackProfile(options);
    case 'random':
      return randomProfile(options);
  }
}
