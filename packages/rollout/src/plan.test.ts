import { describe, expect, it } from 'vitest';
import type { RolloutAction, UpdateDeploymentStatusAction } from './actions.js';
import { isRolloutError } from './errors.js';
import { computeHash } from './hash.js';
import { planRollout } from './plan.js';
import { getCondition } from './progress.js';
import type { Deployment, ReplicaSet } from './shapes.js';
import { deployment, replicaSet, T0, template } from './testing/fixtures.js';
import { Simulator } from './testing/simulator.js';
import { formatTime } from './time.js';

const now = T0 + 3600_000;
const REV = 'deployment.kubernetes.io/revision';

function statusAction(actions: readonly RolloutAction[]): UpdateDeploymentStatusAction | undefined {
  return actions.find((a): a is UpdateDeploymentStatusAction => a.type === 'updateDeploymentStatus');
}

function summary(actions: readonly RolloutAction[]): string[] {
  return actions.map((a): string => {
    if (a.type === 'createReplicaSet')
      return `create ${a.replicaSet.metadata?.name} ${a.replicaSet.spec?.replicas}`;
    if (a.type === 'scaleReplicaSet') return `scale ${a.name} ${a.from}->${a.replicas}`;
    if (a.type === 'updateReplicaSet') return `update ${a.name}`;
    if (a.type === 'deleteReplicaSet') return `delete ${a.name}`;
    if (a.type === 'updateDeploymentStatus') return 'status';
    return `rollback ${a.fromRevision}->${a.toRevision}`;
  });
}

/** Runs plan → apply → pods progress until quiet; returns the simulator. */
function run(sim: Simulator, steps = 200, onPlan?: (actions: readonly RolloutAction[]) => void): Simulator {
  let quiet = 0;
  for (let i = 0; i < steps && quiet < 2; i++) {
    const plan = planRollout(sim.deployment, sim.ownedReplicaSets, { now: sim.now });
    onPlan?.(plan.actions);
    sim.apply(plan.actions);
    sim.advance(1000);
    quiet = plan.actions.length === 0 && sim.settled() ? quiet + 1 : 0;
  }
  return sim;
}

describe('planRollout: a new Deployment', () => {
  it('creates the first ReplicaSet, complete, and reports status with the revision', () => {
    const d = deployment({ replicas: 3 });
    const hash = computeHash(template());
    const plan = planRollout(d, [], { now });
    const labels = { app: 'web', 'pod-template-hash': hash };
    expect(plan.actions[0]).toEqual({
      type: 'createReplicaSet',
      namespace: 'default',
      replicaSet: {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: `web-${hash}`,
          namespace: 'default',
          labels,
          annotations: {
            [REV]: '1',
            'deployment.kubernetes.io/desired-replicas': '3',
            'deployment.kubernetes.io/max-replicas': '4',
          },
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              name: 'web',
              uid: 'uid-web',
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: {
          replicas: 3,
          selector: { matchLabels: labels },
          template: { ...template(), metadata: { labels } },
        },
      },
    });
    const status = statusAction(plan.actions)!;
    expect(status.annotations).toEqual({ [REV]: '1' });
    expect(status.resourceVersion).toBe('100');
    expect(status.status.observedGeneration).toBe(1);
    expect(getCondition(status.status, 'Progressing')).toEqual({
      type: 'Progressing',
      status: 'True',
      reason: 'NewReplicaSetCreated',
      message: `Created new replica set "web-${hash}"`,
      lastUpdateTime: formatTime(now),
      lastTransitionTime: formatTime(now),
    });
    expect(getCondition(status.status, 'Available')?.reason).toBe('MinimumReplicasUnavailable');
    expect(plan.requeueAfter).toBe(601_000);
  });

  it('is deterministic and needs nothing once converged', () => {
    const sim = run(new Simulator(deployment({ replicas: 3 }), { seed: 7 }));
    const first = planRollout(sim.deployment, sim.ownedReplicaSets, { now: sim.now });
    expect(first).toEqual(planRollout(sim.deployment, sim.ownedReplicaSets, { now: sim.now }));
    expect(first.actions).toEqual([]);
    expect(first.requeueAfter).toBeUndefined();
    expect(getCondition(sim.deployment.status!, 'Progressing')).toMatchObject({
      reason: 'NewReplicaSetAvailable',
      message: `ReplicaSet "${sim.ownedReplicaSets[0]?.metadata?.name}" has successfully progressed.`,
    });
    expect(getCondition(sim.deployment.status!, 'Available')).toMatchObject({
      status: 'True',
      message: 'Deployment has minimum availability.',
    });
    expect(sim.deployment.status).toMatchObject({
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
    });
    expect(sim.deployment.status).not.toHaveProperty('unavailableReplicas');
    expect(sim.deployment.metadata?.annotations?.[REV]).toBe('1');
  });
});

