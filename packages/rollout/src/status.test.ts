import { describe, expect, it } from 'vitest';
import { getCondition } from './progress.js';
import { readDeployment } from './spec.js';
import { calculateStatus, rolloutStatus, statusEquals } from './status.js';
import { deployment, replicaSet, T0 } from './testing/fixtures.js';
import { formatTime } from './time.js';

const now = T0 + 3600_000;

describe('calculateStatus', () => {
  it('sums counts over the ReplicaSets and reports minimum availability', () => {
    const d = readDeployment(deployment({ replicas: 4, maxSurge: 1, maxUnavailable: 1, generation: 7 }));
    const oldRS = replicaSet({ name: 'web-old', replicas: 2, available: 2 });
    const newRS = replicaSet({ name: 'web-new', replicas: 3, available: 1, ready: 2 });
    const status = calculateStatus(d, [oldRS, newRS], newRS, {}, now);
    expect(status).toEqual({
      observedGeneration: 7,
      replicas: 5,
      updatedReplicas: 3,
      readyReplicas: 4,
      availableReplicas: 3,
      unavailableReplicas: 2,
      conditions: [
        {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
          message: 'Deployment has minimum availability.',
          lastUpdateTime: formatTime(now),
          lastTransitionTime: formatTime(now),
        },
      ],
    });
  });

  it('reports missing availability and omits zero counts', () => {
    const d = readDeployment(deployment({ replicas: 4, maxSurge: 1, maxUnavailable: 1 }));
    const newRS = replicaSet({ name: 'web-new', replicas: 4, available: 0, ready: 0, statusReplicas: 0 });
    const status = calculateStatus(d, [newRS], newRS, { collisionCount: 2 }, now);
    expect(status).toMatchObject({ observedGeneration: 1, unavailableReplicas: 4, collisionCount: 2 });
    expect(status).not.toHaveProperty('replicas');
    expect(getCondition(status, 'Available')).toMatchObject({
      status: 'False',
      reason: 'MinimumReplicasUnavailable',
      message: 'Deployment does not have minimum availability.',
    });
  });
});

describe('rolloutStatus', () => {
  const base = (reason: string, seconds = 0, status = 'True') => ({
    replicas: 3,
    updatedReplicas: 1,
    availableReplicas: 3,
    observedGeneration: 1,
    conditions: [
      {
        type: 'Progressing',
        status,
        reason,
        message: 'before',
        lastUpdateTime: formatTime(T0 + seconds * 1000),
        lastTransitionTime: formatTime(T0),
      },
    ],
  });

  it('NewReplicaSetAvailable once complete, naming the ReplicaSet', () => {
    const d = readDeployment(deployment({ replicas: 3 }));
    const newRS = replicaSet({ name: 'web-5d4f8c7b9', replicas: 3 });
    const status = rolloutStatus(d, [newRS], newRS, base('ReplicaSetUpdated'), now);
    expect(getCondition(status, 'Progressing')).toMatchObject({
      status: 'True',
      reason: 'NewReplicaSetAvailable',
      message: 'ReplicaSet "web-5d4f8c7b9" has successfully progressed.',
      lastTransitionTime: formatTime(T0),
    });
  });

  it('ReplicaSetUpdated on progress refreshes lastUpdateTime but keeps lastTransitionTime', () => {
    const d = readDeployment(deployment({ replicas: 3 }));
    const oldRS = replicaSet({ name: 'web-old', replicas: 1, created: 0 });
    const newRS = replicaSet({ name: 'web-new', replicas: 2, created: 1 });
    const status = rolloutStatus(d, [oldRS, newRS], newRS, base('ReplicaSetUpdated'), now);
    expect(getCondition(status, 'Progressing')).toMatchObject({
      reason: 'ReplicaSetUpdated',
      message: 'ReplicaSet "web-new" is progressing.',
      lastUpdateTime: formatTime(now),
      lastTransitionTime: formatTime(T0),
    });
  });

  it('ProgressDeadlineExceeded after the deadline without progress', () => {
    const d = readDeployment(deployment({ replicas: 3, progressDeadlineSeconds: 60 }));
    const oldRS = replicaSet({ name: 'web-old', replicas: 2, created: 0 });
    const newRS = replicaSet({ name: 'web-new', replicas: 1, available: 0, created: 1 });
    const observed = { ...base('ReplicaSetUpdated'), availableReplicas: 2 };
    const status = rolloutStatus(d, [oldRS, newRS], newRS, observed, T0 + 61_000);
    expect(getCondition(status, 'Progressing')).toMatchObject({
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: 'ReplicaSet "web-new" has timed out progressing.',
      lastTransitionTime: formatTime(T0 + 61_000),
    });
  });

  it('leaves a completed rollout alone and drops Progressing without a deadline', () => {
    const complete = readDeployment(deployment({ replicas: 3 }));
    const newRS = replicaSet({ name: 'web-new', replicas: 3 });
    const observed = { ...base('NewReplicaSetAvailable'), updatedReplicas: 3 };
    expect(getCondition(rolloutStatus(complete, [newRS], newRS, observed, now), 'Progressing')).toEqual(
      observed.conditions[0],
    );
    const noDeadline = readDeployment(deployment({ replicas: 3, progressDeadlineSeconds: 2147483647 }));
    expect(
      getCondition(rolloutStatus(noDeadline, [newRS], newRS, observed, now), 'Progressing'),
    ).toBeUndefined();
  });

  it('promotes a ReplicaFailure condition of the new ReplicaSet', () => {
    const d = readDeployment(deployment({ replicas: 3 }));
    const newRS = replicaSet({ name: 'web-new', replicas: 3, available: 0, statusReplicas: 0 });
    newRS.status!.conditions = [
      {
        type: 'ReplicaFailure',
        status: 'True',
        reason: 'FailedCreate',
        message: 'quota',
        lastTransitionTime: formatTime(T0),
      },
    ];
    expect(getCondition(rolloutStatus(d, [newRS], newRS, {}, now), 'ReplicaFailure')).toEqual({
      type: 'ReplicaFailure',
      status: 'True',
      reason: 'FailedCreate',
      message: 'quota',
      lastUpdateTime: formatTime(T0),
      lastTransitionTime: formatTime(T0),
    });
  });
});

describe('statusEquals', () => {
  it('treats an absent count as 0', () => {
    expect(statusEquals({ replicas: 0, conditions: [] }, {})).toBe(true);
    expect(statusEquals({ replicas: 1 }, {})).toBe(false);
  });
});
