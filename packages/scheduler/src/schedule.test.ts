import { createRandom } from '@flotilla/clock';
import { describe, expect, it } from 'vitest';
import { createProfile, extendProfile, type ScorePlugin } from './framework.js';
import { binpackProfile, DEFAULT_FILTERS, randomProfile, spreadProfile } from './profiles.js';
import { numFeasibleNodesToFind, schedule } from './schedule.js';
import { ClusterSnapshot } from './snapshot.js';
import { GiB, node, pod, snapshotOf } from './test-util.js';

const random = () => createRandom(7);

describe('numFeasibleNodesToFind (Kubernetes adaptive percentageOfNodesToScore)', () => {
  it.each([
    { nodes: 50, pct: 0, want: 50 },
    { nodes: 100, pct: 0, want: 100 },
    { nodes: 1000, pct: 0, want: 420 },
    { nodes: 5000, pct: 0, want: 500 },
    { nodes: 15000, pct: 0, want: 750 },
    { nodes: 65000, pct: 0, want: 3250 },
    { nodes: 5000, pct: 100, want: 5000 },
    { nodes: 5000, pct: 1, want: 100 },
    { nodes: 5000, pct: 30, want: 1500 },
  ])('$nodes nodes at $pct% → $want', ({ nodes, pct, want }) => {
    expect(numFeasibleNodesToFind(nodes, pct)).toBe(want);
  });
});

