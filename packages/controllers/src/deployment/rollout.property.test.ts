/**
 * The whole workload loop — Deployment controller, ReplicaSet controller, store, informers — on a
 * virtual clock, driven by random user actions and a flaky environment. At every step the rollout
 * budget holds; once the user stops, everything converges to exactly what the spec says, and a pass
 * with nothing to do writes nothing.
 */
import type { Deployment, Pod } from '@flotilla/api';
import { createRandom } from '@flotilla/clock';
import { rollbackTo } from '@flotilla/rollout';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Controller } from '../controller.js';
import { createTestPlane, makeReady } from '../harness.test-support.js';
import { ControllerManager } from '../manager.js';
import { isPodActive, isPodReady } from '../pods.js';
import { createReplicaSetController } from '../replicaset/controller.js';
import { requestsForObjects } from '../sources.js';
import { createDeploymentController } from './controller.js';

type UserAction =
  | { kind: 'scale'; replicas: number }
  | { kind: 'image'; version: number }
  | { kind: 'pause' }
  | { kind: 'resume' }
  | { kind: 'rollback' }
  | { kind: 'wait'; ms: number };

type Fault = { kind: 'failPod' } | { kind: 'vanishPod' } | { kind: 'none' };

const userAction: fc.Arbitrary<UserAction> = fc.oneof(
  fc.record({ kind: fc.constant('scale' as const), replicas: fc.integer({ min: 0, max: 8 }) }),
  fc.record({ kind: fc.constant('image' as const), version: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ kind: fc.constant('pause' as const) }),
  fc.record({ kind: fc.constant('resume' as const) }),
  fc.record({ kind: fc.constant('rollback' as const) }),
  fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 100, max: 20_000 }) }),
);
const fault: fc.Arbitrary<Fault> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'failPod' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'vanishPod' as const }) },
);

const MAX_SURGE = 1;
const MAX_UNAVAILABLE = 1;

function deployment(replicas: number): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      replicas,
      revisionHistoryLimit: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: {
        type: 'RollingUpdate',
        rollingUpdate: { maxSurge: MAX_SURGE, maxUnavailable: MAX_UNAVAILABLE },
      },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'web:v1' }] },
      },
    },
  };
}

