import { describe, expect, it } from 'vitest';
import { Code } from '../status.js';
import { GiB, node, pod, runFilter, runScore, snapshotOf } from '../test-util.js';
import {
  BalancedAllocation,
  LeastAllocated,
  MostAllocated,
  NodePorts,
  NodeResourcesFit,
} from './resources.js';

describe('NodeResourcesFit filter', () => {
  const n1 = node('n1', { allocatable: { cpu: 1000, memory: 2 * GiB, pods: 2, 'example.com/gpu': 1 } });
  const used = pod('used', { requests: { cpu: 600, memory: GiB } });
  it.each([
    { name: 'fits', requests: { cpu: 400, memory: GiB }, want: [] },
    { name: 'cpu', requests: { cpu: 401 }, want: ['Insufficient cpu'] },
    { name: 'memory', requests: { memory: GiB + 1 }, want: ['Insufficient memory'] },
    {
      name: 'cpu and memory',
      requests: { cpu: 500, memory: 2 * GiB },
      want: ['Insufficient cpu', 'Insufficient memory'],
    },
    { name: 'extended resource fits', requests: { 'example.com/gpu': 1 }, want: [] },
    { name: 'extended resource', requests: { 'example.com/gpu': 2 }, want: ['Insufficient example.com/gpu'] },
    {
      name: 'resource the node lacks',
      requests: { 'example.com/fpga': 1 },
      want: ['Insufficient example.com/fpga'],
    },
    { name: 'zero requests always fit', requests: {}, want: [] },
  ])('$name', ({ requests, want }) => {
    const s = snapshotOf([n1], [[used, 'n1']]);
    const st = runFilter(NodeResourcesFit, pod('p', { requests }), s, 'n1');
    expect(st?.reasons ?? []).toEqual(want);
    if (st) expect(st.code).toBe(Code.Unschedulable);
  });

  it('counts pods against allocatable pods: Too many pods', () => {
    const s = snapshotOf(
      [n1],
      [
        [used, 'n1'],
        [pod('other'), 'n1'],
      ],
    );
    expect(runFilter(NodeResourcesFit, pod('p'), s, 'n1')?.reasons).toEqual(['Too many pods']);
  });
});

describe('NodePorts', () => {
  const REASON = "node(s) didn't have free ports for the requested pod ports";
  it.each([
    { name: 'same port and protocol, wildcard IPs', used: { port: 80 }, want: { port: 80 }, conflict: true },
    { name: 'different protocol', used: { port: 80 }, want: { port: 80, protocol: 'UDP' }, conflict: false },
    { name: 'different port', used: { port: 80 }, want: { port: 81 }, conflict: false },
    {
      name: 'different specific IPs',
      used: { port: 80, hostIP: '10.0.0.1' },
      want: { port: 80, hostIP: '10.0.0.2' },
      conflict: false,
    },
    {
      name: 'wildcard against specific',
      used: { port: 80, hostIP: '10.0.0.1' },
      want: { port: 80 },
      conflict: true,
    },
    {
      name: 'specific against wildcard',
      used: { port: 80 },
      want: { port: 80, hostIP: '10.0.0.1' },
      conflict: true,
    },
  ])('$name', ({ used, want, conflict }) => {
    const s = snapshotOf([node('n1')], [[pod('used', { hostPorts: [used] }), 'n1']]);
    expect(runFilter(NodePorts, pod('p', { hostPorts: [want] }), s, 'n1')?.reasons[0] ?? null).toBe(
      conflict ? REASON : null,
    );
  });

  it('frees the port when the pod leaves', () => {
    const s = snapshotOf([node('n1')], [[pod('used', { hostPorts: [{ port: 80 }] }), 'n1']]);
    s.unbind('default/used');
    expect(runFilter(NodePorts, pod('p', { hostPorts: [{ port: 80 }] }), s, 'n1')).toBeNull();
  });
});

describe('resource scores', () => {
  // Nodes of 4 cpu / 8 GiB; a is empty, b has 2 cpu / 4 GiB requested.
  const s = snapshotOf(
    [node('a'), node('b')],
    [[pod('x', { requests: { cpu: 2000, memory: 4 * GiB } }), 'b']],
  );
  const p = pod('p', { requests: { cpu: 1000, memory: 2 * GiB } });
  it.each([
    { name: 'LeastAllocated', plugin: LeastAllocated, want: [75, 25] },
    { name: 'MostAllocated', plugin: MostAllocated, want: [25, 75] },
    { name: 'BalancedAllocation (equal fractions)', plugin: BalancedAllocation, want: [100, 100] },
  ])('$name', ({ plugin, want }) => {
    expect(runScore(plugin, p, s, ['a', 'b'])?.normalized).toEqual(want);
  });

  it('BalancedAllocation prefers the node whose cpu and memory fractions stay close', () => {
    const s2 = snapshotOf([node('a'), node('b')], [[pod('x', { requests: { cpu: 2000 } }), 'b']]);
    const [a, b] = runScore(BalancedAllocation, p, s2, ['a', 'b'])!.raw;
    expect(a).toBeGreaterThan(b!);
  });

  it('scores pods without requests with Kubernetes default requests (100m, 200Mi)', () => {
    const r = runScore(MostAllocated, pod('p'), s, ['a'])!;
    expect(r.raw[0]).toBeCloseTo(((100 / 4000) * 100 + ((200 * 1024 * 1024) / (8 * GiB)) * 100) / 2);
  });
});
