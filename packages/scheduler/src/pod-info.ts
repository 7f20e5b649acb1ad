/**
 * The scheduler's compiled view of a pod: numbers for requests, compiled matchers for selectors and
 * affinity, interned term keys for topology counting. `compilePod` runs once per pod; every filter and
 * score reads only these fields on the hot path.
 */
import type { Affinity, PodAffinityTerm, Toleration, TopologySpreadConstraint } from './k8s-shapes.js';
import {
  compileEqualitySelector,
  compileLabelSelector,
  compileNodeSelector,
  compileNodeSelectorTerm,
  type LabelMatcher,
  type Labels,
  type NodeTermMatcher,
} from './selectors.js';

/** Kubernetes' defaults for scoring pods that request nothing (`schedutil.DefaultMilliCPURequest` …). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

export interface HostPort {
  port: number;
  /** TCP (default), UDP or SCTP. */
  protocol?: string;
  /** Default 0.0.0.0, which conflicts with every IP. */
  hostIP?: string;
}

/** Resource requests in scheduler units: cpu in millicores, memory in bytes, others as plain numbers. */
export interface ResourceList {
  cpu?: number;
  memory?: number;
  [extended: string]: number | undefined;
}

/** A pod as the scheduler needs it, with numeric requests. `podInputFromPod` builds it from a `Pod`. */
export interface PodInput {
  name: string;
  namespace?: string;
  /** Identity in the snapshot; defaults to `namespace/name`. */
  uid?: string;
  labels?: Record<string, string>;
  /** `spec.priority`; default 0. */
  priority?: number;
  requests?: ResourceList;
  hostPorts?: HostPort[];
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  affinity?: Affinity;
  tolerations?: Toleration[];
  topologySpreadConstraints?: TopologySpreadConstraint[];
}

/** A required or preferred pod (anti-)affinity term, with the key under which snapshots count it. */
export interface AffinityTerm {
  readonly namespaces: readonly string[];
  readonly selector: LabelMatcher;
  readonly topologyKey: string;
  /** Canonical identity: namespaces | selector | topologyKey. */
  readonly id: string;
}

export interface WeightedAffinityTerm {
  readonly weight: number;
  readonly term: AffinityTerm;
}

export interface SpreadConstraint {
  readonly maxSkew: number;
  readonly minDomains: number;
  readonly hard: boolean;
  readonly term: AffinityTerm;
}

export interface CompiledToleration {
  readonly key: string;
  readonly exists: boolean;
  readonly value: string;
  readonly effect: string;
}

export interface PodInfo {
  readonly uid: string;
  readonly name: string;
  readonly namespace: string;
  readonly labels: Labels;
  readonly priority: number;
  readonly cpu: number;
  readonly memory: number;
  /** Requests for scoring: zero cpu/memory replaced by Kubernetes' defaults. */
  readonly nonZeroCpu: number;
  readonly nonZeroMemory: number;
  /** Other resources as [name, amount] pairs (empty for most pods). */
  readonly scalar: readonly (readonly [string, number])[];
  readonly hostPorts: readonly Required<HostPort>[];
  readonly nodeName: string | undefined;
  readonly nodeSelector: LabelMatcher | undefined;
  readonly requiredNodeAffinity: NodeTermMatcher | undefined;
  readonly preferredNodeAffinity: readonly { readonly weight: number; readonly term: NodeTermMatcher }[];
  readonly tolerations: readonly CompiledToleration[];
  readonly requiredAffinity: readonly AffinityTerm[];
  readonly requiredAntiAffinity: readonly AffinityTerm[];
  readonly preferredAffinity: readonly WeightedAffinityTerm[];
  readonly preferredAntiAffinity: readonly WeightedAffinityTerm[];
  readonly spread: readonly SpreadConstraint[];
  /** The input it was compiled from. */
  readonly input: PodInput;
}

const EMPTY: readonly never[] = Object.freeze([]);

/** Shares one frozen empty array among all pods: a million pods must not carry a million empty lists. */
function orEmpty<T>(list: readonly T[] | undefined): readonly T[] {
  return list === undefined || list.length === 0 ? EMPTY : list;
}

function compileTerm(t: PodAffinityTerm, namespace: string, field: string): AffinityTerm {
  if (!t.topologyKey) throw new RangeError(`${field}.topologyKey: Required value: can not be empty`);
  const namespaces = t.namespaces && t.namespaces.length > 0 ? [...t.namespaces].sort() : [namespace];
  const selector = compileLabelSelector(t.labelSelector, `${field}.labelSelector`);
  return {
    namespaces,
    selector,
    topologyKey: t.topologyKey,
    id: `${namespaces.join(',')}|${selector.key}|${t.topologyKey}`,
  };
}

/** True when `pod` is in one of the term's namespaces and matches its selector. */
export function termMatches(term: AffinityTerm, pod: PodInfo): boolean {
  const ns = term.namespaces;
  return (
    (ns.length === 1 ? ns[0] === pod.namespace : ns.includes(pod.namespace)) &&
    term.selector.matches(pod.labels)
  );
}

