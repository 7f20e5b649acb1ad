import { describe, expect, it } from 'vitest';
import type { PodInfo } from '../pod-info.js';
import { Code } from '../status.js';
import { node, pod, runFilter, runScore, snapshotOf } from '../test-util.js';
import { PodTopologySpread, PodTopologySpreadScore } from './topology-spread.js';

const ZONE = 'topology.kubernetes.io/zone';
const nodes = () => [
  node('a1', { labels: { [ZONE]: 'a', disk: 'ssd' } }),
  node('a2', { labels: { [ZONE]: 'a' } }),
  node('b1', { labels: { [ZONE]: 'b', disk: 'ssd' } }),
  node('c1', { labels: { [ZONE]: 'c' } }),
  node('nozone', { labels: {} }),
];
const web = (name: string) => pod(name, { labels: { app: 'web' } });
const spreading = (maxSkew: number, when = 'DoNotSchedule', extra = {}) =>
  pod('new', {
    labels: { app: 'web' },
    topologySpreadConstraints: [
      { maxSkew, topologyKey: ZONE, whenUnsatisfiable: when, labelSelector: { matchLabels: { app: 'web' } } },
    ],
    ...extra,
  });

describe('PodTopologySpread filter (DoNotSchedule)', () => {
  const NOT_MATCH = "node(s) didn't match pod topology spread constraints";
  // Zone a has 2 web pods, b has 1, c has 0: the global minimum is 0.
  const bound = (): [PodInfo, string][] => [
    [web('w1'), 'a1'],
    [web('w2'), 'a2'],
    [web('w3'), 'b1'],
    [pod('other', { labels: { app: 'db' } }), 'c1'],
  ];
  it.each([
    { name: 'zone a: 2 + 1 - 0 > 1', maxSkew: 1, target: 'a1', want: NOT_MATCH },
    { name: 'zone b: 1 + 1 - 0 > 1', maxSkew: 1, target: 'b1', want: NOT_MATCH },
    { name: 'zone c: 0 + 1 - 0 <= 1', maxSkew: 1, target: 'c1', want: null },
    { name: 'maxSkew 2 admits zone b', maxSkew: 2, target: 'b1', want: null },
    {
      name: 'node without the key',
      maxSkew: 5,
      target: 'nozone',
      want: "node(s) didn't match pod topology spread constraints (missing required label)",
    },
  ])('$name', ({ maxSkew, target, want }) => {
    const s = snapshotOf(nodes(), bound());
    const st = runFilter(PodTopologySpread, spreading(maxSkew), s, target);
    expect(st?.reasons[0] ?? null).toBe(want);
    if (want === NOT_MATCH) expect(st?.code).toBe(Code.Unschedulable);
  });

  it('takes the minimum over domains of nodes matching the pod node selector (nodeAffinityPolicy Honor)', () => {
    // With nodeSelector disk=ssd only zones a and b are eligible: min is 1 (zone b), so zone b admits.
    const s = snapshotOf(nodes(), bound());
    expect(
      runFilter(PodTopologySpread, spreading(1, 'DoNotSchedule', { nodeSelector: { disk: 'ssd' } }), s, 'b1'),
    ).toBeNull();
  });

  it('treats the minimum as 0 when there are fewer domains than minDomains', () => {
    const s = snapshotOf(nodes().slice(0, 2), [[web('w1'), 'a1']]);
    const p = pod('new', {
      labels: { app: 'web' },
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          minDomains: 2,
          topologyKey: ZONE,
          whenUnsatisfiable: 'DoNotSchedule',
          labelSelector: { matchLabels: { app: 'web' } },
        },
      ],
    });
    expect(runFilter(PodTopologySpread, p, s, 'a2')?.reasons[0]).toBe(
      "node(s) didn't match pod topology spread constraints",
    );
  });

  it('skips pods without hard constraints', () => {
    expect(PodTopologySpread.prepare(spreading(1, 'ScheduleAnyway'), snapshotOf(nodes()))).toBeNull();
  });
});

describe('PodTopologySpread score (ScheduleAnyway)', () => {
  it('prefers the domain with fewer matching pods', () => {
    const s = snapshotOf(nodes(), [
      [web('w1'), 'a1'],
      [web('w2'), 'a2'],
      [web('w3'), 'b1'],
    ]);
    const r = runScore(PodTopologySpreadScore, spreading(1, 'ScheduleAnyway'), s, ['a1', 'b1', 'c1'])!;
    expect(r.normalized[2]).toBe(100);
    expect(r.normalized[0]!).toBeLessThan(r.normalized[1]!);
    expect(r.normalized[1]!).toBeLessThan(r.normalized[2]!);
  });
});
