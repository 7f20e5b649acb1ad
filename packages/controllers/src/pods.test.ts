import type { Pod } from '@flotilla/api';
import { describe, expect, it } from 'vitest';
import { compareForDeletion, isPodActive, isPodAvailable } from './pods.js';

const T0 = Date.UTC(2024, 0, 1);
const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

function pod(
  name: string,
  o: {
    node?: string;
    phase?: string;
    readySince?: number;
    restarts?: number;
    created?: number;
    deleting?: boolean;
  } = {},
): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      ...(o.created !== undefined ? { creationTimestamp: iso(o.created) } : {}),
      ...(o.deleting ? { deletionTimestamp: iso(T0) } : {}),
    },
    spec: { containers: [{ name: 'c', image: 'x' }], ...(o.node ? { nodeName: o.node } : {}) },
    status: {
      phase: o.phase ?? 'Running',
      conditions:
        o.readySince !== undefined
          ? [{ type: 'Ready', status: 'True', lastTransitionTime: iso(o.readySince) }]
          : [{ type: 'Ready', status: 'False' }],
      containerStatuses: [
        {
          name: 'c',
          image: 'x',
          imageID: '',
          ready: o.readySince !== undefined,
          restartCount: o.restarts ?? 0,
        },
      ],
    },
  };
}

describe('pod facts', () => {
  it.each([
    { name: 'running', p: pod('a'), active: true },
    { name: 'succeeded', p: pod('a', { phase: 'Succeeded' }), active: false },
    { name: 'failed', p: pod('a', { phase: 'Failed' }), active: false },
    { name: 'terminating', p: pod('a', { deleting: true }), active: false },
  ])('isPodActive: $name', ({ p, active }) => {
    expect(isPodActive(p)).toBe(active);
  });

  it('is available only after minReadySeconds of readiness', () => {
    const p = pod('a', { readySince: T0 });
    expect(isPodAvailable(p, 0, T0)).toBe(true);
    expect(isPodAvailable(p, 10, T0 + 9_999)).toBe(false);
    expect(isPodAvailable(p, 10, T0 + 10_000)).toBe(true);
    expect(isPodAvailable(pod('b'), 0, T0)).toBe(false);
  });

  it.each([
    { name: 'unscheduled before scheduled', first: pod('a'), second: pod('b', { node: 'n1' }) },
    {
      name: 'pending before running',
      first: pod('a', { node: 'n', phase: 'Pending' }),
      second: pod('b', { node: 'n' }),
    },
    {
      name: 'not ready before ready',
      first: pod('a', { node: 'n' }),
      second: pod('b', { node: 'n', readySince: T0 }),
    },
    {
      name: 'ready for less time first',
      first: pod('a', { node: 'n', readySince: T0 + 5 }),
      second: pod('b', { node: 'n', readySince: T0 }),
    },
    {
      name: 'more restarts first',
      first: pod('a', { node: 'n', restarts: 3 }),
      second: pod('b', { node: 'n', restarts: 1 }),
    },
    {
      name: 'newer first',
      first: pod('a', { node: 'n', created: T0 + 1000 }),
      second: pod('b', { node: 'n', created: T0 }),
    },
    {
      name: 'no creation time first',
      first: pod('a', { node: 'n' }),
      second: pod('b', { node: 'n', created: T0 }),
    },
  ])('deletion order: $name', ({ first, second }) => {
    expect(compareForDeletion(first, second)).toBeLessThan(0);
    expect(compareForDeletion(second, first)).toBeGreaterThan(0);
  });

  it('deletion order: more pods of the owner on the node first', () => {
    const a = pod('a', { node: 'crowded', readySince: T0 });
    const b = pod('b', { node: 'quiet', readySince: T0 });
    const rank = (p: Pod) => (p.spec?.nodeName === 'crowded' ? 3 : 1);
    expect(compareForDeletion(a, b, rank)).toBeLessThan(0);
  });
});
