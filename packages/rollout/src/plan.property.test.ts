import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RolloutAction } from './actions.js';
import { DESIRED_REPLICAS_ANNOTATION } from './constants.js';
import { planRollout } from './plan.js';
import { equalIgnoreHash } from './replicasets.js';
import type { IntOrString, PodTemplateSpec, ReplicaSet } from './shapes.js';
import { readDeployment } from './spec.js';
import { deployment, template } from './testing/fixtures.js';
import { Simulator } from './testing/simulator.js';

const intOrPercent: fc.Arbitrary<IntOrString> = fc.oneof(
  fc.integer({ min: 0, max: 3 }),
  fc.constantFrom('0%', '10%', '25%', '50%', '100%'),
);

/** A user edit at some step: new template (fresh or an earlier one), resize, pause or resume. */
type Edit =
  | { kind: 'template'; version: number }
  | { kind: 'replicas'; replicas: number }
  | { kind: 'pause' }
  | { kind: 'resume' };

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ kind: fc.constant('template' as const), version: fc.integer({ min: 0, max: 4 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('replicas' as const),
      replicas: fc.integer({ min: 0, max: 8 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'pause' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'resume' as const }) },
);

const scenarioArb = fc
  .record({
    seed: fc.integer(),
    replicas: fc.integer({ min: 0, max: 8 }),
    maxSurge: intOrPercent,
    maxUnavailable: intOrPercent,
    strategy: fc.constantFrom('RollingUpdate' as const, 'RollingUpdate' as const, 'Recreate' as const),
    revisionHistoryLimit: fc.integer({ min: 0, max: 3 }),
    minReadySeconds: fc.integer({ min: 0, max: 2 }),
    edits: fc.array(fc.record({ at: fc.integer({ min: 0, max: 25 }), edit: editArb }), { maxLength: 5 }),
    dropRate: fc.constantFrom(0, 0, 0.2),
  })
  .map((s) => {
    // Validation forbids both fenceposts at 0.
    const bothZero = (v: IntOrString) => v === 0 || v === '0%';
    return bothZero(s.maxSurge) && bothZero(s.maxUnavailable) ? { ...s, maxUnavailable: 1 } : s;
  });

function templateOf(version: number): PodTemplateSpec {
  return template(`app:v${version}`);
}

function sumSpec(replicaSets: readonly ReplicaSet[]): number {
  return replicaSets.reduce((sum, rs) => sum + (rs.spec?.replicas ?? 1), 0);
}

/** spec.replicas per ReplicaSet after applying the scale actions (and creates) of a plan. */
function specsAfter(replicaSets: readonly ReplicaSet[], actions: readonly RolloutAction[]) {
  const specs = new Map(replicaSets.map((rs) => [rs.metadata!.name!, rs.spec?.replicas ?? 1]));
  for (const action of actions) {
    if (action.type === 'scaleReplicaSet') specs.set(action.name, action.replicas);
    if (action.type === 'createReplicaSet')
      specs.set(action.replicaSet.metadata!.name!, action.replicaSet.spec!.replicas!);
  }
  return specs;
}

function isScalingEvent(replicas: number, replicaSets: readonly ReplicaSet[]): boolean {
  return replicaSets.some((rs) => {
    const desired = rs.metadata?.annotations?.[DESIRED_REPLICAS_ANNOTATION];
    return (rs.spec?.replicas ?? 1) > 0 && desired !== undefined && Number(desired) !== replicas;
  });
}

