import type { Pod, ReplicaSet } from '@flotilla/api';
import { describe, expect, it } from 'vitest';
import { createTestPlane, settle } from '../harness.test-support.js';
import { ControllerManager } from '../manager.js';
import { createGarbageCollector } from './controller.js';

const rs: ReplicaSet = {
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name: 'rs', namespace: 'default' },
  spec: {
    replicas: 0,
    selector: { matchLabels: { app: 'x' } },
    template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
  },
};

const podOf = (owner: ReplicaSet, uid = owner.metadata?.uid ?? ''): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'p',
    namespace: 'default',
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid, controller: true }],
  },
  spec: { containers: [{ name: 'c', image: 'i' }] },
});

describe('createGarbageCollector', () => {
  it('reads an owner its caches do not hold before deleting, and deletes once it is really gone', async () => {
    const plane = createTestPlane();
    const manager = new ControllerManager();
    // Only Pods are watched: the ReplicaSet owner is never in a cache.
    manager.add(createGarbageCollector({ ...plane, kinds: [{ apiVersion: 'v1', kind: 'Pod' }] }));
    plane.informers.start();
    manager.start();
    const owner = await plane.client.resource('apps/v1', 'ReplicaSet').create(rs);
    const pods = plane.client.resource('v1', 'Pod').namespace('default');
    await pods.create(podOf(owner));
    await settle(plane.clock, manager);
    expect((await pods.list()).items).toHaveLength(1);

    await plane.client.resource('apps/v1', 'ReplicaSet').namespace('default').delete('rs');
    await pods.patch('p', { metadata: { labels: { touched: 'yes' } } });
    await settle(plane.clock, manager);
    expect((await pods.list()).items).toHaveLength(0);
    await manager.stop();
    plane.informers.stop();
  });

  it('a reference to a re-created namesake (another uid) dangles', async () => {
    const plane = createTestPlane();
    const manager = new ControllerManager();
    manager.add(createGarbageCollector(plane));
    plane.informers.start();
    manager.start();
    const owner = await plane.client.resource('apps/v1', 'ReplicaSet').create(rs);
    const pods = plane.client.resource('v1', 'Pod').namespace('default');
    await pods.create(podOf(owner, 'not-the-owner-uid'));
    await settle(plane.clock, manager);
    expect((await pods.list()).items).toHaveLength(0);
    expect((await plane.client.resource('apps/v1', 'ReplicaSet').list()).items).toHaveLength(1);
    await manager.stop();
    plane.informers.stop();
  });

  it('rejects a kind the registry does not know', () => {
    const plane = createTestPlane();
    expect(() =>
      createGarbageCollector({ ...plane, kinds: [{ apiVersion: 'example.com/v1', kind: 'Widget' }] }),
    ).toThrow(/unknown kind example.com\/v1 Widget/);
  });
});
