import type { Deployment } from '@flotilla/api';
import { rollbackTo } from '@flotilla/rollout';
import { describe, expect, it } from 'vitest';
import { createFakeKubelet, createTestPlane, settle } from '../harness.test-support.js';
import { ControllerManager } from '../manager.js';
import { createReplicaSetController } from '../replicaset/controller.js';
import { createDeploymentController } from './controller.js';

const deployment = (image: string, replicas = 3): Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } },
  },
});

async function start(readyDelayMs = 0) {
  const plane = createTestPlane();
  const manager = new ControllerManager();
  const errors: unknown[] = [];
  const onError = (e: unknown) => errors.push(e);
  manager.add(createDeploymentController({ ...plane, onError }));
  manager.add(createReplicaSetController({ ...plane, onError }));
  manager.add(createFakeKubelet(plane, readyDelayMs));
  plane.informers.start();
  manager.start();
  const api = {
    deployments: plane.client.resource('apps/v1', 'Deployment').namespace('default'),
    replicaSets: plane.client.resource('apps/v1', 'ReplicaSet').namespace('default'),
    pods: plane.client.resource('v1', 'Pod').namespace('default'),
    events: plane.client.resource('v1', 'Event').namespace('default'),
  };
  const stop = async () => {
    await manager.stop();
    plane.informers.stop();
  };
  return { ...plane, manager, errors, api, stop, settle: () => settle(plane.clock, manager) };
}

const images = (pods: readonly { spec?: { containers?: readonly { image?: string }[] } }[]) =>
  pods.map((p) => p.spec?.containers?.[0]?.image).sort();

describe('Deployment controller', () => {
  it('rolls out, updates, rolls back and records it the way kubectl expects', async () => {
    const h = await start();
    await h.api.deployments.create(deployment('nginx:1.26'));
    await h.settle();
    let d = await h.api.deployments.get('web');
    expect(d.status).toMatchObject({
      replicas: 3,
      updatedReplicas: 3,
      readyReplicas: 3,
      availableReplicas: 3,
      observedGeneration: 1,
    });
    expect(d.status?.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual(
      expect.arrayContaining([
        ['Available', 'True', 'MinimumReplicasAvailable'],
        ['Progressing', 'True', 'NewReplicaSetAvailable'],
      ]),
    );
    expect(d.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    const [rs1] = (await h.api.replicaSets.list()).items;
    expect(rs1?.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: 'Deployment',
      uid: d.metadata?.uid,
      controller: true,
    });
    expect(rs1?.metadata?.labels?.['pod-template-hash']).toBeTruthy();

    await h.api.deployments.update({
      ...d,
      spec: { ...d.spec!, template: deployment('nginx:1.27').spec!.template },
    });
    await h.settle();
    expect(images((await h.api.pods.list()).items)).toEqual(['nginx:1.27', 'nginx:1.27', 'nginx:1.27']);
    const sets = (await h.api.replicaSets.list()).items;
    expect(
      sets
        .map((rs) => [rs.metadata?.annotations?.['deployment.kubernetes.io/revision'], rs.spec?.replicas])
        .sort(),
    ).toEqual([
      ['1', 0],
      ['2', 3],
    ]);

    d = await h.api.deployments.get('web');
    const undo = rollbackTo(d, sets, 1);
    await h.api.deployments.update(undo.deployment);
    await h.settle();
    expect(images((await h.api.pods.list()).items)).toEqual(['nginx:1.26', 'nginx:1.26', 'nginx:1.26']);
    expect((await h.api.replicaSets.list()).items).toHaveLength(2);
    d = await h.api.deployments.get('web');
    expect(d.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    const reasons = (await h.api.events.list()).items.map((e) => e.reason);
    expect(reasons).toContain('ScalingReplicaSet');
    expect(h.errors.filter((e) => (e as { reason?: string }).reason !== 'Conflict')).toEqual([]);
    await h.stop();
  });

  it('keeps the rolling-update budget at every step of a slow rollout', async () => {
    const h = await start(3_000);
    await h.api.deployments.create(deployment('v1', 10));
    let d = await h.api.deployments.get('web');
    while ((d.status?.availableReplicas ?? 0) < 10) {
      await h.clock.advance(100);
      d = await h.api.deployments.get('web');
    }
    await h.api.deployments.update({ ...d, spec: { ...d.spec!, template: deployment('v2').spec!.template } });
    let maxPods = 0;
    let minAvailable = Infinity;
    for (let t = 0; t < 120_000; t += 100) {
      await h.clock.advance(100);
      const pods = (await h.api.pods.list()).items.filter((p) => !p.metadata?.deletionTimestamp);
      maxPods = Math.max(maxPods, pods.length);
      const ready = pods.filter((p) =>
        p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
      );
      minAvailable = Math.min(minAvailable, ready.length);
    }
    // 10 replicas with 25%/25%: surge 3 (rounded up), unavailable 2 (rounded down).
    expect(maxPods).toBeLessThanOrEqual(13);
    expect(minAvailable).toBeGreaterThanOrEqual(8);
    expect(images((await h.api.pods.list()).items)).toEqual(Array(10).fill('v2'));
    await h.stop();
  });
});