describe('planRollout on a simulated cluster (properties)', () => {
  it('keeps the surge and availability bounds, is deterministic, and converges', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const sim = new Simulator(
          deployment({
            replicas: s.replicas,
            maxSurge: s.maxSurge,
            maxUnavailable: s.maxUnavailable,
            strategy: s.strategy,
            revisionHistoryLimit: s.revisionHistoryLimit,
            minReadySeconds: s.minReadySeconds,
            image: 'app:v0',
          }),
          { seed: s.seed },
        );
        let dropSeed = s.seed;
        const drop = () => {
          dropSeed = (Math.imul(dropSeed, 1103515245) + 12345) | 0;
          return ((dropSeed >>> 8) % 1000) / 1000 < s.dropRate;
        };
        const lastEdit = Math.max(0, ...s.edits.map((e) => e.at));
        let quietPlans = 0;
        for (let step = 0; step < 400; step++) {
          for (const { at, edit } of s.edits) {
            if (at !== step) continue;
            sim.updateSpec((spec) => {
              switch (edit.kind) {
                case 'template':
                  return { ...spec, template: templateOf(edit.version) };
                case 'replicas':
                  return { ...spec, replicas: edit.replicas };
                case 'pause':
                  return { ...spec, paused: true };
                case 'resume':
                  return { ...spec, paused: false };
              }
            });
          }
          // Every run ends resumed so that it can converge.
          if (step === lastEdit + 1 && sim.deployment.spec?.paused)
            sim.updateSpec((spec) => ({ ...spec, paused: false }));

          const before = sim.ownedReplicaSets;
          const plan = planRollout(sim.deployment, before, { now: sim.now });
          expect(planRollout(sim.deployment, before, { now: sim.now })).toEqual(plan);

          const d = readDeployment(sim.deployment);
          const after = specsAfter(before, plan.actions);
          const totalBefore = sumSpec(before);
          const totalAfter = [...after.values()].reduce((a, b) => a + b, 0);
          if (d.strategy === 'RollingUpdate') {
            expect(totalAfter).toBeLessThanOrEqual(Math.max(totalBefore, d.replicas + d.maxSurge));
          }
          if (d.strategy === 'RollingUpdate' && !d.paused && !isScalingEvent(d.replicas, before)) {
            const minAvailable = d.replicas - d.maxUnavailable;
            const availableBefore = before.reduce((sum, rs) => sum + (rs.status?.availableReplicas ?? 0), 0);
            // Pods go not-available first, so an RS shrunk to n keeps min(available, n) available ones.
            const worstAfter = before.reduce(
              (sum, rs) => sum + Math.min(rs.status?.availableReplicas ?? 0, after.get(rs.metadata!.name!)!),
              0,
            );
            expect(worstAfter).toBeGreaterThanOrEqual(Math.min(availableBefore, minAvailable));
          }

          const write = drop() ? plan.actions.slice(0, plan.actions.length - 1) : plan.actions;
          sim.apply(write);
          sim.advance(1000);
          quietPlans = plan.actions.length === 0 && step > lastEdit + 1 && sim.settled() ? quietPlans + 1 : 0;
          if (quietPlans >= 2) break;
        }

        // Converged: exactly `replicas` on the ReplicaSet of the current template, the rest at 0,
        // history within the limit, and nothing left to do.
        const d = readDeployment(sim.deployment);
        const replicaSets = sim.ownedReplicaSets;
        const current = replicaSets.filter((rs) => equalIgnoreHash(rs.spec?.template, d.template));
        expect(current).toHaveLength(1);
        expect(current[0]!.spec?.replicas).toBe(d.replicas);
        expect(current[0]!.status?.availableReplicas ?? 0).toBe(d.replicas);
        const old = replicaSets.filter((rs) => rs !== current[0]);
        for (const rs of old) expect(rs.spec?.replicas).toBe(0);
        expect(old.length).toBeLessThanOrEqual(d.revisionHistoryLimit);
        expect(planRollout(sim.deployment, replicaSets, { now: sim.now }).actions).toEqual([]);
        expect(sim.deployment.status?.observedGeneration).toBe(sim.deployment.metadata?.generation);
      }),
      { numRuns: Number(process.env.ROLLOUT_RUNS ?? 150) },
    );
  });
});

describe('automatic rollback (property)', () => {
  it('a broken revision is rolled back once, and the last good one converges', () => {
    fc.assert(
      fc.property(
        fc.record({
          seed: fc.integer(),
          replicas: fc.integer({ min: 1, max: 6 }),
          maxSurge: fc.integer({ min: 0, max: 2 }),
          maxUnavailable: fc.integer({ min: 0, max: 2 }),
          minReadySeconds: fc.integer({ min: 0, max: 2 }),
        }),
        (s) => {
          const sim = new Simulator(
            deployment({
              replicas: s.replicas,
              maxSurge: s.maxSurge,
              maxUnavailable: s.maxSurge === 0 && s.maxUnavailable === 0 ? 1 : s.maxUnavailable,
              minReadySeconds: s.minReadySeconds,
              progressDeadlineSeconds: 20,
              image: 'app:v0',
              annotations: { 'flotilla.dev/auto-rollback': 'true' },
            }),
            { seed: s.seed, isBroken: (t) => t?.spec?.containers[0]?.image === 'app:broken' },
          );
          let rollbacks = 0;
          let quiet = 0;
          for (let step = 0; step < 300 && quiet < 2; step++) {
            if (step === 15) sim.updateSpec((spec) => ({ ...spec, template: templateOf(1) }));
            if (step === 40) sim.updateSpec((spec) => ({ ...spec, template: template('app:broken') }));
            const plan = planRollout(sim.deployment, sim.ownedReplicaSets, { now: sim.now });
            rollbacks += plan.actions.filter((a) => a.type === 'rollbackTemplate').length;
            sim.apply(plan.actions);
            sim.advance(1000);
            quiet = step > 40 && plan.actions.length === 0 && sim.settled() ? quiet + 1 : 0;
          }
          expect(rollbacks).toBe(1);
          expect(sim.deployment.spec?.template).toEqual(templateOf(1));
          const good = sim.ownedReplicaSets.find((rs) => equalIgnoreHash(rs.spec?.template, templateOf(1)))!;
          expect([good.spec?.replicas, good.status?.availableReplicas]).toEqual([s.replicas, s.replicas]);
        },
      ),
      { numRuns: Number(process.env.ROLLOUT_RUNS ?? 30) },
    );
  });
});
