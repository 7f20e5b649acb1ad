import type { OwnerReference } from '@flotilla/api';
import { describe, expect, it } from 'vitest';
import {
  FINALIZER_FOREGROUND,
  FINALIZER_ORPHAN,
  type GCObject,
  type OwnerState,
  ownerStateOf,
  planDependent,
  planOwner,
} from './plan.js';

const ref = (uid: string, block = false): OwnerReference => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  name: `rs-${uid}`,
  uid,
  ...(block ? { blockOwnerDeletion: true } : {}),
});

const obj = (
  uid: string,
  meta: { refs?: OwnerReference[]; deleting?: boolean; finalizers?: string[] } = {},
): GCObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: `pod-${uid}`,
    namespace: 'default',
    uid,
    ...(meta.refs ? { ownerReferences: meta.refs } : {}),
    ...(meta.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    ...(meta.finalizers ? { finalizers: meta.finalizers } : {}),
  },
});

describe('ownerStateOf', () => {
  it.each([
    ['no object', undefined, 'absent'],
    ['another uid (re-created namesake)', obj('other'), 'absent'],
    ['the owner', obj('a'), 'solid'],
    [
      'the owner, deleted in the background with other finalizers',
      obj('a', { deleting: true, finalizers: ['x.io/y'] }),
      'solid',
    ],
    [
      'the owner, deleted in the foreground',
      obj('a', { deleting: true, finalizers: [FINALIZER_FOREGROUND] }),
      'waiting',
    ],
    [
      'foregroundDeletion without deletionTimestamp',
      obj('a', { finalizers: [FINALIZER_FOREGROUND] }),
      'solid',
    ],
  ] as const)('%s → %s', (_, owner, want) => {
    expect(ownerStateOf({ uid: 'a' }, owner)).toBe(want);
  });
});

describe('planDependent', () => {
  const states = (m: Record<string, OwnerState>) => (r: OwnerReference) => m[r.uid] ?? 'unknown';
  it.each([
    ['no owner references', obj('d'), {}, false, { type: 'none' }],
    [
      'being deleted already',
      obj('d', { refs: [ref('a')], deleting: true }),
      { a: 'absent' },
      false,
      { type: 'none' },
    ],
    ['its owner lives', obj('d', { refs: [ref('a')] }), { a: 'solid' }, false, { type: 'none' }],
    [
      'its owner is gone',
      obj('d', { refs: [ref('a')] }),
      { a: 'absent' },
      false,
      { type: 'delete', propagation: 'Background' },
    ],
    [
      'one of two owners is gone: only that reference goes',
      obj('d', { refs: [ref('a'), ref('b')] }),
      { a: 'absent', b: 'solid' },
      false,
      { type: 'removeOwnerReferences', uids: ['a'] },
    ],
    [
      'both owners gone',
      obj('d', { refs: [ref('a'), ref('b')] }),
      { a: 'absent', b: 'absent' },
      false,
      { type: 'delete', propagation: 'Background' },
    ],
    [
      'an owner of unknown kind keeps it',
      obj('d', { refs: [ref('a'), ref('z')] }),
      { a: 'absent' },
      false,
      { type: 'removeOwnerReferences', uids: ['a'] },
    ],
    [
      'owner waits (foreground), no own dependents',
      obj('d', { refs: [ref('a', true)] }),
      { a: 'waiting' },
      false,
      { type: 'delete', propagation: 'Background' },
    ],
    [
      'owner waits (foreground) and it has dependents: foreground too',
      obj('d', { refs: [ref('a', true)] }),
      { a: 'waiting' },
      true,
      { type: 'delete', propagation: 'Foreground' },
    ],
    [
      'a waiting owner and a solid one: the waiting reference goes',
      obj('d', { refs: [ref('a'), ref('b')] }),
      { a: 'waiting', b: 'solid' },
      false,
      { type: 'removeOwnerReferences', uids: ['a'] },
    ],
    [
      'carries the orphan finalizer',
      obj('d', { refs: [ref('a')], finalizers: [FINALIZER_ORPHAN] }),
      { a: 'absent' },
      true,
      { type: 'delete', propagation: 'Orphan' },
    ],
  ] as const)('%s', (_, dependent, m, hasDependents, want) => {
    expect(planDependent(dependent, states(m), hasDependents)).toEqual(want);
  });
});

describe('planOwner', () => {
  const owner = (finalizers: string[], deleting = true) => obj('o', { deleting, finalizers });
  const child = (uid: string, block: boolean, deleting = false) =>
    obj(uid, { refs: [ref('o', block)], deleting });
  const unrelated = obj('u', { refs: [ref('x', true)] });

  it('does nothing for an owner that is not being deleted', () => {
    expect(planOwner(owner([FINALIZER_FOREGROUND], false), [child('c', true)])).toEqual([]);
  });

  it('orphan: every dependent loses its reference, then the finalizer goes', () => {
    const c1 = child('c1', true);
    const c2 = child('c2', false);
    expect(planOwner(owner([FINALIZER_ORPHAN]), [c1, c2, unrelated])).toEqual([
      { type: 'orphanDependent', dependent: c1 },
      { type: 'orphanDependent', dependent: c2 },
      { type: 'removeFinalizer', finalizer: FINALIZER_ORPHAN },
    ]);
  });

  it('foreground: blocking dependents are checked, not-blocking ones do not hold the owner', () => {
    expect(
      planOwner(owner([FINALIZER_FOREGROUND]), [
        child('c1', true),
        child('c2', false),
        child('c3', true, true),
      ]),
    ).toEqual([{ type: 'checkDependent', uid: 'c1' }]);
    expect(planOwner(owner([FINALIZER_FOREGROUND]), [child('c2', false), unrelated])).toEqual([
      { type: 'removeFinalizer', finalizer: FINALIZER_FOREGROUND },
    ]);
    expect(planOwner(owner([FINALIZER_FOREGROUND]), [])).toEqual([
      { type: 'removeFinalizer', finalizer: FINALIZER_FOREGROUND },
    ]);
  });

  it('a blocking dependent already being deleted still holds the owner', () => {
    expect(planOwner(owner([FINALIZER_FOREGROUND]), [child('c3', true, true)])).toEqual([]);
  });
});