describe('planRollout: RollingUpdate', () => {
  it('creates the new ReplicaSet within the surge and scales the old one down in the same step', () => {
    const d = deployment({ replicas: 4, maxSurge: 1, maxUnavailable: 1, image: 'app:v2' });
    const oldRS = replicaSet({
      name: 'web-old',
      replicas: 4,
      image: 'app:v1',
      revision: 1,
      sizedFor: { desired: 4, max: 5 },
    });
    const plan = planRollout(d, [oldRS], { now });
    expect(summary(plan.actions)).toEqual([
      `create web-${computeHash(template('app:v2'))} 1`,
      'scale web-old 4->3',
      'status',
    ]);
    const scale = plan.actions[1]!;
    expect(scale).toMatchObject({ type: 'scaleReplicaSet', resourceVersion: 'rv-web-old', annotations: {} });
    const create = plan.actions[0]!;
    expect(create.type === 'createReplicaSet' && create.replicaSet.metadata?.annotations?.[REV]).toBe('2');
  });

  it('one step per plan: a scale-up ends the step before old ReplicaSets are touched', () => {
    const d = deployment({ replicas: 4, maxSurge: 2, maxUnavailable: 1, image: 'app:v2' });
    const plan = planRollout(
      d,
      [
        replicaSet({
          name: 'web-old',
          replicas: 3,
          image: 'app:v1',
          revision: 1,
          created: 0,
          sizedFor: { desired: 4, max: 6 },
        }),
        replicaSet({
          name: 'web-new',
          replicas: 1,
          image: 'app:v2',
          revision: 2,
          created: 1,
          sizedFor: { desired: 4, max: 6 },
        }),
      ],
      { now },
    );
    expect(summary(plan.actions)).toEqual(['scale web-new 1->3', 'status']);
  });

  it('re-uses an old ReplicaSet whose template comes back (a rollback), with the next revision and its history', () => {
    const d = deployment({
      replicas: 2,
      maxSurge: 1,
      maxUnavailable: 0,
      image: 'app:v1',
      annotations: { [REV]: '2' },
    });
    const rss = [
      replicaSet({
        name: 'web-v1',
        replicas: 0,
        image: 'app:v1',
        revision: 1,
        created: 0,
        sizedFor: { desired: 2, max: 3 },
      }),
      replicaSet({
        name: 'web-v2',
        replicas: 2,
        image: 'app:v2',
        revision: 2,
        created: 1,
        sizedFor: { desired: 2, max: 3 },
      }),
    ];
    const plan = planRollout(d, rss, { now });
    expect(plan.actions.some((a) => a.type === 'createReplicaSet')).toBe(false);
    expect(plan.actions[0]).toEqual({
      type: 'scaleReplicaSet',
      namespace: 'default',
      name: 'web-v1',
      resourceVersion: 'rv-web-v1',
      from: 0,
      replicas: 1,
      annotations: { [REV]: '3', 'deployment.kubernetes.io/revision-history': '1' },
    });
    expect(statusAction(plan.actions)?.annotations).toEqual({ [REV]: '3' });
  });

  it('syncs minReadySeconds and copied annotations onto the new ReplicaSet without resizing it', () => {
    const d = deployment({
      replicas: 2,
      minReadySeconds: 5,
      image: 'app:v1',
      annotations: { team: 'a', [REV]: '1' },
    });
    const rs = replicaSet({
      name: 'web-v1',
      replicas: 2,
      image: 'app:v1',
      revision: 1,
      sizedFor: { desired: 2, max: 3 },
    });
    const plan = planRollout(d, [rs], { now });
    expect(plan.actions[0]).toEqual({
      type: 'updateReplicaSet',
      namespace: 'default',
      name: 'web-v1',
      resourceVersion: 'rv-web-v1',
      annotations: { team: 'a' },
      minReadySeconds: 5,
    });
  });

  it('bumps collisionCount instead of creating over an owned ReplicaSet with another template', () => {
    const d = deployment({ replicas: 1, image: 'app:v2' });
    const squatter = replicaSet({
      name: `web-${computeHash(template('app:v2'))}`,
      replicas: 1,
      image: 'app:other',
      revision: 1,
    });
    const plan = planRollout(d, [squatter], { now });
    expect(summary(plan.actions)).toEqual(['status']);
    expect(plan.status.collisionCount).toBe(1);
    const next = planRollout({ ...d, status: plan.status }, [squatter], { now });
    const create = next.actions[0]!;
    expect(create.type).toBe('createReplicaSet');
    expect(create.type === 'createReplicaSet' && create.replicaSet.metadata?.name).toBe(
      `web-${computeHash(template('app:v2'), 1)}`,
    );
  });

  it('reports ProgressDeadlineExceeded and requeues until the deadline', () => {
    const d = deployment({
      replicas: 2,
      maxSurge: 1,
      maxUnavailable: 0,
      image: 'app:v2',
      progressDeadlineSeconds: 60,
    });
    const rss = [
      replicaSet({
        name: 'web-v1',
        replicas: 2,
        image: 'app:v1',
        revision: 1,
        created: 0,
        sizedFor: { desired: 2, max: 3 },
      }),
      replicaSet({
        name: 'web-v2',
        replicas: 1,
        available: 0,
        image: 'app:v2',
        revision: 2,
        created: 1,
        sizedFor: { desired: 2, max: 3 },
      }),
    ];
    const status = {
      observedGeneration: 1,
      replicas: 3,
      updatedReplicas: 1,
      availableReplicas: 2,
      readyReplicas: 2,
      unavailableReplicas: 1,
      conditions: [
        {
          type: 'Progressing',
          status: 'True',
          reason: 'ReplicaSetUpdated',
          message: 'ReplicaSet "web-v2" is progressing.',
          lastUpdateTime: formatTime(now),
          lastTransitionTime: formatTime(now),
        },
      ],
    };
    const waiting = planRollout({ ...d, status }, rss, { now: now + 20_000 });
    expect(waiting.requeueAfter).toBe(41_000);
    const late = planRollout({ ...d, status }, rss, { now: now + 61_000 });
    expect(getCondition(late.status, 'Progressing')).toMatchObject({
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
      message: 'ReplicaSet "web-v2" has timed out progressing.',
    });
  });
});

