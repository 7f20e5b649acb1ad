/**
 * Per-topology-domain counters kept up to date as pods bind and leave, so that inter-pod affinity and
 * topology spread never scan pods while scheduling.
 *
 * - A `TermCounter` counts the bound pods matching a pod (anti-)affinity term or spread selector, per
 *   value of each topology key (zone, hostname, …). It is built once, the first time a pod needs it (one
 *   pass over bound pods), and then updated in O(1) per bind.
 * - `ExistingAntiAffinity` counts, per required anti-affinity term of bound pods, the pods holding that
 *   term per domain — the symmetric check ("don't land next to a pod that refuses you").
 * - Both are indexed by an anchor label (`key=value` the selector requires), so a binding pod only
 *   visits the counters its own labels could match.
 */
import type { AffinityTerm, PodInfo } from './pod-info.js';
import { termMatches } from './pod-info.js';
import type { Labels } from './selectors.js';

/** Items keyed by the `key=value` label a match requires; unanchored items are always candidates. */
export class AnchoredIndex<T> {
  private readonly byAnchor = new Map<string, Set<T>>();
  private readonly unanchored = new Set<T>();

  add(anchor: string | undefined, item: T): void {
    if (anchor === undefined) this.unanchored.add(item);
    else {
      let set = this.byAnchor.get(anchor);
      if (set === undefined) {
        set = new Set();
        this.byAnchor.set(anchor, set);
      }
      set.add(item);
    }
  }

  delete(anchor: string | undefined, item: T): void {
    if (anchor === undefined) this.unanchored.delete(item);
    else {
      const set = this.byAnchor.get(anchor);
      set?.delete(item);
      if (set?.size === 0) this.byAnchor.delete(anchor);
    }
  }

  get isEmpty(): boolean {
    return this.byAnchor.size === 0 && this.unanchored.size === 0;
  }

  /** Calls `fn` for every item whose anchor is among `labels` (or that has no anchor). */
  forCandidates(labels: Labels, fn: (item: T) => void): void {
    if (this.byAnchor.size > 0) {
      for (const k in labels) {
        const set = this.byAnchor.get(`${k}=${labels[k]}`);
        if (set !== undefined) for (const item of set) fn(item);
      }
    }
    if (this.unanchored.size > 0) for (const item of this.unanchored) fn(item);
  }
}

/** Counts bound pods matching every one of `terms`, per domain of each term's topology key. */
export class TermCounter {
  readonly id: string;
  readonly terms: readonly AffinityTerm[];
  /** One map per term: topology value → matching pods on nodes with that value. */
  readonly counts: Map<string, number>[];
  /** Matching bound pods in the whole cluster (on nodes with or without the keys). */
  total = 0;

  constructor(id: string, terms: readonly AffinityTerm[]) {
    this.id = id;
    this.terms = terms;
    this.counts = terms.map(() => new Map());
  }

  get anchor(): string | undefined {
    for (const t of this.terms) if (t.selector.anchor !== undefined) return t.selector.anchor;
    return undefined;
  }

  matches(pod: PodInfo): boolean {
    for (let i = 0; i < this.terms.length; i++) if (!termMatches(this.terms[i]!, pod)) return false;
    return this.terms.length > 0;
  }

  /** Adds (`sign` 1) or removes (-1) a pod already known to match, on a node with these labels. */
  update(nodeLabels: Labels, sign: 1 | -1): void {
    this.total += sign;
    for (let i = 0; i < this.terms.length; i++) {
      const value = nodeLabels[this.terms[i]!.topologyKey];
      if (value === undefined) continue;
      const m = this.counts[i]!;
      const n = (m.get(value) ?? 0) + sign;
      if (n === 0) m.delete(value);
      else m.set(value, n);
    }
  }

  /** Matching pods in the domain of `nodeLabels` for term `i` (0 when the node lacks the key). */
  countIn(i: number, nodeLabels: Labels): number {
    const value = nodeLabels[this.terms[i]!.topologyKey];
    return value === undefined ? 0 : (this.counts[i]!.get(value) ?? 0);
  }
}

/** A required anti-affinity term held by bound pods, and how many hold it per domain. */
export interface ExistingAntiAffinityTerm {
  readonly term: AffinityTerm;
  readonly counts: Map<string, number>;
  holders: number;
}

/**
 * The domains of one topology key: a dense id per value and, per node slot, the id of the node's
 * value (-1 without the label), so plugins test a node with two array reads instead of a label lookup.
 */
export class TopologyKeyIndex {
  readonly key: string;
  /** Live values → how many nodes carry them. */
  readonly nodeCount = new Map<string, number>();
  /** Id → value; ids are never reused, so a value that disappears keeps its id. */
  readonly values: string[] = [];
  /** Node slot (`NodeInfo.index`) → domain id, or -1. */
  readonly ids: number[] = [];
  private readonly idOf = new Map<string, number>();

  constructor(key: string) {
    this.key = key;
  }

  id(value: string): number {
    let id = this.idOf.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.idOf.set(value, id);
    }
    return id;
  }

  /** Records (`sign` 1) or forgets (-1) a node in slot `slot` with these labels. */
  track(slot: number, labels: Labels, sign: 1 | -1): void {
    while (this.ids.length <= slot) this.ids.push(-1);
    const v = labels[this.key];
    if (v === undefined) {
      this.ids[slot] = -1;
      return;
    }
    this.ids[slot] = sign > 0 ? this.id(v) : -1;
    const n = (this.nodeCount.get(v) ?? 0) + sign;
    if (n === 0) this.nodeCount.delete(v);
    else this.nodeCount.set(v, n);
  }
}
