import { describe, expect, it } from 'vitest';
import { isRolloutError, type RolloutErrorReason } from './errors.js';
import { autoRollback, rollbackTo } from './rollback.js';
import type { Deployment, ReplicaSet } from './shapes.js';
import { deployment, replicaSet, template } from './testing/fixtures.js';
import { stateOf } from './testing/state.js';

const REV = 'deployment.kubernetes.io/revision';

function history(): ReplicaSet[] {
  return [
    replicaSet({
      name: 'web-a',
      replicas: 0,
      image: 'app:v1',
      revision: 1,
      created: 0,
      annotations: { note: 'first' },
    }),
    replicaSet({
      name: 'web-b',
      replicas: 0,
      image: 'app:v2',
      revision: 2,
      created: 1,
      annotations: { note: 'second' },
    }),
    replicaSet({
      name: 'web-c',
      replicas: 3,
      image: 'app:v3',
      revision: 3,
      created: 2,
      annotations: { note: 'third' },
    }),
  ];
}

const current = () =>
  deployment({
    image: 'app:v3',
    annotations: {
      note: 'third',
      extra: 'dropped',
      [REV]: '3',
      'kubectl.kubernetes.io/last-applied-configuration': '{}',
    },
  });

describe('rollbackTo (kubectl rollout undo)', () => {
  it('rolls back to the previous revision by default', () => {
    const result = rollbackTo(current(), history());
    expect(result.skipped).toBe(false);
    expect(result.revision).toBe(2);
    expect(result.message).toBe('rolled back');
    expect(result.deployment.spec?.template).toEqual(template('app:v2'));
    expect(result.deployment.metadata?.annotations).toEqual({
      note: 'second',
      [REV]: '3',
      'kubectl.kubernetes.io/last-applied-configuration': '{}',
    });
  });

  it('rolls back to a given revision, without the hash label', () => {
    const result = rollbackTo(current(), history(), 1);
    expect(result.revision).toBe(1);
    expect(result.deployment.spec?.template.metadata?.labels).toEqual({ app: 'web' });
    expect(result.deployment.spec?.template.spec?.containers[0]?.image).toBe('app:v1');
  });

  it('skips when the template already matches', () => {
    const d = current();
    const result = rollbackTo(d, history(), 3);
    expect(result).toEqual({
      deployment: d,
      revision: 3,
      skipped: true,
      message: 'skipped rollback (current template already matches revision 3)',
    });
  });

  it.each<{ name: string; d: Deployment; rss: ReplicaSet[]; revision: number; reason: RolloutErrorReason }>([
    { name: 'revision not kept', d: current(), rss: history(), revision: 7, reason: 'RevisionNotFound' },
    {
      name: 'no previous revision',
      d: current(),
      rss: history().slice(2),
      revision: 0,
      reason: 'NoRolloutHistory',
    },
    {
      name: 'paused',
      d: deployment({ image: 'app:v3', paused: true }),
      rss: history(),
      revision: 0,
      reason: 'DeploymentPaused',
    },
    { name: 'negative revision', d: current(), rss: history(), revision: -1, reason: 'Invalid' },
  ])('fails: $name', ({ d, rss, revision, reason }) => {
    expect(() => rollbackTo(d, rss, revision)).toThrow();
    try {
      rollbackTo(d, rss, revision);
    } catch (e) {
      expect(isRolloutError(e, reason)).toBe(true);
    }
  });

  it('keeps the auto-rollback opt-in', () => {
    const d = deployment({ image: 'app:v3', annotations: { 'flotilla.dev/auto-rollback': 'true' } });
    expect(rollbackTo(d, history()).deployment.metadata?.annotations?.['flotilla.dev/auto-rollback']).toBe(
      'true',
    );
  });
});

describe('autoRollback', () => {
  const timedOut = (rsName: string) => ({
    observedGeneration: 1,
    conditions: [
      {
        type: 'Progressing',
        status: 'False',
        reason: 'ProgressDeadlineExceeded',
        message: `ReplicaSet "${rsName}" has timed out progressing.`,
        lastUpdateTime: '2016-05-20T01:00:00Z',
        lastTransitionTime: '2016-05-20T01:00:00Z',
      },
    ],
  });
  const stuck = (): ReplicaSet[] => [
    replicaSet({ name: 'web-a', replicas: 2, available: 2, image: 'app:v1', revision: 1, created: 0 }),
    replicaSet({ name: 'web-b', replicas: 0, available: 0, image: 'app:v2', revision: 2, created: 1 }),
    replicaSet({ name: 'web-c', replicas: 2, available: 0, image: 'app:v3', revision: 3, created: 2 }),
  ];
  const d = (overrides: Partial<Parameters<typeof deployment>[0]> = {}) =>
    deployment({
      image: 'app:v3',
      annotations: { 'flotilla.dev/auto-rollback': 'true' },
      status: timedOut('web-c'),
      ...overrides,
    });

  it('rolls back to the newest old revision that still has available pods', () => {
    const action = autoRollback(stateOf(d(), stuck()));
    expect(action).toMatchObject({
      type: 'rollbackTemplate',
      name: 'web',
      resourceVersion: '100',
      fromRevision: 3,
      toRevision: 1,
      template: template('app:v1'),
      message: 'Rolled back from revision 3 to revision 1: ReplicaSet "web-c" has timed out progressing.',
    });
  });

  it('falls back to the previous revision when no old pods are available', () => {
    const rss = stuck().map((rs) => ({ ...rs, status: { replicas: 0 } }));
    expect(autoRollback(stateOf(d(), rss))?.toRevision).toBe(2);
  });

  it.each([
    { name: 'not opted in', deployment: d({ annotations: {} }), rss: stuck() },
    {
      name: 'the timeout names another ReplicaSet',
      deployment: d({ status: timedOut('web-b') }),
      rss: stuck(),
    },
    { name: 'generation not observed yet', deployment: d({ generation: 2 }), rss: stuck() },
    { name: 'paused', deployment: d({ paused: true }), rss: stuck() },
    {
      name: 'the new ReplicaSet is itself a rollback',
      deployment: d(),
      rss: stuck().map((rs) =>
        rs.metadata?.name === 'web-c'
          ? {
              ...rs,
              metadata: {
                ...rs.metadata,
                annotations: {
                  ...rs.metadata?.annotations,
                  'deployment.kubernetes.io/revision-history': '1',
                },
              },
            }
          : rs,
      ),
    },
    { name: 'still progressing', deployment: d({ status: { observedGeneration: 1 } }), rss: stuck() },
    { name: 'nothing to go back to', deployment: d(), rss: stuck().slice(2) },
  ])('does nothing when $name', ({ deployment: dep, rss }) => {
    expect(autoRollback(stateOf(dep, rss))).toBeUndefined();
  });
});
