import { describe, expect, it } from 'vitest';
import { isRolloutError } from './errors.js';
import { newReplicaSetReplicas, resolveFenceposts, scaledValue } from './fenceposts.js';

describe('resolveFenceposts', () => {
  it.each([
    {
      name: 'defaults at 10 replicas (ANCHORS 6.2)',
      surge: '25%',
      unavailable: '25%',
      desired: 10,
      want: [3, 2],
    },
    {
      name: 'percentages: surge rounds up, unavailable down',
      surge: '39%',
      unavailable: '39%',
      desired: 10,
      want: [4, 3],
    },
    { name: 'integers as given', surge: 5, unavailable: 1, desired: 10, want: [5, 1] },
    { name: 'both 0 → unavailable 1', surge: 0, unavailable: 0, desired: 0, want: [0, 1] },
    {
      name: '2 desired, unavailable 1%, surge 0% → unavailable 1',
      surge: '0%',
      unavailable: '1%',
      desired: 2,
      want: [0, 1],
    },
    {
      name: '2 desired, unavailable 25%, surge 1% → surge 1',
      surge: '1%',
      unavailable: '25%',
      desired: 2,
      want: [1, 0],
    },
    {
      name: '1 desired, unavailable 0%, surge 1% → surge 1',
      surge: '1%',
      unavailable: '0%',
      desired: 1,
      want: [1, 0],
    },
    { name: 'integers above desired stay', surge: 20, unavailable: 20, desired: 3, want: [20, 20] },
    { name: '100% of 7', surge: '100%', unavailable: '100%', desired: 7, want: [7, 7] },
  ])('$name', ({ surge, unavailable, desired, want }) => {
    const got = resolveFenceposts(surge, unavailable, desired);
    expect([got.maxSurge, got.maxUnavailable]).toEqual(want);
  });

  it.each([
    { surge: 'oops', unavailable: 1, field: 'spec.strategy.rollingUpdate.maxSurge' },
    { surge: '55%', unavailable: 'urg', field: 'spec.strategy.rollingUpdate.maxUnavailable' },
    { surge: '5', unavailable: 1, field: 'spec.strategy.rollingUpdate.maxSurge' },
    { surge: -1, unavailable: 1, field: 'spec.strategy.rollingUpdate.maxSurge' },
    { surge: 1, unavailable: '-5%', field: 'spec.strategy.rollingUpdate.maxUnavailable' },
  ])('rejects $surge / $unavailable naming $field', ({ surge, unavailable, field }) => {
    let caught: unknown;
    try {
      resolveFenceposts(surge, unavailable, 10);
    } catch (e) {
      caught = e;
    }
    expect(isRolloutError(caught, 'Invalid')).toBe(true);
    expect((caught as { field: string }).field).toBe(field);
  });
});

describe('scaledValue', () => {
  it.each([
    { value: '25%', total: 10, roundUp: true, want: 3 },
    { value: '25%', total: 10, roundUp: false, want: 2 },
    { value: '33%', total: 3, roundUp: true, want: 1 },
    { value: '33%', total: 3, roundUp: false, want: 0 },
    { value: '0%', total: 100, roundUp: true, want: 0 },
    { value: 4, total: 100, roundUp: false, want: 4 },
  ])('$value of $total (roundUp=$roundUp) = $want', ({ value, total, roundUp, want }) => {
    expect(scaledValue(value, total, roundUp)).toBe(want);
  });
});

describe('newReplicaSetReplicas (NewRSNewReplicas)', () => {
  it.each([
    // Kubernetes' deployment_util_test cases.
    {
      name: 'can not scale up - to newRSReplicas',
      strategy: 'RollingUpdate',
      replicas: 1,
      newReplicas: 5,
      maxSurge: 1,
      old: 5,
      want: 5,
    },
    {
      name: 'scale up - to depReplicas',
      strategy: 'RollingUpdate',
      replicas: 6,
      newReplicas: 2,
      maxSurge: 10,
      old: 3,
      want: 6,
    },
    {
      name: 'recreate - to depReplicas',
      strategy: 'Recreate',
      replicas: 3,
      newReplicas: 1,
      maxSurge: 1,
      old: 1,
      want: 3,
    },
    // rolling_test reconcileNewReplicaSet scale-up rows.
    {
      name: 'surge 0, old full',
      strategy: 'RollingUpdate',
      replicas: 10,
      newReplicas: 0,
      maxSurge: 0,
      old: 10,
      want: 0,
    },
    {
      name: 'surge 2, old full',
      strategy: 'RollingUpdate',
      replicas: 10,
      newReplicas: 0,
      maxSurge: 2,
      old: 10,
      want: 2,
    },
    {
      name: 'surge 2, old half',
      strategy: 'RollingUpdate',
      replicas: 10,
      newReplicas: 0,
      maxSurge: 2,
      old: 5,
      want: 7,
    },
    {
      name: 'surge used up',
      strategy: 'RollingUpdate',
      replicas: 10,
      newReplicas: 2,
      maxSurge: 2,
      old: 10,
      want: 2,
    },
  ] as const)('$name', ({ strategy, replicas, newReplicas, maxSurge, old, want }) => {
    expect(
      newReplicaSetReplicas({ strategy, replicas, maxSurge, totalReplicas: old + newReplicas, newReplicas }),
    ).toBe(want);
  });
});