/** Pods become ready after a random delay (seeded), as a kubelet would report them. */
function randomKubelet(plane: ReturnType<typeof createTestPlane>, seed: number) {
  const random = createRandom(seed);
  const delays = new Map<string, number>();
  const pods = plane.informers.informerFor('v1', 'Pod');
  return new Controller({
    name: 'kubelet',
    clock: plane.clock,
    sources: [requestsForObjects(pods.events$)],
    reconciler: {
      async reconcile(request) {
        const pod = pods.lister().get(request.namespace, request.name);
        const api = plane.client.resource('v1', 'Pod').namespace(request.namespace);
        if (!pod) return {};
        if (pod.metadata?.deletionTimestamp) {
          await api.delete(request.name, { gracePeriodSeconds: 0 }).catch(() => undefined);
          return {};
        }
        if (isPodReady(pod) || pod.status?.phase === 'Failed') return {};
        const uid = pod.metadata?.uid ?? '';
        if (!delays.has(uid)) delays.set(uid, plane.clock.now() + 200 + random.int(4_000));
        const wait = (delays.get(uid) ?? 0) - plane.clock.now();
        if (wait > 0) return { requeueAfter: wait };
        await makeReady(plane.client, pod, new Date(plane.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z'));
        return {};
      },
    },
  });
}

describe('Deployment rollout, whole loop', () => {
  it('property: budgets hold at every step; settles to exactly the spec; idle passes write nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.tuple(userAction, fault), { minLength: 1, maxLength: 8 }),
        fc.integer(),
        async (initialReplicas, steps, seed) => {
          const plane = createTestPlane(seed);
          const manager = new ControllerManager();
          manager.add(createDeploymentController(plane));
          manager.add(createReplicaSetController(plane));
          manager.add(randomKubelet(plane, seed));
          plane.informers.start();
          manager.start();
          const deployments = plane.client.resource('apps/v1', 'Deployment').namespace('default');
          const sets = plane.client.resource('apps/v1', 'ReplicaSet').namespace('default');
          const podsApi = plane.client.resource('v1', 'Pod').namespace('default');
          const random = createRandom(seed);
          await deployments.create(deployment(initialReplicas));

          // The largest replica count the pods may still be catching up from, and whether the
          // environment misbehaved since the deployment was last fully available.
          let replicasCeiling = initialReplicas;
          let healthy = true;
          let everAvailable = false;
          const livePods = async () => (await podsApi.list()).items.filter(isPodActive);

          const check = async () => {
            const d = await deployments.get('web');
            const replicas = d.spec?.replicas ?? 1;
            const pods = await livePods();
            expect(pods.length).toBeLessThanOrEqual(Math.max(replicas, replicasCeiling) + MAX_SURGE);
            const ready = pods.filter(isPodReady).length;
            if (ready >= replicas && replicas === replicasCeiling) {
              everAvailable = true;
            }
            if (healthy && everAvailable && !d.spec?.paused) {
              expect(ready).toBeGreaterThanOrEqual(Math.min(replicas, replicasCeiling) - MAX_UNAVAILABLE);
            }
          };
          const run = async (ms: number) => {
            for (let t = 0; t < ms; t += 250) {
              await plane.clock.advance(250);
              await check();
            }
          };

          for (const [action, f] of steps) {
            const d = await deployments.get('web');
            const spec = d.spec!;
            if (action.kind === 'scale') {
              replicasCeiling = Math.max(replicasCeiling, action.replicas);
              everAvailable = false;
              await deployments.update({ ...d, spec: { ...spec, replicas: action.replicas } });
            } else if (action.kind === 'image') {
              const template = {
                ...spec.template,
                spec: { containers: [{ name: 'web', image: `web:v${action.version}` }] },
              };
              await deployments.update({ ...d, spec: { ...spec, template } });
            } else if (action.kind === 'pause')
              await deployments.update({ ...d, spec: { ...spec, paused: true } });
            else if (action.kind === 'resume')
              await deployments.update({ ...d, spec: { ...spec, paused: false } });
            else if (action.kind === 'rollback' && !spec.paused) {
              try {
                const undo = rollbackTo(d, (await sets.list()).items, 0);
                if (!undo.skipped) await deployments.update(undo.deployment);
              } catch {
                // No previous revision yet: kubectl reports it, nothing changes.
              }
            }
            if (f.kind !== 'none') {
              const victims = await livePods();
              const victim: Pod | undefined = victims.length ? random.pick(victims) : undefined;
              if (victim) {
                healthy = false;
                if (f.kind === 'vanishPod')
                  await podsApi.delete(victim.metadata?.name ?? '').catch(() => undefined);
                else
                  await podsApi
                    .updateStatus({
                      ...victim,
                      status: { phase: 'Failed', conditions: [{ type: 'Ready', status: 'False' }] },
                    })
                    .catch(() => undefined);
              }
            }
            await run(action.kind === 'wait' ? action.ms : 1_000);
          }

          // The user stops (and resumes a paused rollout); the environment heals.
          const last = await deployments.get('web');
          if (last.spec?.paused) await deployments.update({ ...last, spec: { ...last.spec, paused: false } });
          await run(60_000);
          const d = await deployments.get('web');
          const replicas = d.spec?.replicas ?? 1;
          const image = d.spec?.template.spec?.containers[0]?.image;
          const pods = await livePods();
          expect(pods).toHaveLength(replicas);
          expect(pods.every((p) => isPodReady(p) && p.spec?.containers[0]?.image === image)).toBe(true);
          const all = (await sets.list()).items;
          const current = all.filter((rs) => rs.spec?.template?.spec?.containers[0]?.image === image);
          const old = all.filter((rs) => !current.includes(rs));
          expect(current).toHaveLength(1);
          expect(old.every((rs) => rs.spec?.replicas === 0)).toBe(true);
          expect(old.length).toBeLessThanOrEqual(2);
          // Kubernetes omits zero counts from status (omitempty), so absent reads as 0.
          const s = d.status ?? {};
          expect({
            replicas: s.replicas ?? 0,
            updatedReplicas: s.updatedReplicas ?? 0,
            readyReplicas: s.readyReplicas ?? 0,
            availableReplicas: s.availableReplicas ?? 0,
            unavailableReplicas: s.unavailableReplicas ?? 0,
            observedGeneration: s.observedGeneration,
          }).toEqual({
            replicas,
            updatedReplicas: replicas,
            readyReplicas: replicas,
            availableReplicas: replicas,
            unavailableReplicas: 0,
            observedGeneration: d.metadata?.generation,
          });

          // Level-triggered and idempotent: with nothing to do, a minute of reconciling writes nothing.
          const before = await plane.store.list({ apiVersion: 'v1', kind: 'Pod' });
          await manager.get('deployment')?.enqueue({ namespace: 'default', name: 'web' });
          await plane.clock.advance(60_000);
          const after = await plane.store.list({ apiVersion: 'v1', kind: 'Pod' });
          expect((await deployments.get('web')).metadata?.resourceVersion).toBe(d.metadata?.resourceVersion);
          expect(after.metadata.resourceVersion).toBe(before.metadata.resourceVersion);
          await manager.stop();
          plane.informers.stop();
        },
      ),
      { numRuns: Number(process.env.FLOTILLA_PROPERTY_RUNS ?? 25) },
    );
  }, 240_000);
});
