/**
 * Safety properties over random clusters and pods, checked against a brute-force reference that scans
 * every bound pod (the thing the scheduler itself must never do).
 */
import { createRandom } from '@flotilla/clock';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Taint } from './k8s-shapes.js';
import type { NodeInfo, NodeInput } from './node-info.js';
import {
  type AffinityTerm,
  compilePod,
  type PodInfo,
  type PodInput,
  termMatches,
  tolerates,
} from './pod-info.js';
import { preempt } from './preemption.js';
import { binpackProfile, randomProfile, spreadProfile } from './profiles.js';
import { schedule } from './schedule.js';
import { ClusterSnapshot } from './snapshot.js';
import { GiB } from './test-util.js';

const ZONE = 'topology.kubernetes.io/zone';
const HOST = 'kubernetes.io/hostname';
const APPS = ['a', 'b', 'c'];

const taintArb: fc.Arbitrary<Taint> = fc.constantFrom(
  { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
  { key: 'spot', value: '', effect: 'NoExecute' },
  { key: 'old', value: '', effect: 'PreferNoSchedule' },
);

const nodeArb = (i: number): fc.Arbitrary<NodeInput> =>
  fc
    .record({
      cpu: fc.constantFrom(1000, 2000, 4000),
      mem: fc.constantFrom(1, 2, 4),
      pods: fc.integer({ min: 1, max: 8 }),
      zone: fc.option(fc.constantFrom('z1', 'z2', 'z3'), { nil: undefined }),
      disk: fc.constantFrom('ssd', 'hdd'),
      taints: fc.uniqueArray(taintArb, { maxLength: 2, selector: (t) => t.key }),
      unschedulable: fc.boolean(),
      ready: fc.boolean(),
    })
    .map((r) => ({
      name: `n${i}`,
      labels: { [HOST]: `n${i}`, disk: r.disk, gen: String(i % 4), ...(r.zone ? { [ZONE]: r.zone } : {}) },
      taints: r.taints,
      allocatable: { cpu: r.cpu, memory: r.mem * GiB, pods: r.pods },
      unschedulable: r.unschedulable && i % 3 === 0,
      ready: r.ready || i % 4 !== 0,
    }));

const clusterArb = fc
  .integer({ min: 1, max: 10 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => nodeArb(i))));

const termArb = fc.record({
  app: fc.constantFrom(...APPS),
  key: fc.constantFrom(HOST, ZONE),
});

const podArb = (i: number): fc.Arbitrary<PodInput> =>
  fc
    .record(
      {
        app: fc.constantFrom(...APPS),
        cpu: fc.constantFrom(0, 100, 500, 1000),
        mem: fc.constantFrom(0, 256, 1024),
        priority: fc.integer({ min: 0, max: 3 }),
        nodeSelector: fc.option(fc.constantFrom('ssd', 'hdd'), { nil: undefined }),
        genGt: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
        tolerate: fc.subarray(['dedicated', 'spot', 'not-ready', 'unschedulable']),
        affinity: fc.option(termArb, { nil: undefined }),
        anti: fc.option(termArb, { nil: undefined }),
        spread: fc.option(
          fc.record({ maxSkew: fc.integer({ min: 1, max: 2 }), key: fc.constantFrom(HOST, ZONE) }),
          {
            nil: undefined,
          },
        ),
        port: fc.option(fc.constantFrom(80, 443), { nil: undefined }),
      },
      { requiredKeys: ['app', 'cpu', 'mem', 'priority', 'tolerate'] },
    )
    .map((r) => {
      const term = (t: { app: string; key: string }) => ({
        topologyKey: t.key,
        labelSelector: { matchLabels: { app: t.app } },
      });
      const input: PodInput = {
        name: `p${i}`,
        labels: { app: r.app },
        priority: r.priority,
        requests: { cpu: r.cpu, memory: r.mem * 1024 * 1024 },
        tolerations: r.tolerate.map((k) => ({
          key: k === 'not-ready' || k === 'unschedulable' ? `node.kubernetes.io/${k}` : k,
          operator: 'Exists',
        })),
      };
      if (r.nodeSelector) input.nodeSelector = { disk: r.nodeSelector };
      if (r.genGt !== undefined || r.affinity || r.anti) {
        input.affinity = {};
        if (r.genGt !== undefined) {
          input.affinity.nodeAffinity = {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [
                { matchExpressions: [{ key: 'gen', operator: 'Gt', values: [String(r.genGt - 1)] }] },
              ],
            },
          };
        }
        if (r.affinity)
          input.affinity.podAffinity = { requiredDuringSchedulingIgnoredDuringExecution: [term(r.affinity)] };
        if (r.anti)
          input.affinity.podAntiAffinity = { requiredDuringSchedulingIgnoredDuringExecution: [term(r.anti)] };
      }
      if (r.spread) {
        input.topologySpreadConstraints = [
          {
            maxSkew: r.spread.maxSkew,
            topologyKey: r.spread.key,
            whenUnsatisfiable: 'DoNotSchedule',
            labelSelector: { matchLabels: { app: r.app } },
          },
        ];
      }
      if (r.port) input.hostPorts = [{ port: r.port }];
      return input;
    });

