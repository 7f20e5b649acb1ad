/**
 * One node in a `ClusterSnapshot`: allocatable and requested totals as plain numeric fields (one object
 * per node, allocated once and updated in place as pods bind and leave), its labels and taints, and the
 * pods bound to it.
 */
import type { Taint } from './k8s-shapes.js';
import type { PodInfo } from './pod-info.js';
import type { Labels } from './selectors.js';

/** A node as the scheduler needs it: cpu in millicores, memory in bytes, pods as a count. */
export interface NodeInput {
  name: string;
  labels?: Record<string, string>;
  taints?: Taint[];
  allocatable: { cpu: number; memory: number; pods: number; [extended: string]: number };
  /** `spec.unschedulable` (cordoned). */
  unschedulable?: boolean;
  /** The `Ready` condition is `True`; default true. */
  ready?: boolean;
}

export class NodeInfo {
  /** Stable slot in the snapshot, reused only after the node is removed. */
  readonly index: number;
  name: string;
  labels: Labels;
  taints: readonly Taint[];
  /** Taints with effect NoSchedule or NoExecute, checked by the TaintToleration filter. */
  hardTaints: readonly Taint[];
  /** Taints with effect PreferNoSchedule, counted by the TaintToleration score. */
  softTaints: readonly Taint[];
  unschedulable: boolean;
  ready: boolean;
  allocCpu = 0;
  allocMemory = 0;
  allocPods = 0;
  /** Allocatable extended resources; undefined when the node has none. */
  allocScalar: Map<string, number> | undefined;
  /** `pods.length`, kept as a field so the fit check reads no array. */
  podCount = 0;
  reqCpu = 0;
  reqMemory = 0;
  nonZeroCpu = 0;
  nonZeroMemory = 0;
  reqScalar: Map<string, number> | undefined;
  /** Bound pods, in no particular order. */
  readonly pods: PodInfo[] = [];
  /** `protocol/port` → the host IPs in use (with multiplicity); undefined while no pod uses host ports. */
  usedPorts: Map<string, string[]> | undefined;
  /** The input it was built from. */
  input: NodeInput;

  constructor(index: number, input: NodeInput) {
    this.index = index;
    this.name = input.name;
    this.input = input;
    this.labels = {};
    this.taints = [];
    this.hardTaints = [];
    this.softTaints = [];
    this.unschedulable = false;
    this.ready = true;
    this.allocScalar = undefined;
    this.reqScalar = undefined;
    this.usedPorts = undefined;
    this.setSpec(input);
  }

  /** Replaces everything but the bound pods and their totals. */
  setSpec(input: NodeInput): void {
    this.input = input;
    this.labels = Object.freeze({ ...(input.labels ?? {}) });
    this.taints = Object.freeze([...(input.taints ?? [])]);
    this.hardTaints = this.taints.filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
    this.softTaints = this.taints.filter((t) => t.effect === 'PreferNoSchedule');
    this.unschedulable = input.unschedulable ?? false;
    this.ready = input.ready ?? true;
    const { cpu, memory, pods, ...rest } = input.allocatable;
    this.allocCpu = cpu;
    this.allocMemory = memory;
    this.allocPods = pods;
    const scalar = Object.entries(rest).filter(([, v]) => typeof v === 'number');
    this.allocScalar = scalar.length > 0 ? new Map(scalar) : undefined;
  }

  /** Accounts for a pod's requests and ports (the snapshot calls this; it does not check fit). */
  addPod(pod: PodInfo): void {
    this.pods.push(pod);
    this.account(pod, 1);
  }

  /** Removes a bound pod; returns false if it is not on this node. */
  removePod(pod: PodInfo): boolean {
    const i = this.pods.indexOf(pod);
    if (i < 0) return false;
    const last = this.pods.pop()!;
    if (i < this.pods.length) this.pods[i] = last;
    this.account(pod, -1);
    return true;
  }

  private account(pod: PodInfo, sign: 1 | -1): void {
    this.podCount += sign;
    this.reqCpu += sign * pod.cpu;
    this.reqMemory += sign * pod.memory;
    this.nonZeroCpu += sign * pod.nonZeroCpu;
    this.nonZeroMemory += sign * pod.nonZeroMemory;
    if (pod.scalar.length > 0) {
      this.reqScalar ??= new Map();
      for (const [name, amount] of pod.scalar)
        this.reqScalar.set(name, (this.reqScalar.get(name) ?? 0) + sign * amount);
    }
    if (pod.hostPorts.length > 0) {
      this.usedPorts ??= new Map();
      for (const p of pod.hostPorts) {
        const key = `${p.protocol}/${p.port}`;
        const ips = this.usedPorts.get(key) ?? [];
        if (sign > 0) ips.push(p.hostIP);
        else {
          const j = ips.indexOf(p.hostIP);
          if (j >= 0) ips.splice(j, 1);
        }
        if (ips.length === 0) this.usedPorts.delete(key);
        else this.usedPorts.set(key, ips);
      }
    }
  }

  /** Kubernetes' NodePorts conflict rule: same protocol and port, and either IP is 0.0.0.0 or they are equal. */
  portConflicts(port: Required<{ port: number; protocol: string; hostIP: string }>): boolean {
    const ips = this.usedPorts?.get(`${port.protocol}/${port.port}`);
    if (ips === undefined) return false;
    if (port.hostIP === '0.0.0.0') return true;
    for (const ip of ips) if (ip === '0.0.0.0' || ip === port.hostIP) return true;
    return false;
  }
}