/** Compiles a pod; throws a RangeError naming the field for malformed selectors or operators. */
export function compilePod(input: PodInput): PodInfo {
  const namespace = input.namespace ?? 'default';
  const cpu = input.requests?.cpu ?? 0;
  const memory = input.requests?.memory ?? 0;
  let scalar: [string, number][] | undefined;
  for (const k in input.requests) {
    const v = input.requests[k];
    if (k === 'cpu' || k === 'memory' || v === undefined || v === 0) continue;
    scalar ??= [];
    scalar.push([k, v]);
  }
  const aff = input.affinity;
  const na = aff?.nodeAffinity;
  const required = na?.requiredDuringSchedulingIgnoredDuringExecution;
  const base = 'spec.affinity';
  const terms = (list: PodAffinityTerm[] | undefined, field: string) =>
    (list ?? []).map((t, i) => compileTerm(t, namespace, `${field}[${i}]`));
  const weighted = (
    list: { weight: number; podAffinityTerm: PodAffinityTerm }[] | undefined,
    field: string,
  ) =>
    (list ?? []).map((w, i) => ({
      weight: w.weight,
      term: compileTerm(w.podAffinityTerm, namespace, `${field}[${i}].podAffinityTerm`),
    }));
  const spread = (input.topologySpreadConstraints ?? []).map((c, i): SpreadConstraint => {
    const field = `spec.topologySpreadConstraints[${i}]`;
    if (!(c.maxSkew >= 1))
      throw new RangeError(`${field}.maxSkew: Invalid value: ${c.maxSkew}: must be greater than zero`);
    if (c.whenUnsatisfiable !== 'DoNotSchedule' && c.whenUnsatisfiable !== 'ScheduleAnyway') {
      throw new RangeError(`${field}.whenUnsatisfiable: Unsupported value: "${c.whenUnsatisfiable}"`);
    }
    return {
      maxSkew: c.maxSkew,
      minDomains: c.minDomains ?? 1,
      hard: c.whenUnsatisfiable === 'DoNotSchedule',
      term: compileTerm({ labelSelector: c.labelSelector, topologyKey: c.topologyKey }, namespace, field),
    };
  });
  return {
    uid: input.uid ?? `${namespace}/${input.name}`,
    name: input.name,
    namespace,
    labels: input.labels ?? {},
    priority: input.priority ?? 0,
    cpu,
    memory,
    nonZeroCpu: cpu === 0 ? DEFAULT_MILLI_CPU_REQUEST : cpu,
    nonZeroMemory: memory === 0 ? DEFAULT_MEMORY_REQUEST : memory,
    scalar: orEmpty(scalar),
    hostPorts: orEmpty(
      input.hostPorts
        ?.filter((p) => p.port > 0)
        .map((p) => ({ port: p.port, protocol: p.protocol ?? 'TCP', hostIP: p.hostIP ?? '0.0.0.0' })),
    ),
    nodeName: input.nodeName || undefined,
    nodeSelector:
      input.nodeSelector && Object.keys(input.nodeSelector).length > 0
        ? compileEqualitySelector(input.nodeSelector)
        : undefined,
    requiredNodeAffinity: required
      ? compileNodeSelector(
          required.nodeSelectorTerms,
          `${base}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution`,
        )
      : undefined,
    preferredNodeAffinity: orEmpty(
      na?.preferredDuringSchedulingIgnoredDuringExecution?.map((p, i) => ({
        weight: p.weight,
        term: compileNodeSelectorTerm(
          p.preference,
          `${base}.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[${i}].preference`,
        ),
      })),
    ),
    tolerations: orEmpty(
      input.tolerations?.map((t) => ({
        key: t.key ?? '',
        exists: t.operator === 'Exists',
        value: t.value ?? '',
        effect: t.effect ?? '',
      })),
    ),
    requiredAffinity: terms(
      aff?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution,
      `${base}.podAffinity.requiredDuringSchedulingIgnoredDuringExecution`,
    ),
    requiredAntiAffinity: terms(
      aff?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution,
      `${base}.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution`,
    ),
    preferredAffinity: weighted(
      aff?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution,
      `${base}.podAffinity.preferredDuringSchedulingIgnoredDuringExecution`,
    ),
    preferredAntiAffinity: weighted(
      aff?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution,
      `${base}.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution`,
    ),
    spread: orEmpty(spread),
    input,
  };
}

/** Kubernetes' `TolerationsTolerateTaint`: does any toleration tolerate this taint? */
export function tolerates(
  tolerations: readonly CompiledToleration[],
  key: string,
  value: string,
  effect: string,
): boolean {
  for (let i = 0; i < tolerations.length; i++) {
    const t = tolerations[i]!;
    if (t.effect !== '' && t.effect !== effect) continue;
    if (t.key === '') {
      if (t.exists) return true; // empty key with Exists tolerates everything
      continue;
    }
    if (t.key !== key) continue;
    if (t.exists || t.value === value) return true;
  }
  return false;
}