describe('schedule', () => {
  it("explains an unschedulable pod in Kubernetes' words", () => {
    const nodes = [
      ...Array.from({ length: 3 }, (_, i) =>
        node(`small-${i}`, { allocatable: { cpu: 500, memory: GiB, pods: 10 } }),
      ),
      ...Array.from({ length: 2 }, (_, i) => node(`gpu-${i}`, { labels: { gpu: 'true' } })),
    ];
    const s = snapshotOf(nodes);
    const p = pod('p', {
      requests: { cpu: 1000 },
      affinity: {
        nodeAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: {
            nodeSelectorTerms: [{ matchExpressions: [{ key: 'gpu', operator: 'DoesNotExist' }] }],
          },
        },
      },
    });
    const r = schedule(p, s, spreadProfile(), { random: random() });
    expect(r.kind).toBe('unschedulable');
    if (r.kind !== 'unschedulable') return;
    expect(r.message).toBe(
      "0/5 nodes are available: 2 node(s) didn't match Pod's node affinity/selector, 3 Insufficient cpu.",
    );
    expect([...r.diagnosis.unschedulablePlugins].sort()).toEqual(['NodeAffinity', 'NodeResourcesFit']);
  });

  it('says so when there are no nodes', () => {
    const r = schedule(pod('p'), new ClusterSnapshot(), spreadProfile(), { random: random() });
    expect(r).toMatchObject({ kind: 'unschedulable', message: 'no nodes available to schedule pods' });
  });

  it('spread picks the emptiest node, binpack the fullest that fits', () => {
    const s = snapshotOf(
      [node('empty'), node('half'), node('full')],
      [
        [pod('x', { requests: { cpu: 2000, memory: 4 * GiB } }), 'half'],
        [pod('y', { requests: { cpu: 3500, memory: 7 * GiB } }), 'full'],
      ],
    );
    const p = pod('p', { requests: { cpu: 1000, memory: 2 * GiB } });
    expect(schedule(p, s, spreadProfile(), { random: random() })).toMatchObject({
      kind: 'scheduled',
      nodeName: 'empty',
    });
    expect(schedule(p, s, binpackProfile(), { random: random() })).toMatchObject({
      kind: 'scheduled',
      nodeName: 'half',
    });
  });

  it('is reproducible for a seed, and random spreads over ties', () => {
    const nodes = Array.from({ length: 20 }, (_, i) => node(`n${i}`));
    const run = (seed: number) => {
      const s = snapshotOf(nodes);
      const rng = createRandom(seed);
      return Array.from({ length: 10 }, (_, i) => {
        const r = schedule(pod(`p${i}`), s, randomProfile(), { random: rng });
        return r.kind === 'scheduled' ? r.nodeName : '';
      });
    };
    expect(run(1)).toEqual(run(1));
    expect(new Set(run(1)).size).toBeGreaterThan(3);
  });

  it('samples: with 1000 nodes it filters 420 and rotates the start index', () => {
    const s = snapshotOf(Array.from({ length: 1000 }, (_, i) => node(`n${i}`)));
    const r1 = schedule(pod('a'), s, spreadProfile(), { random: random() });
    expect(r1).toMatchObject({ kind: 'scheduled', feasibleNodes: 420, evaluatedNodes: 420 });
    expect(s.nextStartNodeIndex).toBe(420);
    schedule(pod('b'), s, spreadProfile(), { random: random() });
    expect(s.nextStartNodeIndex).toBe(840);
    schedule(pod('c'), s, spreadProfile(), { random: random() });
    expect(s.nextStartNodeIndex).toBe(260);
    const all = schedule(pod('d'), s, spreadProfile({ percentageOfNodesToScore: 100 }), { random: random() });
    expect(all).toMatchObject({ feasibleNodes: 1000, evaluatedNodes: 1000 });
  });

  it('runs a user score plugin with its weight', () => {
    // Prefers nodes whose name ends in 7, strongly enough to beat LeastAllocated.
    const likesSeven: ScorePlugin = {
      name: 'LikesSeven',
      prepare: () => ({ score: (n) => (n.name.endsWith('7') ? 100 : 0) }),
    };
    const profile = extendProfile(spreadProfile(), {
      name: 'sevens',
      scores: [{ plugin: likesSeven, weight: 5 }],
    });
    const s = snapshotOf(
      Array.from({ length: 10 }, (_, i) => node(`n${i}`)),
      [[pod('busy', { requests: { cpu: 3000 } }), 'n7']],
    );
    expect(schedule(pod('p', { requests: { cpu: 100 } }), s, profile, { random: random() })).toMatchObject({
      nodeName: 'n7',
    });
    expect(
      schedule(pod('p', { requests: { cpu: 100 } }), s, spreadProfile(), { random: random() }),
    ).not.toMatchObject({
      nodeName: 'n7',
    });
  });

  it('runs a user filter plugin and counts its reason', () => {
    const profile = createProfile({
      name: 'odd-only',
      filters: [
        ...DEFAULT_FILTERS,
        {
          name: 'OddOnly',
          prepare: () => (n) =>
            Number(n.name.slice(1)) % 2 === 1 ? null : { code: 2, reasons: ['node(s) were even'] },
        },
      ],
    });
    const s = snapshotOf(Array.from({ length: 4 }, (_, i) => node(`n${i}`)));
    const r = schedule(pod('p', { requests: { cpu: 5000 } }), s, profile, { random: random() });
    expect(r).toMatchObject({ message: '0/4 nodes are available: 4 Insufficient cpu.' });
    const ok = schedule(pod('q'), s, profile, { random: random() });
    expect(ok.kind === 'scheduled' && Number(ok.nodeName.slice(1)) % 2).toBe(1);
    const s2 = snapshotOf([node('n0'), node('n2')]);
    expect(schedule(pod('q'), s2, profile, { random: random() })).toMatchObject({
      message: '0/2 nodes are available: 2 node(s) were even.',
    });
  });

  it('rejects bad profile settings naming the field', () => {
    expect(() => createProfile({ name: 'x', percentageOfNodesToScore: 150 })).toThrow(
      'percentageOfNodesToScore',
    );
    expect(() =>
      createProfile({ name: 'x', scores: [{ plugin: { name: 'a', prepare: () => null }, weight: 0 }] }),
    ).toThrow('weight');
  });
});
