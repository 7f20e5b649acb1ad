/**
 * `ClusterSnapshot`: the scheduler's mutable view of nodes and the pods bound to them.
 *
 * Guarantees:
 * - Every total (requested cpu, memory, pods, extended resources, host ports, topology counters) equals
 *   what a full recount over the bound pods would give, after any sequence of calls.
 * - `bind` records a placement without checking fit (the scheduler decides; the snapshot accounts), so a
 *   caller can replay bindings it observed.
 * - Nothing here scans all pods except building a `TermCounter` the first time a selector is seen.
 */

import { NodeInfo, type NodeInput } from './node-info.js';
import type { AffinityTerm, PodInfo } from './pod-info.js';
import type { Labels } from './selectors.js';
import { AnchoredIndex, type ExistingAntiAffinityTerm, TermCounter, TopologyKeyIndex } from './topology.js';

export class ClusterSnapshot {
  /** Live nodes in a compact array; the order is stable except that removal moves the last node into the gap. */
  readonly nodes: NodeInfo[] = [];
  private readonly byName = new Map<string, NodeInfo>();
  private readonly podNode = new Map<string, NodeInfo>();
  private readonly counterById = new Map<string, TermCounter>();
  private readonly counters = new AnchoredIndex<TermCounter>();
  private readonly antiById = new Map<string, ExistingAntiAffinityTerm>();
  private readonly anti = new AnchoredIndex<ExistingAntiAffinityTerm>();
  private readonly domainsByKey = new Map<string, TopologyKeyIndex>();
  /** `key=value` → bound pods with that label; built the first time a counter needs it. */
  private podsByLabel: Map<string, Set<PodInfo>> | undefined;
  private nextSlot = 0;
  private readonly freeSlots: number[] = [];
  /** Nodes that are cordoned, not ready, carry NoSchedule/NoExecute taints, carry PreferNoSchedule taints. */
  readonly flagged = { unschedulable: 0, notReady: 0, hardTainted: 0, softTainted: 0 };
  /** Where the next sampled search starts (Kubernetes' `nextStartNodeIndex`), advanced by `schedule`. */
  nextStartNodeIndex = 0;

  constructor(nodes: readonly NodeInput[] = []) {
    for (const n of nodes) this.upsertNode(n);
  }

  get nodeCount(): number {
    return this.nodes.length;
  }

  get podCount(): number {
    return this.podNode.size;
  }

  node(name: string): NodeInfo | undefined {
    return this.byName.get(name);
  }

  /** The node a pod (by uid) is bound to. */
  nodeOf(uid: string): NodeInfo | undefined {
    return this.podNode.get(uid);
  }

  /** Adds a node, or replaces an existing node's spec keeping its bound pods (labels may change domains). */
  upsertNode(input: NodeInput): NodeInfo {
    const existing = this.byName.get(input.name);
    if (existing !== undefined) {
      for (const p of existing.pods) this.accountTopology(p, existing.labels, -1);
      this.trackDomains(existing, -1);
      this.trackFlags(existing, -1);
      existing.setSpec(input);
      this.trackFlags(existing, 1);
      this.trackDomains(existing, 1);
      for (const p of existing.pods) this.accountTopology(p, existing.labels, 1);
      return existing;
    }
    const slot = this.freeSlots.pop() ?? this.nextSlot++;
    const info = new NodeInfo(slot, input);
    this.byName.set(input.name, info);
    this.nodes.push(info);
    this.trackFlags(info, 1);
    this.trackDomains(info, 1);
    return info;
  }

  /** Removes a node and unbinds its pods; returns them. */
  removeNode(name: string): PodInfo[] {
    const info = this.byName.get(name);
    if (info === undefined) return [];
    const pods = [...info.pods];
    for (const p of pods) this.unbind(p.uid);
    this.trackDomains(info, -1);
    this.trackFlags(info, -1);
    this.byName.delete(name);
    const i = this.nodes.indexOf(info);
    const last = this.nodes.pop()!;
    if (i < this.nodes.length) this.nodes[i] = last;
    this.freeSlots.push(info.index);
    return pods;
  }

  /** Records that `pod` runs on `nodeName`. Throws if the node is unknown or the pod is already bound. */
  bind(pod: PodInfo, nodeName: string): void {
    const info = this.byName.get(nodeName);
    if (info === undefined) throw new RangeError(`spec.nodeName: Not found: "${nodeName}"`);
    if (this.podNode.has(pod.uid)) throw new RangeError(`pod "${pod.uid}" is already bound`);
    this.podNode.set(pod.uid, info);
    info.addPod(pod);
    this.accountTopology(pod, info.labels, 1);
  }

  /** Forgets a bound pod (deleted, evicted or failed); returns it, or undefined if it was not bound. */
  unbind(uid: string): PodInfo | undefined {
    const info = this.podNode.get(uid);
    if (info === undefined) return undefined;
    const pod = info.pods.find((p) => p.uid === uid)!;
    this.podNode.delete(uid);
    info.removePod(pod);
    this.accountTopology(pod, info.labels, -1);
    return pod;
  }