describe('planRollout: dispatch', () => {
  it('only records observedGeneration for a selector that selects everything', () => {
    const d = deployment({ generation: 4, status: { observedGeneration: 3 } });
    const everything: Deployment = { ...d, spec: { ...d.spec!, selector: {} } };
    const plan = planRollout(everything, [], { now });
    expect(plan.actions).toEqual([
      {
        type: 'updateDeploymentStatus',
        namespace: 'default',
        name: 'web',
        resourceVersion: '100',
        status: { observedGeneration: 4 },
      },
    ]);
  });

  it('only reports status while the Deployment is being deleted', () => {
    const d = deployment({ replicas: 3, image: 'app:v2' });
    d.metadata!.deletionTimestamp = formatTime(now);
    const plan = planRollout(d, [replicaSet({ name: 'web-v1', replicas: 3, image: 'app:v1', revision: 1 })], {
      now,
    });
    expect(summary(plan.actions)).toEqual(['status']);
  });

  it('paused: no new ReplicaSet for a new template, but a resize still scales proportionally', () => {
    const d = deployment({ replicas: 10, maxSurge: 0, maxUnavailable: 1, image: 'app:v3', paused: true });
    const rss = [
      replicaSet({
        name: 'web-v1',
        replicas: 3,
        image: 'app:v1',
        revision: 1,
        created: 0,
        sizedFor: { desired: 5, max: 5 },
      }),
      replicaSet({
        name: 'web-v2',
        replicas: 2,
        image: 'app:v2',
        revision: 2,
        created: 1,
        sizedFor: { desired: 5, max: 5 },
      }),
    ];
    const plan = planRollout(d, rss, { now });
    expect(summary(plan.actions)).toEqual(['scale web-v1 3->6', 'scale web-v2 2->4', 'status']);
    expect(getCondition(plan.status, 'Progressing')).toMatchObject({
      status: 'Unknown',
      reason: 'DeploymentPaused',
      message: 'Deployment is paused',
    });
    expect(plan.requeueAfter).toBeUndefined();
  });

  it('resuming records DeploymentResumed and continues the rollout', () => {
    const d = deployment({
      replicas: 2,
      maxSurge: 1,
      maxUnavailable: 0,
      image: 'app:v2',
      status: {
        observedGeneration: 1,
        replicas: 2,
        readyReplicas: 2,
        availableReplicas: 2,
        conditions: [
          {
            type: 'Progressing',
            status: 'Unknown',
            reason: 'DeploymentPaused',
            message: 'Deployment is paused',
            lastUpdateTime: formatTime(T0),
            lastTransitionTime: formatTime(T0),
          },
        ],
      },
    });
    const rss = [
      replicaSet({
        name: 'web-v1',
        replicas: 2,
        image: 'app:v1',
        revision: 1,
        sizedFor: { desired: 2, max: 3 },
      }),
    ];
    const plan = planRollout(d, rss, { now });
    expect(summary(plan.actions)[0]).toMatch(/^create web-/);
    expect(getCondition(plan.status, 'Progressing')?.reason).toBe('NewReplicaSetCreated');
    expect(getCondition(plan.status, 'Progressing')?.lastTransitionTime).toBe(formatTime(now));
  });

  it('a resize mid-rollout scales every ReplicaSet instead of advancing the rollout', () => {
    const d = deployment({ replicas: 10, maxSurge: 0, maxUnavailable: 1, image: 'app:v2' });
    const rss = [
      replicaSet({
        name: 'web-v1',
        replicas: 3,
        image: 'app:v1',
        revision: 1,
        created: 0,
        sizedFor: { desired: 5, max: 5 },
      }),
      replicaSet({
        name: 'web-v2',
        replicas: 2,
        image: 'app:v2',
        revision: 2,
        created: 1,
        sizedFor: { desired: 5, max: 5 },
      }),
    ];
    expect(summary(planRollout(d, rss, { now }).actions)).toEqual([
      'scale web-v2 2->4',
      'scale web-v1 3->6',
      'status',
    ]);
  });

  it('refreshes a stale desired-replicas annotation instead of looping as a resize (kubernetes#138036)', () => {
    // Found by the convergence property: resized to 5 when the new ReplicaSet had just reached 5.
    const d = deployment({
      replicas: 5,
      maxSurge: 0,
      maxUnavailable: 2,
      image: 'app:v2',
      revisionHistoryLimit: 0,
    });
    const rss = [
      replicaSet({
        name: 'web-v1',
        replicas: 0,
        image: 'app:v1',
        revision: 1,
        created: 0,
        sizedFor: { desired: 6, max: 6 },
      }),
      replicaSet({
        name: 'web-v2',
        replicas: 5,
        image: 'app:v2',
        revision: 2,
        created: 1,
        sizedFor: { desired: 6, max: 6 },
      }),
    ];
    const plan = planRollout(d, rss, { now });
    expect(plan.actions[0]).toMatchObject({
      type: 'updateReplicaSet',
      name: 'web-v2',
      annotations: {
        'deployment.kubernetes.io/desired-replicas': '5',
        'deployment.kubernetes.io/max-replicas': '5',
      },
    });
  });

  it('rejects an invalid Deployment naming the field', () => {
    const d = deployment({ replicas: -1 });
    expect(() => planRollout(d, [], { now })).toThrow(/spec\.replicas/);
    try {
      planRollout(d, [], { now });
    } catch (e) {
      expect(isRolloutError(e, 'Invalid')).toBe(true);
    }
  });
});

