import { describe, expect, it } from 'vitest';
import { Code } from '../status.js';
import { node, pod, runFilter, runScore, snapshotOf } from '../test-util.js';
import {
  NodeAffinity,
  NodeAffinityScore,
  NodeName,
  NodeReady,
  NodeUnschedulable,
  TaintToleration,
  TaintTolerationScore,
} from './node.js';

describe('NodeUnschedulable', () => {
  it.each([
    {
      name: 'cordoned node rejects',
      unschedulable: true,
      tolerations: [],
      want: 'node(s) were unschedulable',
    },
    { name: 'schedulable node passes', unschedulable: false, tolerations: [], want: null },
    {
      name: 'toleration of the unschedulable taint passes',
      unschedulable: true,
      tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }],
      want: null,
    },
  ])('$name', ({ unschedulable, tolerations, want }) => {
    const s = snapshotOf([node('n1', { unschedulable }), node('n2', { unschedulable: true })]);
    const st = runFilter(NodeUnschedulable, pod('p', { tolerations }), s, 'n1');
    expect(st?.reasons[0] ?? null).toBe(want);
    if (st) expect(st.code).toBe(Code.UnschedulableAndUnresolvable);
  });
});

describe('NodeReady', () => {
  it.each([
    {
      name: 'not ready rejects with the not-ready taint reason',
      ready: false,
      tolerations: [],
      want: 'node(s) had untolerated taint {node.kubernetes.io/not-ready: }',
    },
    { name: 'ready passes', ready: true, tolerations: [], want: null },
    {
      name: 'tolerated',
      ready: false,
      tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists' }],
      want: null,
    },
  ])('$name', ({ ready, tolerations, want }) => {
    const s = snapshotOf([node('n1', { ready }), node('n2', { ready: false })]);
    expect(runFilter(NodeReady, pod('p', { tolerations }), s, 'n1')?.reasons[0] ?? null).toBe(want);
  });
});

describe('NodeName', () => {
  it.each([
    { name: 'no nodeName passes', nodeName: undefined, want: null },
    { name: 'same name passes', nodeName: 'n1', want: null },
    { name: 'other name rejects', nodeName: 'n2', want: "node(s) didn't match the requested node name" },
  ])('$name', ({ nodeName, want }) => {
    const s = snapshotOf([node('n1'), node('n2')]);
    expect(runFilter(NodeName, pod('p', { nodeName }), s, 'n1')?.reasons[0] ?? null).toBe(want);
  });
});

describe('NodeAffinity filter', () => {
  const REASON = "node(s) didn't match Pod's node affinity/selector";
  const labels = { 'kubernetes.io/hostname': 'n1', zone: 'a', disk: 'ssd' };
  it.each([
    { name: 'nodeSelector match', extra: { nodeSelector: { zone: 'a' } }, want: null },
    { name: 'nodeSelector miss', extra: { nodeSelector: { zone: 'b' } }, want: REASON },
    {
      name: 'required affinity match',
      extra: {
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] }],
            },
          },
        },
      },
      want: null,
    },
    {
      name: 'required affinity miss even though nodeSelector matches',
      extra: {
        nodeSelector: { zone: 'a' },
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'DoesNotExist' }] }],
            },
          },
        },
      },
      want: REASON,
    },
  ])('$name', ({ extra, want }) => {
    const s = snapshotOf([node('n1', { labels })]);
    const st = runFilter(NodeAffinity, pod('p', extra), s, 'n1');
    expect(st?.reasons[0] ?? null).toBe(want);
    if (st) expect(st.code).toBe(Code.UnschedulableAndUnresolvable);
  });
});

describe('TaintToleration filter', () => {
  it.each([
    {
      name: 'NoSchedule untolerated',
      taint: { key: 'k', value: 'v', effect: 'NoSchedule' },
      tol: [],
      want: 'node(s) had untolerated taint {k: v}',
    },
    {
      name: 'NoExecute untolerated',
      taint: { key: 'k', effect: 'NoExecute' },
      tol: [],
      want: 'node(s) had untolerated taint {k: }',
    },
    {
      name: 'PreferNoSchedule is not a filter',
      taint: { key: 'k', effect: 'PreferNoSchedule' },
      tol: [],
      want: null,
    },
    {
      name: 'Equal toleration',
      taint: { key: 'k', value: 'v', effect: 'NoSchedule' },
      tol: [{ key: 'k', value: 'v' }],
      want: null,
    },
    {
      name: 'Equal toleration with other value',
      taint: { key: 'k', value: 'v', effect: 'NoSchedule' },
      tol: [{ key: 'k', operator: 'Equal', value: 'w' }],
      want: 'node(s) had untolerated taint {k: v}',
    },
    {
      name: 'Exists toleration',
      taint: { key: 'k', value: 'v', effect: 'NoSchedule' },
      tol: [{ key: 'k', operator: 'Exists' }],
      want: null,
    },
    {
      name: 'toleration for another effect',
      taint: { key: 'k', value: 'v', effect: 'NoExecute' },
      tol: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }],
      want: 'node(s) had untolerated taint {k: v}',
    },
    {
      name: 'empty key Exists tolerates everything',
      taint: { key: 'k', effect: 'NoExecute' },
      tol: [{ operator: 'Exists' }],
      want: null,
    },
  ])('$name', ({ taint, tol, want }) => {
    const s = snapshotOf([node('n1', { taints: [taint] })]);
    expect(runFilter(TaintToleration, pod('p', { tolerations: tol }), s, 'n1')?.reasons[0] ?? null).toBe(
      want,
    );
  });
});

describe('score plugins', () => {
  it('NodeAffinity sums matching preferred weights and normalises by the best node', () => {
    const s = snapshotOf([
      node('a', { labels: { zone: 'a', disk: 'ssd' } }),
      node('b', { labels: { zone: 'a' } }),
      node('c', { labels: {} }),
    ]);
    const p = pod('p', {
      affinity: {
        nodeAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [
            {
              weight: 30,
              preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] },
            },
            { weight: 10, preference: { matchExpressions: [{ key: 'disk', operator: 'Exists' }] } },
          ],
        },
      },
    });
    expect(runScore(NodeAffinityScore, p, s, ['a', 'b', 'c'])).toEqual({
      raw: [40, 30, 0],
      normalized: [100, 75, 0],
    });
    expect(runScore(NodeAffinityScore, pod('q'), s, ['a'])).toBeNull();
  });

  it('TaintToleration counts untolerated PreferNoSchedule taints, fewer is better', () => {
    const soft = (key: string) => ({ key, effect: 'PreferNoSchedule' });
    const s = snapshotOf([
      node('a', { taints: [soft('x'), soft('y')] }),
      node('b', { taints: [soft('x')] }),
      node('c'),
    ]);
    expect(runScore(TaintTolerationScore, pod('p'), s, ['a', 'b', 'c'])).toEqual({
      raw: [2, 1, 0],
      normalized: [0, 50, 100],
    });
    const tolerant = pod('p', {
      tolerations: [{ key: 'x', operator: 'Exists', effect: 'PreferNoSchedule' }],
    });
    expect(runScore(TaintTolerationScore, tolerant, s, ['a', 'b', 'c'])?.raw).toEqual([1, 0, 0]);
  });
});