const podsArb = fc
  .integer({ min: 1, max: 25 })
  .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => podArb(i))));

/** Brute force: does `pod` fit `node` given every bound pod? Scans everything, shares no counters. */
function feasible(pod: PodInfo, node: NodeInfo, s: ClusterSnapshot): boolean {
  const bound: { p: PodInfo; n: NodeInfo }[] = [];
  for (const n of s.nodes) for (const p of n.pods) bound.push({ p, n });
  const onNode = bound.filter((b) => b.n === node).map((b) => b.p);
  const sum = (f: (p: PodInfo) => number) => onNode.reduce((a, p) => a + f(p), 0);
  if (node.unschedulable && !tolerates(pod.tolerations, 'node.kubernetes.io/unschedulable', '', 'NoSchedule'))
    return false;
  if (!node.ready && !tolerates(pod.tolerations, 'node.kubernetes.io/not-ready', '', 'NoSchedule'))
    return false;
  for (const t of node.taints) {
    if (t.effect !== 'PreferNoSchedule' && !tolerates(pod.tolerations, t.key, t.value ?? '', t.effect))
      return false;
  }
  if (pod.nodeSelector && !pod.nodeSelector.matches(node.labels)) return false;
  if (pod.requiredNodeAffinity && !pod.requiredNodeAffinity.matches(node.labels, node.name)) return false;
  for (const hp of pod.hostPorts) {
    for (const p of onNode)
      for (const q of p.hostPorts) if (q.port === hp.port && q.protocol === hp.protocol) return false;
  }
  if (onNode.length + 1 > node.allocPods) return false;
  if (pod.cpu > 0 && sum((p) => p.cpu) + pod.cpu > node.allocCpu) return false;
  if (pod.memory > 0 && sum((p) => p.memory) + pod.memory > node.allocMemory) return false;
  const sameDomain = (n: NodeInfo, key: string) =>
    node.labels[key] !== undefined && n.labels[key] === node.labels[key];
  for (const c of pod.spread) {
    const key = c.term.topologyKey;
    if (node.labels[key] === undefined) return false;
    const domains = new Set(
      s.nodes
        .filter(
          (n) =>
            (!pod.nodeSelector || pod.nodeSelector.matches(n.labels)) &&
            (!pod.requiredNodeAffinity || pod.requiredNodeAffinity.matches(n.labels, n.name)),
        )
        .map((n) => n.labels[key])
        .filter((v) => v !== undefined),
    );
    const count = (v: string) =>
      bound.filter((b) => b.n.labels[key] === v && termMatches(c.term, b.p)).length;
    let min = Math.min(...[...domains].map(count));
    if (domains.size < c.minDomains || domains.size === 0) min = 0;
    if (count(node.labels[key]!) + (termMatches(c.term, pod) ? 1 : 0) - min > c.maxSkew) return false;
  }
  const all = (terms: readonly AffinityTerm[], p: PodInfo) => terms.every((t) => termMatches(t, p));
  if (pod.requiredAffinity.length > 0) {
    const anyMatch = bound.some(
      (b) =>
        all(pod.requiredAffinity, b.p) &&
        pod.requiredAffinity.every((t) => b.n.labels[t.topologyKey] !== undefined),
    );
    const ok = pod.requiredAffinity.every((t) =>
      bound.some((b) => all(pod.requiredAffinity, b.p) && sameDomain(b.n, t.topologyKey)),
    );
    if (!ok && (anyMatch || !all(pod.requiredAffinity, pod))) return false;
  }
  for (const t of pod.requiredAntiAffinity) {
    if (bound.some((b) => termMatches(t, b.p) && sameDomain(b.n, t.topologyKey))) return false;
  }
  for (const b of bound) {
    for (const t of b.p.requiredAntiAffinity)
      if (termMatches(t, pod) && sameDomain(b.n, t.topologyKey)) return false;
  }
  return true;
}

function checkTotals(s: ClusterSnapshot): void {
  for (const n of s.nodes) {
    expect(n.reqCpu).toBe(n.pods.reduce((a, p) => a + p.cpu, 0));
    expect(n.reqMemory).toBe(n.pods.reduce((a, p) => a + p.memory, 0));
    expect(n.reqCpu).toBeLessThanOrEqual(n.allocCpu);
    expect(n.reqMemory).toBeLessThanOrEqual(n.allocMemory);
    expect(n.pods.length).toBeLessThanOrEqual(n.allocPods);
  }
}

const RUNS = { numRuns: 40 };

