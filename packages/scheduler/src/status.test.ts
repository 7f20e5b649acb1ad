import { describe, expect, it } from 'vitest';
import { Code, Diagnosis, formatFitError, unresolvable, unschedulable } from './status.js';

describe('formatFitError', () => {
  it.each([
    {
      name: 'counts prefixed, sorted as strings (Kubernetes sortReasonsHistogram)',
      n: 5000,
      counts: [
        ['Insufficient cpu', 3000],
        ["node(s) didn't match Pod's node affinity/selector", 2000],
      ] as const,
      want: "0/5000 nodes are available: 2000 node(s) didn't match Pod's node affinity/selector, 3000 Insufficient cpu.",
    },
    {
      name: 'one reason',
      n: 3,
      counts: [['node(s) were unschedulable', 3]] as const,
      want: '0/3 nodes are available: 3 node(s) were unschedulable.',
    },
    { name: 'no reasons', n: 0, counts: [] as const, want: '0/0 nodes are available.' },
  ])('$name', ({ n, counts, want }) => {
    expect(formatFitError(n, new Map(counts))).toBe(want);
  });
});

describe('Diagnosis', () => {
  it('counts every reason of a status once per node and keeps the code per node', () => {
    const d = new Diagnosis();
    d.record(0, 'NodeResourcesFit', unschedulable('Insufficient cpu', 'Insufficient memory'));
    d.record(1, 'NodeResourcesFit', unschedulable('Insufficient cpu'));
    d.record(2, 'NodeAffinity', unresolvable('x'));
    expect([...d.reasonCounts]).toEqual([
      ['Insufficient cpu', 2],
      ['Insufficient memory', 1],
      ['x', 1],
    ]);
    expect(d.nodeCodes.get(0)).toBe(Code.Unschedulable);
    expect(d.nodeCodes.get(2)).toBe(Code.UnschedulableAndUnresolvable);
    expect([...d.unschedulablePlugins].sort()).toEqual(['NodeAffinity', 'NodeResourcesFit']);
  });
});
