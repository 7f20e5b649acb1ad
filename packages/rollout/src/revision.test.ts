import { describe, expect, it } from 'vitest';
import { appendRevisionHistory, copyDeploymentAnnotations, setNewReplicaSetAnnotations } from './revision.js';
import { readDeployment } from './spec.js';
import { deployment } from './testing/fixtures.js';

const REV = 'deployment.kubernetes.io/revision';
const HISTORY = 'deployment.kubernetes.io/revision-history';

describe('setNewReplicaSetAnnotations', () => {
  const d = readDeployment(
    deployment({
      replicas: 4,
      maxSurge: 1,
      maxUnavailable: 1,
      annotations: {
        team: 'payments',
        [REV]: '9',
        'kubectl.kubernetes.io/last-applied-configuration': '{}',
      },
    }),
  );

  it('a ReplicaSet about to be created gets revision, replica annotations and copied annotations', () => {
    const annotations: Record<string, string> = {};
    expect(setNewReplicaSetAnnotations(d, annotations, 3, false)).toBe(true);
    expect(annotations).toEqual({
      team: 'payments',
      [REV]: '3',
      'deployment.kubernetes.io/desired-replicas': '4',
      'deployment.kubernetes.io/max-replicas': '5',
    });
  });

  it.each([
    {
      name: 'lower revision is raised, history records it',
      before: { [REV]: '1' },
      next: 4,
      want: { [REV]: '4', [HISTORY]: '1' },
    },
    {
      name: 'history grows',
      before: { [REV]: '3', [HISTORY]: '1' },
      next: 6,
      want: { [REV]: '6', [HISTORY]: '1,3' },
    },
    { name: 'equal revision unchanged', before: { [REV]: '4' }, next: 4, want: { [REV]: '4' } },
    {
      name: 'higher revision kept (old ones deleted)',
      before: { [REV]: '7' },
      next: 4,
      want: { [REV]: '7' },
    },
    { name: 'compared as numbers, not strings', before: { [REV]: '10' }, next: 9, want: { [REV]: '10' } },
    { name: 'unparsable revision left alone', before: { [REV]: 'x' }, next: 9, want: { [REV]: 'x' } },
  ])('existing ReplicaSet: $name', ({ before, next, want }) => {
    const annotations: Record<string, string> = { team: 'payments', ...(before as Record<string, string>) };
    setNewReplicaSetAnnotations(d, annotations, next, true);
    expect(annotations).toEqual({ team: 'payments', ...want });
  });

  it('reports no change when nothing changed', () => {
    expect(setNewReplicaSetAnnotations(d, { team: 'payments', [REV]: '4' }, 4, true)).toBe(false);
  });
});

describe('appendRevisionHistory', () => {
  it.each([
    { history: undefined, add: '3', limit: 2000, want: '3' },
    { history: '1,2', add: '3', limit: 2000, want: '1,2,3' },
    { history: '1,2,3', add: '4', limit: 5, want: '2,3,4' },
    { history: '1,2,3', add: '4', limit: 4, want: '3,4' },
    { history: '1', add: '123456', limit: 5, want: undefined },
  ])('$history + $add within $limit → $want', ({ history, add, limit, want }) => {
    expect(appendRevisionHistory(history, add, limit)).toBe(want);
  });
});

describe('copyDeploymentAnnotations', () => {
  it('skips Kubernetes-owned annotations', () => {
    const target: Record<string, string> = {};
    copyDeploymentAnnotations(
      {
        a: '1',
        [REV]: '5',
        [HISTORY]: '1',
        'deployment.kubernetes.io/desired-replicas': '3',
        'deployment.kubernetes.io/max-replicas': '4',
        'kubectl.kubernetes.io/last-applied-configuration': '{}',
        'deprecated.deployment.rollback.to': '2',
      },
      target,
    );
    expect(target).toEqual({ a: '1' });
  });
});
