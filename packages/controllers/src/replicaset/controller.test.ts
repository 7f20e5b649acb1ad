import type { ReplicaSet } from '@flotilla/api';
import { describe, expect, it } from 'vitest';
import { createTestPlane, settle } from '../harness.test-support.js';
import { ControllerManager } from '../manager.js';
import { createReplicaSetController } from './controller.js';

const rs = (replicas: number): ReplicaSet => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
    },
  },
});

async function start() {
  const plane = createTestPlane();
  const manager = new ControllerManager();
  const errors: unknown[] = [];
  manager.add(createReplicaSetController({ ...plane, onError: (e) => errors.push(e) }));
  plane.informers.start();
  manager.start();
  const pods = () => plane.client.resource('v1', 'Pod').namespace('default');
  const sets = () => plane.client.resource('apps/v1', 'ReplicaSet').namespace('default');
  return { ...plane, manager, errors, pods, sets, settle: () => settle(plane.clock, manager) };
}

describe('ReplicaSet controller', () => {
  it('creates, scales down, replaces and reports status', async () => {
    const h = await start();
    await h.sets().create(rs(3));
    await h.settle();
    let pods = (await h.pods().list()).items;
    expect(pods).toHaveLength(3);
    expect(
      pods.every((p) => p.metadata?.generateName === 'web-' && p.metadata.ownerReferences?.[0]?.controller),
    ).toBe(true);
    expect((await h.sets().get('web')).status).toMatchObject({
      replicas: 3,
      readyReplicas: 0,
      observedGeneration: 1,
    });

    await h.pods().delete(pods[0]?.metadata?.name ?? '');
    await h.settle();
    expect((await h.pods().list()).items).toHaveLength(3);

    const current = await h.sets().get('web');
    await h.sets().update({ ...current, spec: { ...current.spec!, replicas: 1 } });
    await h.settle();
    pods = (await h.pods().list()).items;
    expect(pods).toHaveLength(1);
    expect((await h.sets().get('web')).status).toMatchObject({ replicas: 1, observedGeneration: 2 });
    await h.manager.stop();
    h.informers.stop();
  });

  it('adopts a matching orphan instead of creating a pod', async () => {
    const h = await start();
    await h.pods().create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'orphan', labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
    });
    await h.sets().create(rs(1));
    await h.settle();
    const pods = (await h.pods().list()).items;
    expect(pods.map((p) => p.metadata?.name)).toEqual(['orphan']);
    expect(pods[0]?.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: 'ReplicaSet',
      name: 'web',
      controller: true,
    });
    await h.manager.stop();
    h.informers.stop();
  });

  it('never creates more pods than replicas, whatever the order of events', async () => {
    const h = await start();
    await h.sets().create(rs(50));
    let max = 0;
    for (let i = 0; i < 200; i++) {
      await h.clock.advance(1);
      max = Math.max(max, (await h.pods().list()).items.length);
    }
    await h.settle();
    expect(max).toBeLessThanOrEqual(50);
    expect((await h.pods().list()).items).toHaveLength(50);
    expect(h.errors).toEqual([]);
    await h.manager.stop();
    h.informers.stop();
  });
});
