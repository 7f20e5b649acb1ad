import { describe, expect, it } from 'vitest';
import {
  cleanupUnhealthyReplicas,
  reconcileNewReplicaSet,
  reconcileOldReplicaSets,
  scaleDownOldReplicaSets,
} from './rolling.js';
import { readDeployment } from './spec.js';
import { deployment, replicaSet } from './testing/fixtures.js';
import { rsNamed, stateOf } from './testing/state.js';
import { planned } from './working.js';

// Transcribed from Kubernetes' rolling_test.go. The new ReplicaSet runs the Deployment's template
// (image app:new); the old one another.

describe('reconcileNewReplicaSet', () => {
  it.each([
    {
      name: 'surge 0: should not scale up',
      replicas: 10,
      maxSurge: 0,
      old: 10,
      new: 0,
      scaled: false,
      want: 0,
    },
    { name: 'surge 2: scale up to 2', replicas: 10, maxSurge: 2, old: 10, new: 0, scaled: true, want: 2 },
    {
      name: 'surge 2, old 5: scale up to 7',
      replicas: 10,
      maxSurge: 2,
      old: 5,
      new: 0,
      scaled: true,
      want: 7,
    },
    {
      name: 'surge used up: should not scale',
      replicas: 10,
      maxSurge: 2,
      old: 10,
      new: 2,
      scaled: false,
      want: 2,
    },
    {
      name: 'above replicas: scale down',
      replicas: 10,
      maxSurge: 2,
      old: 2,
      new: 11,
      scaled: true,
      want: 10,
    },
  ])('$name', (row) => {
    const d = deployment({
      replicas: row.replicas,
      maxSurge: row.maxSurge,
      maxUnavailable: 1,
      image: 'app:new',
    });
    const state = stateOf(d, [
      replicaSet({ name: 'foo-old', replicas: row.old, image: 'app:old', created: 0 }),
      replicaSet({ name: 'foo-new', replicas: row.new, image: 'app:new', created: 10 }),
    ]);
    expect(reconcileNewReplicaSet(state)).toBe(row.scaled);
    expect(rsNamed(state, 'foo-new').replicas).toBe(row.want);
  });
});

describe('reconcileOldReplicaSets', () => {
  it.each([
    {
      name: 'surge 0, unavailable 1% → 0 → 1',
      replicas: 10,
      maxUnavailable: '1%',
      old: 10,
      new: 0,
      oldReady: 10,
      newReady: 0,
      scaled: true,
      want: 9,
    },
    {
      name: 'unavailable 2',
      replicas: 10,
      maxUnavailable: 2,
      old: 10,
      new: 0,
      oldReady: 10,
      newReady: 0,
      scaled: true,
      want: 8,
    },
    {
      name: 'unhealthy old replicas cleaned up',
      replicas: 10,
      maxUnavailable: 2,
      old: 10,
      new: 0,
      oldReady: 8,
      newReady: 0,
      scaled: true,
      want: 8,
    },
    {
      name: '1 unhealthy cleaned, 1 ready scaled down',
      replicas: 10,
      maxUnavailable: 2,
      old: 10,
      new: 0,
      oldReady: 9,
      newReady: 0,
      scaled: true,
      want: 8,
    },
    {
      name: 'unavailable new pods block scale-down',
      replicas: 10,
      maxUnavailable: 2,
      old: 8,
      new: 2,
      oldReady: 8,
      newReady: 0,
      scaled: false,
      want: 8,
    },
  ])('$name', (row) => {
    const d = deployment({
      replicas: row.replicas,
      maxSurge: 0,
      maxUnavailable: row.maxUnavailable,
      image: 'app:new',
    });
    const state = stateOf(d, [
      replicaSet({
        name: 'foo-old',
        replicas: row.old,
        available: row.oldReady,
        image: 'app:old',
        created: 0,
      }),
      replicaSet({
        name: 'foo-new',
        replicas: row.new,
        available: row.newReady,
        image: 'app:new',
        created: 10,
      }),
    ]);
    expect(reconcileOldReplicaSets(state)).toBe(row.scaled);
    expect(rsNamed(state, 'foo-old').replicas).toBe(row.want);
  });

  it('crash-looping new pods and a failed node: no scale-down (the worked example)', () => {
    // 10 replicas, surge 3, unavailable 2; new RS at 5 never available; old at 8 with 7 available.
    const d = deployment({ replicas: 10, maxSurge: 3, maxUnavailable: 2, image: 'app:new' });
    const state = stateOf(d, [
      replicaSet({ name: 'foo-old', replicas: 8, available: 7, image: 'app:old', created: 0 }),
      replicaSet({ name: 'foo-new', replicas: 5, available: 0, image: 'app:new', created: 10 }),
    ]);
    expect(reconcileOldReplicaSets(state)).toBe(false);
  });
});

describe('cleanupUnhealthyReplicas', () => {
  it.each([
    { old: 10, ready: 8, maxCleanup: 1, want: 1 },
    { old: 10, ready: 8, maxCleanup: 3, want: 2 },
    { old: 10, ready: 8, maxCleanup: 0, want: 0 },
    { old: 10, ready: 10, maxCleanup: 3, want: 0 },
    { old: 5, ready: 7, maxCleanup: 3, want: 0 },
  ])('$old replicas, $ready available, at most $maxCleanup → $want', ({ old, ready, maxCleanup, want }) => {
    const d = readDeployment(deployment({ replicas: 10, maxSurge: 2, maxUnavailable: 2 }));
    const rs = planned(replicaSet({ name: 'foo-v2', replicas: old, available: ready }));
    expect(cleanupUnhealthyReplicas([rs], d, maxCleanup)).toBe(want);
    expect(rs.replicas).toBe(old - want);
  });

  it('takes the oldest ReplicaSets first', () => {
    const d = readDeployment(deployment({ replicas: 10 }));
    const older = planned(replicaSet({ name: 'a', replicas: 3, available: 1, created: 0 }));
    const newer = planned(replicaSet({ name: 'b', replicas: 3, available: 1, created: 5 }));
    expect(cleanupUnhealthyReplicas([older, newer], d, 3)).toBe(3);
    expect([older.replicas, newer.replicas]).toEqual([1, 2]);
  });
});

describe('scaleDownOldReplicaSets', () => {
  it.each([
    { replicas: 10, maxUnavailable: '1%', ready: 10, old: 10, want: 9 },
    { replicas: 10, maxUnavailable: 2, ready: 10, old: 10, want: 8 },
    { replicas: 10, maxUnavailable: 2, ready: 8, old: 10, want: 10 },
    { replicas: 10, maxUnavailable: 2, ready: 10, old: 0, want: 0 },
    { replicas: 10, maxUnavailable: 2, ready: 1, old: 10, want: 10 },
  ])('replicas $replicas, unavailable $maxUnavailable, $ready available of $old → $want', (row) => {
    const d = readDeployment(
      deployment({ replicas: row.replicas, maxSurge: 0, maxUnavailable: row.maxUnavailable }),
    );
    const rs = planned(replicaSet({ name: 'foo-v2', replicas: row.old, available: row.ready }));
    const removed = scaleDownOldReplicaSets([rs], [rs], d);
    expect(rs.replicas).toBe(row.want);
    expect(removed).toBe(row.old - row.want);
  });
});
