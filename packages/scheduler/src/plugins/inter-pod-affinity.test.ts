import { describe, expect, it } from 'vitest';
import type { PodInput } from '../pod-info.js';
import { Code } from '../status.js';
import { node, pod, runFilter, runScore, snapshotOf } from '../test-util.js';
import { InterPodAffinity, InterPodAffinityScore } from './inter-pod-affinity.js';

const ZONE = 'topology.kubernetes.io/zone';
const HOST = 'kubernetes.io/hostname';
const nodes = () => [
  node('a1', { labels: { [HOST]: 'a1', [ZONE]: 'a' } }),
  node('a2', { labels: { [HOST]: 'a2', [ZONE]: 'a' } }),
  node('b1', { labels: { [HOST]: 'b1', [ZONE]: 'b' } }),
  node('nozone', { labels: { [HOST]: 'nozone' } }),
];
const db = pod('db', { labels: { app: 'db' } });
const term = (app: string, topologyKey: string) => ({ topologyKey, labelSelector: { matchLabels: { app } } });
const affinity = (app: string, key: string): Partial<PodInput> => ({
  labels: { app: 'web' },
  affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term(app, key)] } },
});
const anti = (app: string, key: string): Partial<PodInput> => ({
  labels: { app: 'web' },
  affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term(app, key)] } },
});

describe('InterPodAffinity filter', () => {
  const AFF = "node(s) didn't match pod affinity rules";
  const ANTI = "node(s) didn't match pod anti-affinity rules";
  const EXISTING = "node(s) didn't satisfy existing pods anti-affinity rules";
  it.each([
    { name: 'affinity: same zone as db', extra: affinity('db', ZONE), node: 'a2', want: null },
    { name: 'affinity: other zone', extra: affinity('db', ZONE), node: 'b1', want: AFF },
    { name: 'affinity: node lacks the key', extra: affinity('db', ZONE), node: 'nozone', want: AFF },
    { name: 'affinity by hostname', extra: affinity('db', HOST), node: 'a2', want: AFF },
    { name: 'affinity to nothing that exists', extra: affinity('cache', ZONE), node: 'a1', want: AFF },
    { name: 'anti-affinity: same zone', extra: anti('db', ZONE), node: 'a2', want: ANTI },
    { name: 'anti-affinity: other zone', extra: anti('db', ZONE), node: 'b1', want: null },
    { name: 'anti-affinity: node lacks the key', extra: anti('db', ZONE), node: 'nozone', want: null },
    { name: 'anti-affinity by hostname, other host', extra: anti('db', HOST), node: 'a2', want: null },
    {
      name: 'anti-affinity in another namespace does not apply',
      extra: { ...anti('db', ZONE), namespace: 'other' },
      node: 'a1',
      want: null,
    },
  ])('$name', ({ extra, node: target, want }) => {
    const s = snapshotOf(nodes(), [[db, 'a1']]);
    expect(runFilter(InterPodAffinity, pod('web', extra), s, target)?.reasons[0] ?? null).toBe(want);
  });

  it('lets the first pod of a self-affine group go anywhere', () => {
    const s = snapshotOf(nodes());
    const first = pod('web-0', { ...affinity('web', ZONE) });
    expect(runFilter(InterPodAffinity, first, s, 'b1')).toBeNull();
    s.bind(first, 'b1');
    expect(runFilter(InterPodAffinity, pod('web-1', affinity('web', ZONE)), s, 'a1')?.reasons[0]).toBe(AFF);
    expect(runFilter(InterPodAffinity, pod('web-1', affinity('web', ZONE)), s, 'b1')).toBeNull();
  });

  it("respects existing pods' anti-affinity (symmetry) until they leave", () => {
    const guard = pod('guard', { labels: { app: 'guard' }, ...anti('web', ZONE) });
    const s = snapshotOf(nodes(), [[guard, 'a1']]);
    const web = pod('web', { labels: { app: 'web' } });
    const st = runFilter(InterPodAffinity, web, s, 'a2');
    expect(st?.reasons[0]).toBe(EXISTING);
    expect(st?.code).toBe(Code.Unschedulable);
    expect(runFilter(InterPodAffinity, web, s, 'b1')).toBeNull();
    s.unbind(guard.uid);
    expect(runFilter(InterPodAffinity, web, s, 'a2')).toBeNull();
  });

  it('sees pods bound after the counter was created', () => {
    const s = snapshotOf(nodes());
    const web = pod('web', anti('db', HOST));
    expect(runFilter(InterPodAffinity, web, s, 'a1')).toBeNull();
    s.bind(db, 'a1');
    expect(runFilter(InterPodAffinity, web, s, 'a1')?.reasons[0]).toBe(ANTI);
    s.unbind(db.uid);
    expect(runFilter(InterPodAffinity, web, s, 'a1')).toBeNull();
  });
});

describe('InterPodAffinity score', () => {
  it('adds weight × matching pods in the domain for affinity, subtracts for anti-affinity, min–max normalised', () => {
    const s = snapshotOf(nodes(), [
      [db, 'a1'],
      [pod('db2', { labels: { app: 'db' } }), 'a2'],
      [pod('cache', { labels: { app: 'cache' } }), 'b1'],
    ]);
    const p = pod('web', {
      affinity: {
        podAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 10, podAffinityTerm: term('db', ZONE) },
          ],
        },
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            { weight: 5, podAffinityTerm: term('cache', ZONE) },
          ],
        },
      },
    });
    expect(runScore(InterPodAffinityScore, p, s, ['a1', 'b1', 'nozone'])).toEqual({
      raw: [20, -5, 0],
      normalized: [100, 0, 20],
    });
  });
});
