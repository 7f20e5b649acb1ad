import type { Namespace } from '@flotilla/api';
import { describe, expect, it } from 'vitest';
import type { GCObject } from '../garbagecollector/plan.js';
import { NAMESPACE_RECHECK_MS, planNamespace } from './plan.js';

const ns = (
  opts: { deleting?: boolean; phase?: 'Active' | 'Terminating'; finalizers?: string[] } = {},
): Namespace => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: {
    name: 'team',
    uid: 'ns-uid',
    ...(opts.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
  },
  spec: { finalizers: opts.finalizers ?? ['kubernetes'] },
  status: { phase: opts.phase ?? 'Active' },
});

const item = (name: string, deleting = false): GCObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: {
    name,
    namespace: 'team',
    uid: `uid-${name}`,
    ...(deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
  },
});

describe('planNamespace', () => {
  it.each([
    ['a live namespace is left alone, contents and all', ns(), [item('a')], { actions: [] }],
    [
      'deleted: Terminating, contents deleted, asked again later',
      ns({ deleting: true }),
      [item('a'), item('b', true)],
      {
        actions: [{ type: 'setTerminating' }, { type: 'deleteObject', object: item('a') }],
        requeueAfter: NAMESPACE_RECHECK_MS,
      },
    ],
    [
      'terminating, contents still going away',
      ns({ deleting: true, phase: 'Terminating' }),
      [item('b', true)],
      { actions: [], requeueAfter: NAMESPACE_RECHECK_MS },
    ],
    [
      'terminating and empty: the kubernetes finalizer goes',
      ns({ deleting: true, phase: 'Terminating' }),
      [],
      { actions: [{ type: 'finalize' }] },
    ],
    [
      'terminating, empty, already finalized',
      ns({ deleting: true, phase: 'Terminating', finalizers: [] }),
      [],
      { actions: [] },
    ],
    [
      'gone already: its leftovers are deleted',
      undefined,
      [item('a')],
      { actions: [{ type: 'deleteObject', object: item('a') }], requeueAfter: NAMESPACE_RECHECK_MS },
    ],
    ['gone and empty', undefined, [], { actions: [] }],
  ] as const)('%s', (_, namespace, contents, want) => {
    expect(planNamespace(namespace, contents)).toEqual(want);
  });
});
