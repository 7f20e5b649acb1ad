import { describe, expect, it } from 'vitest';
import {
  checkPausedConditions,
  deadlineRequeueAfter,
  getCondition,
  hasTimedOut,
  isComplete,
  isProgressing,
  newCondition,
  removeCondition,
  setCondition,
} from './progress.js';
import type { DeploymentStatus } from './shapes.js';
import { readDeployment } from './spec.js';
import { deployment, T0 } from './testing/fixtures.js';
import { formatTime } from './time.js';

const at = (seconds: number) => T0 + seconds * 1000;
const progressing = (reason: string, updatedAtSeconds: number, status = 'True') => ({
  conditions: [
    {
      type: 'Progressing',
      status,
      reason,
      message: '',
      lastUpdateTime: formatTime(at(updatedAtSeconds)),
      lastTransitionTime: formatTime(at(0)),
    },
  ],
});

describe('setCondition (SetDeploymentCondition)', () => {
  const available = newCondition('Available', 'True', 'MinimumReplicasAvailable', 'm', at(0));

  it('adds a condition the first time', () => {
    expect(setCondition({}, available).conditions).toEqual([available]);
  });

  it('appends a condition of another type', () => {
    const p = newCondition('Progressing', 'True', 'ReplicaSetUpdated', 'p', at(1));
    expect(setCondition({ conditions: [available] }, p).conditions).toEqual([available, p]);
  });

  it('changes nothing when status and reason are the same (times kept)', () => {
    const status: DeploymentStatus = { conditions: [available] };
    const later = newCondition('Available', 'True', 'MinimumReplicasAvailable', 'other message', at(50));
    expect(setCondition(status, later)).toBe(status);
  });

  it('keeps lastTransitionTime when only the reason changes', () => {
    const p = newCondition('Progressing', 'True', 'NewReplicaSetCreated', 'p', at(1));
    const next = newCondition('Progressing', 'True', 'ReplicaSetUpdated', 'q', at(60));
    const got = getCondition(setCondition({ conditions: [p] }, next), 'Progressing')!;
    expect(got.reason).toBe('ReplicaSetUpdated');
    expect(got.lastTransitionTime).toBe(formatTime(at(1)));
    expect(got.lastUpdateTime).toBe(formatTime(at(60)));
  });

  it('moves the transition time when the status changes, and moves the condition to the end', () => {
    const p = newCondition('Progressing', 'True', 'ReplicaSetUpdated', 'p', at(1));
    const timedOut = newCondition('Progressing', 'False', 'ProgressDeadlineExceeded', 'q', at(60));
    const got = setCondition({ conditions: [p, available] }, timedOut);
    expect(got.conditions?.map((c) => c.type)).toEqual(['Available', 'Progressing']);
    expect(getCondition(got, 'Progressing')?.lastTransitionTime).toBe(formatTime(at(60)));
  });

  it('removeCondition drops the list when it empties', () => {
    expect(removeCondition({ conditions: [available] }, 'Available')).toEqual({});
  });
});

describe('isComplete (DeploymentComplete)', () => {
  it.each([
    {
      name: 'min but not all pods available',
      status: { replicas: 5, updatedReplicas: 5, availableReplicas: 4 },
      want: false,
    },
    { name: 'complete', status: { replicas: 5, updatedReplicas: 5, availableReplicas: 5 }, want: true },
    {
      name: 'all available but not updated',
      status: { replicas: 5, updatedReplicas: 4, availableReplicas: 5 },
      want: false,
    },
    {
      name: 'old pods still running',
      status: { replicas: 6, updatedReplicas: 5, availableReplicas: 5 },
      want: false,
    },
    {
      name: 'generation not observed',
      status: { replicas: 5, updatedReplicas: 5, availableReplicas: 5, observedGeneration: 1 },
      generation: 2,
      want: false,
    },
  ])('$name', ({ status, generation, want }) => {
    const d = readDeployment(deployment({ replicas: 5, generation: generation ?? 1 }));
    expect(isComplete(d, { observedGeneration: 1, ...status })).toBe(want);
  });
});

describe('isProgressing (DeploymentProgressing)', () => {
  it.each([
    {
      name: 'more updated pods',
      old: { replicas: 10, updatedReplicas: 4 },
      now: { replicas: 10, updatedReplicas: 5 },
      want: true,
    },
    {
      name: 'nothing changed',
      old: { replicas: 10, updatedReplicas: 5 },
      now: { replicas: 10, updatedReplicas: 5 },
      want: false,
    },
    {
      name: 'old pods removed',
      old: { replicas: 10, updatedReplicas: 5 },
      now: { replicas: 8, updatedReplicas: 5 },
      want: true,
    },
    {
      name: 'fewer new pods',
      old: { replicas: 10, updatedReplicas: 5 },
      now: { replicas: 10, updatedReplicas: 4 },
      want: false,
    },
    {
      name: 'fewer overall, more new',
      old: { replicas: 10, updatedReplicas: 5 },
      now: { replicas: 8, updatedReplicas: 7 },
      want: true,
    },
    { name: 'more available', old: { availableReplicas: 1 }, now: { availableReplicas: 2 }, want: true },
  ])('$name', ({ old, now, want }) => {
    expect(isProgressing(old, now)).toBe(want);
  });
});