describe('planRollout: Recreate', () => {
  it('scales old ReplicaSets to 0, waits for their pods, then creates the new one at full size', () => {
    const d = deployment({ replicas: 3, strategy: 'Recreate', image: 'app:v2' });
    const oldRS = replicaSet({ name: 'web-v1', replicas: 3, image: 'app:v1', revision: 1 });
    expect(summary(planRollout(d, [oldRS], { now }).actions)).toEqual(['scale web-v1 3->0', 'status']);

    const draining = replicaSet({
      name: 'web-v1',
      replicas: 0,
      statusReplicas: 2,
      available: 2,
      image: 'app:v1',
      revision: 1,
    });
    expect(summary(planRollout(d, [draining], { now }).actions)).toEqual(['status']);

    const terminating: ReplicaSet = { ...draining, status: { replicas: 0, terminatingReplicas: 1 } };
    expect(planRollout(d, [terminating], { now }).actions.some((a) => a.type === 'createReplicaSet')).toBe(
      false,
    );

    const gone = replicaSet({
      name: 'web-v1',
      replicas: 0,
      statusReplicas: 0,
      available: 0,
      image: 'app:v1',
      revision: 1,
    });
    expect(summary(planRollout(d, [gone], { now }).actions)).toEqual([
      `create web-${computeHash(template('app:v2'))} 3`,
      'status',
    ]);
  });

  it('never runs old and new pods together on the simulator', () => {
    const sim = new Simulator(deployment({ replicas: 3, strategy: 'Recreate', image: 'app:v1' }), {
      seed: 3,
    });
    run(sim);
    sim.updateSpec((spec) => ({ ...spec, template: template('app:v2') }));
    run(sim, 200, () => {
      const rss = sim.ownedReplicaSets;
      const running = rss.filter((rs) => (rs.status?.replicas ?? 0) > 0).length;
      expect(running).toBeLessThanOrEqual(1);
    });
    const [v1, v2] = sim.ownedReplicaSets;
    expect([v1?.spec?.replicas, v2?.spec?.replicas, v2?.status?.availableReplicas]).toEqual([0, 3, 3]);
  });
});

