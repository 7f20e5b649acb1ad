import { describe, expect, it } from 'vitest';
import { cleanupDeployment } from './cleanup.js';
import { deployment, replicaSet } from './testing/fixtures.js';
import { stateOf } from './testing/state.js';

// Transcribed from Kubernetes' sync_test.go TestDeploymentController_cleanupDeployment.
const old = (name: string, spec: number, status: number, revision: number) =>
  replicaSet({
    name,
    replicas: spec,
    statusReplicas: status,
    available: status,
    revision,
    created: revision,
  });

describe('cleanupDeployment', () => {
  it.each([
    {
      name: 'three empty, keep 1',
      rss: [old('foo-1', 0, 0, 1), old('foo-2', 0, 0, 2), old('foo-3', 0, 0, 3)],
      limit: 1,
      want: ['foo-1', 'foo-2'],
    },
    {
      name: 'only fully scaled-down ones',
      rss: [old('foo-1', 0, 0, 1), old('foo-2', 0, 1, 2), old('foo-3', 1, 0, 3), old('foo-4', 1, 1, 4)],
      limit: 0,
      want: ['foo-1'],
    },
    {
      name: 'two empty, keep 0',
      rss: [old('foo-1', 0, 0, 1), old('foo-2', 0, 0, 2)],
      limit: 0,
      want: ['foo-1', 'foo-2'],
    },
    { name: 'none scaled down', rss: [old('foo-1', 1, 1, 1), old('foo-2', 1, 1, 2)], limit: 0, want: [] },
    { name: 'within the limit', rss: [old('foo-1', 0, 0, 1), old('foo-2', 0, 0, 2)], limit: 2, want: [] },
    {
      name: 'lowest revision first, not oldest',
      rss: [old('foo-1', 0, 0, 5), old('foo-2', 0, 0, 2), old('foo-3', 0, 0, 3)],
      limit: 2,
      want: ['foo-2'],
    },
  ])('$name', ({ rss, limit, want }) => {
    const state = stateOf(deployment({ revisionHistoryLimit: limit, image: 'app:current' }), rss);
    cleanupDeployment(state);
    expect(state.deletes.map((a) => a.name)).toEqual(want);
  });

  it('skips ReplicaSets being deleted or not yet observed at their generation', () => {
    const deleting = old('foo-1', 0, 0, 1);
    deleting.metadata!.deletionTimestamp = '2016-05-20T00:00:00Z';
    const unobserved = replicaSet({
      name: 'foo-2',
      replicas: 0,
      revision: 2,
      generation: 3,
      observedGeneration: 2,
    });
    const state = stateOf(deployment({ revisionHistoryLimit: 0, image: 'app:current' }), [
      deleting,
      unobserved,
    ]);
    cleanupDeployment(state);
    expect(state.deletes).toEqual([]);
  });

  it('deletes with uid and resourceVersion preconditions', () => {
    const state = stateOf(deployment({ revisionHistoryLimit: 0, image: 'app:current' }), [
      old('foo-1', 0, 0, 1),
    ]);
    cleanupDeployment(state);
    expect(state.deletes).toEqual([
      {
        type: 'deleteReplicaSet',
        namespace: 'default',
        name: 'foo-1',
        preconditions: { uid: 'uid-foo-1', resourceVersion: 'rv-foo-1' },
      },
    ]);
  });
});