describe('hasTimedOut (DeploymentTimedOut)', () => {
  it.each([
    {
      name: 'no deadline',
      deadline: 2147483647,
      status: progressing('ReplicaSetUpdated', 69),
      now: 80,
      want: false,
    },
    {
      name: '11s since progress, deadline 10s',
      deadline: 10,
      status: progressing('ReplicaSetUpdated', 69),
      now: 80,
      want: true,
    },
    {
      name: '9s since progress, deadline 10s',
      deadline: 10,
      status: progressing('ReplicaSetUpdated', 71),
      now: 80,
      want: false,
    },
    {
      name: 'exactly at the deadline',
      deadline: 10,
      status: progressing('ReplicaSetUpdated', 70),
      now: 80,
      want: false,
    },
    {
      name: 'previous rollout complete',
      deadline: 10,
      status: progressing('NewReplicaSetAvailable', 0),
      now: 80,
      want: false,
    },
    {
      name: 'already timed out',
      deadline: 10,
      status: progressing('ProgressDeadlineExceeded', 79, 'False'),
      now: 80,
      want: true,
    },
    { name: 'no Progressing condition', deadline: 10, status: {}, now: 80, want: false },
  ])('$name', ({ deadline, status, now, want }) => {
    const d = readDeployment(deployment({ progressDeadlineSeconds: deadline }));
    expect(hasTimedOut(d, status, at(now))).toBe(want);
  });
});

describe('deadlineRequeueAfter (requeueStuckDeployment)', () => {
  const stuck = { replicas: 3, updatedReplicas: 1, observedGeneration: 1 };
  it.each([
    {
      name: 'no deadline',
      deadline: 2147483647,
      status: { ...stuck, ...progressing('ReplicaSetUpdated', 0) },
      now: 180,
      want: undefined,
    },
    { name: 'no Progressing condition', deadline: 600, status: stuck, now: 180, want: undefined },
    {
      name: 'complete',
      deadline: 600,
      status: {
        replicas: 3,
        updatedReplicas: 3,
        availableReplicas: 3,
        observedGeneration: 1,
        ...progressing('ReplicaSetUpdated', 0),
      },
      now: 180,
      want: undefined,
    },
    {
      name: 'already timed out',
      deadline: 600,
      status: { ...stuck, ...progressing('ProgressDeadlineExceeded', 0, 'False') },
      now: 180,
      want: undefined,
    },
    {
      name: '3 of 10 minutes used: 7 minutes and a second',
      deadline: 600,
      status: { ...stuck, ...progressing('ReplicaSetUpdated', 0) },
      now: 180,
      want: 420_000 + 1000,
    },
    {
      name: 'under a second left',
      deadline: 600,
      status: { ...stuck, ...progressing('ReplicaSetUpdated', 0) },
      now: 599.5,
      want: 1000,
    },
  ])('$name', ({ deadline, status, now, want }) => {
    const d = readDeployment(deployment({ progressDeadlineSeconds: deadline }));
    expect(deadlineRequeueAfter(d, status, at(now))).toBe(want);
  });
});

describe('checkPausedConditions', () => {
  it.each([
    {
      name: 'pausing records DeploymentPaused',
      paused: true,
      status: progressing('ReplicaSetUpdated', 0),
      want: 'DeploymentPaused',
    },
    {
      name: 'resuming records DeploymentResumed',
      paused: false,
      status: progressing('DeploymentPaused', 0, 'Unknown'),
      want: 'DeploymentResumed',
    },
    {
      name: 'a timeout is never overwritten',
      paused: true,
      status: progressing('ProgressDeadlineExceeded', 0, 'False'),
      want: 'ProgressDeadlineExceeded',
    },
    {
      name: 'nothing to record',
      paused: false,
      status: progressing('ReplicaSetUpdated', 0),
      want: 'ReplicaSetUpdated',
    },
  ])('$name', ({ paused, status, want }) => {
    const d = readDeployment(deployment({ paused }));
    expect(getCondition(checkPausedConditions(d, status, at(100)), 'Progressing')?.reason).toBe(want);
  });

  it('records nothing without a deadline', () => {
    const d = readDeployment(deployment({ paused: true, progressDeadlineSeconds: 2147483647 }));
    expect(checkPausedConditions(d, {}, at(100))).toEqual({});
  });
});