describe('scheduler properties', () => {
  it.each(['spread', 'binpack', 'random'] as const)(
    '%s, sampling off: the chosen node passes the brute-force check, and unschedulable means no node does',
    (name) => {
      const profile = { spread: spreadProfile, binpack: binpackProfile, random: randomProfile }[name]({
        percentageOfNodesToScore: 100,
      });
      fc.assert(
        fc.property(
          clusterArb,
          podsArb,
          fc.integer(),
          fc.array(fc.nat(), { maxLength: 5 }),
          (nodes, pods, seed, removals) => {
            const s = new ClusterSnapshot(nodes);
            const random = createRandom(seed);
            pods.forEach((input, i) => {
              const pod = compilePod(input);
              const fits = s.nodes.filter((n) => feasible(pod, n, s)).map((n) => n.name);
              const r = schedule(pod, s, profile, { random });
              if (r.kind === 'scheduled') {
                expect(fits).toContain(r.nodeName);
                s.bind(pod, r.nodeName);
              } else {
                expect(fits).toEqual([]);
                expect(r.message).toMatch(new RegExp(`^0/${nodes.length} nodes are available: `));
              }
              // Pods also go away: removals must keep every counter exact.
              if (removals.includes(i) && s.podCount > 0) {
                const victim = s.nodes.flatMap((n) => n.pods)[(seed % s.podCount) >>> 0];
                if (victim) s.unbind(victim.uid);
              }
              checkTotals(s);
            });
          },
        ),
        RUNS,
      );
    },
  );

  it('sampling on (1000 nodes) still only chooses feasible nodes', () => {
    fc.assert(
      fc.property(podsArb, fc.integer(), (pods, seed) => {
        const nodes: NodeInput[] = Array.from({ length: 1000 }, (_, i) => ({
          name: `n${i}`,
          labels: { [HOST]: `n${i}`, [ZONE]: `z${i % 3}`, disk: i % 2 ? 'ssd' : 'hdd', gen: String(i % 4) },
          allocatable: { cpu: 1000, memory: 2 * GiB, pods: 3 },
          taints: i % 5 === 0 ? [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] : [],
        }));
        const s = new ClusterSnapshot(nodes);
        const random = createRandom(seed);
        for (const input of pods) {
          const pod = compilePod(input);
          const r = schedule(pod, s, spreadProfile(), { random });
          if (r.kind === 'scheduled') {
            expect(feasible(pod, r.node, s)).toBe(true);
            s.bind(pod, r.nodeName);
          }
        }
      }),
      { numRuns: 10 },
    );
  });

  it('binpack never uses more nodes than spread for the same workload', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.array(
          fc.record({ cpu: fc.constantFrom(100, 250, 500, 1000), mem: fc.constantFrom(128, 512, 1024) }),
          {
            minLength: 1,
            maxLength: 40,
          },
        ),
        fc.integer(),
        (nodeCount, reqs, seed) => {
          const used = (profileName: 'spread' | 'binpack') => {
            const profile = (profileName === 'spread' ? spreadProfile : binpackProfile)({
              percentageOfNodesToScore: 100,
            });
            const s = new ClusterSnapshot(
              Array.from({ length: nodeCount }, (_, i) => ({
                name: `n${i}`,
                allocatable: { cpu: 2000, memory: 4 * GiB, pods: 10 },
              })),
            );
            const random = createRandom(seed);
            reqs.forEach((r, i) => {
              const pod = compilePod({
                name: `p${i}`,
                requests: { cpu: r.cpu, memory: r.mem * 1024 * 1024 },
              });
              const res = schedule(pod, s, profile, { random });
              if (res.kind === 'scheduled') s.bind(pod, res.nodeName);
            });
            return s.nodes.filter((n) => n.pods.length > 0).length;
          };
          expect(used('binpack')).toBeLessThanOrEqual(used('spread'));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('preemption evicts only lower-priority pods, and evicting them makes the pod fit the nominated node', () => {
    const profile = spreadProfile({ percentageOfNodesToScore: 100 });
    fc.assert(
      fc.property(clusterArb, podsArb, podArb(999), fc.integer(), (nodes, pods, incoming, seed) => {
        const s = new ClusterSnapshot(nodes);
        const random = createRandom(seed);
        for (const input of pods) {
          const pod = compilePod(input);
          const r = schedule(pod, s, profile, { random });
          if (r.kind === 'scheduled') s.bind(pod, r.nodeName);
        }
        const pod = compilePod({ ...incoming, priority: 2 });
        const r = schedule(pod, s, profile, { random });
        if (r.kind === 'scheduled') return;
        const before = s.nodes.map((n) => [n.name, n.pods.length, n.reqCpu]);
        const result = preempt(pod, s, profile, r.diagnosis, { random });
        expect(s.nodes.map((n) => [n.name, n.pods.length, n.reqCpu])).toEqual(before);
        if (result === undefined) return;
        for (const v of result.victims) expect(v.priority).toBeLessThan(pod.priority);
        for (const v of result.victims) s.unbind(v.uid);
        expect(feasible(pod, s.node(result.nominatedNodeName)!, s)).toBe(true);
      }),
      RUNS,
    );
  });
});