  /**
   * The counter of bound pods matching all `terms`, per domain of each term's key; created (one pass over
   * bound pods) the first time and maintained incrementally afterwards.
   */
  counter(terms: readonly AffinityTerm[]): TermCounter {
    const id = terms.length === 1 ? terms[0]!.id : terms.map((t) => t.id).join('&&');
    let c = this.counterById.get(id);
    if (c !== undefined) return c;
    c = new TermCounter(id, terms);
    const anchor = c.anchor;
    if (anchor === undefined) {
      for (const info of this.nodes) {
        for (const p of info.pods) if (c.matches(p)) c.update(info.labels, 1);
      }
    } else {
      // Only pods carrying the anchor label can match: visit those through the label index.
      for (const p of this.labelIndex().get(anchor) ?? []) {
        if (c.matches(p)) c.update(this.podNode.get(p.uid)!.labels, 1);
      }
    }
    this.counterById.set(id, c);
    this.counters.add(c.anchor, c);
    return c;
  }

  /** Values of `key` among live nodes, with how many nodes carry each. */
  domains(key: string): ReadonlyMap<string, number> {
    return this.topology(key).nodeCount;
  }

  /** The dense domain index of a topology key, built on first use and maintained as nodes change. */
  topology(key: string): TopologyKeyIndex {
    let index = this.domainsByKey.get(key);
    if (index === undefined) {
      index = new TopologyKeyIndex(key);
      for (const info of this.nodes) index.track(info.index, info.labels, 1);
      this.domainsByKey.set(key, index);
    }
    return index;
  }

  /** Calls `fn` for each required anti-affinity term of bound pods that `pod` matches. */
  forExistingAntiAffinityMatching(pod: PodInfo, fn: (t: ExistingAntiAffinityTerm) => void): void {
    this.anti.forCandidates(pod.labels, (t) => {
      if (t.holders > 0) {
        const ns = t.term.namespaces;
        if (ns.includes(pod.namespace) && t.term.selector.matches(pod.labels)) fn(t);
      }
    });
  }

  /** True when some bound pod holds a required anti-affinity term. */
  get hasExistingAntiAffinity(): boolean {
    return this.antiById.size > 0;
  }

  private labelIndex(): Map<string, Set<PodInfo>> {
    if (this.podsByLabel === undefined) {
      this.podsByLabel = new Map();
      for (const info of this.nodes) for (const p of info.pods) this.indexLabels(p, 1);
    }
    return this.podsByLabel;
  }

  private indexLabels(pod: PodInfo, sign: 1 | -1): void {
    const index = this.podsByLabel!;
    for (const k in pod.labels) {
      const key = `${k}=${pod.labels[k]}`;
      let set = index.get(key);
      if (sign > 0) {
        if (set === undefined) {
          set = new Set();
          index.set(key, set);
        }
        set.add(pod);
      } else if (set !== undefined) {
        set.delete(pod);
        if (set.size === 0) index.delete(key);
      }
    }
  }

  private trackFlags(info: NodeInfo, sign: 1 | -1): void {
    const f = this.flagged;
    if (info.unschedulable) f.unschedulable += sign;
    if (!info.ready) f.notReady += sign;
    if (info.hardTaints.length > 0) f.hardTainted += sign;
    if (info.softTaints.length > 0) f.softTainted += sign;
  }

  private trackDomains(info: NodeInfo, sign: 1 | -1): void {
    for (const index of this.domainsByKey.values()) index.track(info.index, info.labels, sign);
  }

  private accountTopology(pod: PodInfo, nodeLabels: Labels, sign: 1 | -1): void {
    if (this.podsByLabel !== undefined) this.indexLabels(pod, sign);
    if (!this.counters.isEmpty) {
      this.counters.forCandidates(pod.labels, (c) => {
        if (c.matches(pod)) c.update(nodeLabels, sign);
      });
    }
    const terms = pod.requiredAntiAffinity;
    for (let i = 0; i < terms.length; i++) {
      const term = terms[i]!;
      let e = this.antiById.get(term.id);
      if (e === undefined) {
        if (sign < 0) continue;
        e = { term, counts: new Map(), holders: 0 };
        this.antiById.set(term.id, e);
        this.anti.add(term.selector.anchor, e);
      }
      e.holders += sign;
      const v = nodeLabels[term.topologyKey];
      if (v !== undefined) {
        const n = (e.counts.get(v) ?? 0) + sign;
        if (n === 0) e.counts.delete(v);
        else e.counts.set(v, n);
      }
      if (e.holders === 0) {
        this.antiById.delete(term.id);
        this.anti.delete(term.selector.anchor, e);
      }
    }
  }
}
