/**
 * From Kubernetes objects to the scheduler's numeric inputs: a `Pod`'s effective requests (containers
 * summed, each init container as a floor, plus overhead — Kubernetes' `computePodResourceRequest`), host
 * ports, affinity, tolerations; a `Node`'s allocatable, labels, taints, cordon and Ready condition.
 */
import { jsonEqual } from '@flotilla/api';
import type { Node, Pod } from './k8s-shapes.js';
import { quantityToMilli, quantityToNumber } from './k8s-shapes.js';
import type { NodeInput } from './node-info.js';
import type { HostPort, PodInput, ResourceList } from './pod-info.js';

/** The parts of a Pod the scheduler reads (any `Pod` object qualifies). */
export type PodLike = Pick<Pod, 'metadata' | 'spec'>;
/** The parts of a Node the scheduler reads (any `Node` object qualifies). */
export type NodeLike = Pick<Node, 'metadata' | 'spec' | 'status'>;

function amount(resource: string, q: string | number, field: string): number {
  try {
    if (resource === 'cpu') return quantityToMilli(q);
    return Math.ceil(quantityToNumber(q));
  } catch (e) {
    throw new RangeError(`${field}: Invalid value: "${q}": ${(e as Error).message}`);
  }
}

function toList(map: Record<string, string | number> | undefined, field: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(map ?? {})) out[k] = amount(k, v, `${field}[${k}]`);
  return out;
}

/** Effective pod requests: max(sum of containers, each init container) + overhead, per resource. */
export function podRequests(pod: PodLike): ResourceList {
  const spec = pod.spec;
  const total: Record<string, number> = {};
  (spec?.containers ?? []).forEach((c, i) => {
    for (const [k, v] of Object.entries(
      toList(c.resources?.requests, `spec.containers[${i}].resources.requests`),
    )) {
      total[k] = (total[k] ?? 0) + v;
    }
  });
  (spec?.initContainers ?? []).forEach((c, i) => {
    for (const [k, v] of Object.entries(
      toList(c.resources?.requests, `spec.initContainers[${i}].resources.requests`),
    )) {
      total[k] = Math.max(total[k] ?? 0, v);
    }
  });
  for (const [k, v] of Object.entries(toList(spec?.overhead, 'spec.overhead')))
    total[k] = (total[k] ?? 0) + v;
  return total;
}

export function podInputFromPod(pod: PodLike): PodInput {
  const meta = pod.metadata ?? {};
  const spec = pod.spec;
  const hostPorts: HostPort[] = [];
  for (const c of [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])]) {
    for (const p of c.ports ?? []) {
      if (p.hostPort !== undefined && p.hostPort > 0) {
        hostPorts.push({ port: p.hostPort, protocol: p.protocol ?? 'TCP', hostIP: p.hostIP || '0.0.0.0' });
      }
    }
  }
  const input: PodInput = {
    name: meta.name ?? '',
    namespace: meta.namespace ?? 'default',
    labels: meta.labels ?? {},
    priority: spec?.priority ?? 0,
    requests: podRequests(pod),
    hostPorts,
  };
  if (meta.uid) input.uid = meta.uid;
  if (spec?.nodeName) input.nodeName = spec.nodeName;
  if (spec?.nodeSelector) input.nodeSelector = spec.nodeSelector;
  if (spec?.affinity) input.affinity = spec.affinity;
  if (spec?.tolerations) input.tolerations = spec.tolerations;
  if (spec?.topologySpreadConstraints) input.topologySpreadConstraints = spec.topologySpreadConstraints;
  return input;
}

/** What `podInputFromPod` reads of a pod: its name, namespace, uid, labels and spec. */
export interface PodInputSource {
  readonly name: string | undefined;
  readonly namespace: string | undefined;
  readonly uid: string | undefined;
  readonly labels: unknown;
  readonly spec: unknown;
}

/** The parts of `pod` its scheduling input comes from (references: nothing is copied). */
export function podInputSource(pod: PodLike): PodInputSource {
  const meta = pod.metadata ?? {};
  return { name: meta.name, namespace: meta.namespace, uid: meta.uid, labels: meta.labels, spec: pod.spec };
}

/**
 * True when `podInputFromPod(pod)` equals the input compiled from `source`, `nodeName` aside (it
 * matters only to the pod being scheduled, not to one accounted on a node). A status update (most
 * pod updates) or the binding itself changes nothing else.
 */
export function samePodInput(source: PodInputSource, pod: PodLike): boolean {
  const meta = pod.metadata ?? {};
  return (
    source.name === meta.name &&
    source.namespace === meta.namespace &&
    source.uid === meta.uid &&
    jsonEqual(source.labels ?? {}, meta.labels ?? {}) &&
    jsonEqual(
      { ...(source.spec as object | undefined), nodeName: undefined },
      { ...pod.spec, nodeName: undefined },
    )
  );
}

/**
 * `status.allocatable` (falling back to `status.capacity`); a missing resource is 0, as in Kubernetes.
 * A node without a Ready condition counts as ready (nothing has judged it yet); one whose Ready
 * condition is not `True` does not.
 */
export function nodeInputFromNode(node: NodeLike): NodeInput {
  const meta = node.metadata ?? {};
  const alloc = toList(node.status?.allocatable ?? node.status?.capacity, 'status.allocatable');
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  const { cpu = 0, memory = 0, pods = 0, ...rest } = alloc;
  return {
    name: meta.name ?? '',
    labels: meta.labels ?? {},
    taints: node.spec?.taints ?? [],
    allocatable: { ...rest, cpu, memory, pods },
    unschedulable: node.spec?.unschedulable ?? false,
    ready: ready === undefined || ready.status === 'True',
  };
}