describe('planRollout: automatic rollback (flotilla.dev/auto-rollback)', () => {
  const broken = (tpl: { spec?: { containers: { image?: string }[] } } | undefined) =>
    tpl?.spec?.containers[0]?.image === 'app:broken';

  function stuckRollout(optIn: boolean) {
    const sim = new Simulator(
      deployment({
        replicas: 3,
        maxSurge: 1,
        maxUnavailable: 0,
        image: 'app:v1',
        progressDeadlineSeconds: 30,
        annotations: optIn ? { 'flotilla.dev/auto-rollback': 'true' } : {},
      }),
      { seed: 11, isBroken: broken },
    );
    run(sim);
    sim.updateSpec((spec) => ({ ...spec, template: template('app:broken') }));
    return sim;
  }

  it('rolls a rollout that exceeded its deadline back to the last good template', () => {
    const seen: string[] = [];
    const sim = run(stuckRollout(true), 300, (actions) => {
      for (const a of actions)
        if (a.type === 'rollbackTemplate') seen.push(`${a.fromRevision}->${a.toRevision}`);
    });
    expect(seen).toEqual(['2->1']);
    expect(sim.deployment.spec?.template).toEqual(template('app:v1'));
    const good = sim.ownedReplicaSets.find(
      (rs) => rs.spec?.template?.spec?.containers[0]?.image === 'app:v1',
    )!;
    expect(good.spec?.replicas).toBe(3);
    expect(good.metadata?.annotations).toMatchObject({
      [REV]: '3',
      'deployment.kubernetes.io/revision-history': '1',
    });
    expect(getCondition(sim.deployment.status!, 'Progressing')?.reason).toBe('NewReplicaSetAvailable');
  });

  it('without the annotation only reports the failure, as Kubernetes does', () => {
    const sim = run(stuckRollout(false), 120, (actions) => {
      expect(actions.some((a) => a.type === 'rollbackTemplate')).toBe(false);
    });
    expect(getCondition(sim.deployment.status!, 'Progressing')).toMatchObject({
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
    });
    // Availability was never given up: maxUnavailable 0 keeps all old pods.
    expect(sim.deployment.status?.availableReplicas).toBe(3);
  });
});
