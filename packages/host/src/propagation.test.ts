import { VirtualClock } from '@flotilla/clock';
import { afterEach, describe, expect, it } from 'vitest';
import { type Cluster, createCluster } from './cluster.js';
import { rolloutProgress } from './wait.js';

const manifest = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      terminationGracePeriodSeconds: 1
      containers: [{ name: web, image: "web:v1" }]
`;

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

async function running(clock: VirtualClock) {
  cluster = createCluster({ clock, nodes: 2 });
  await cluster.start();
  await cluster.apply(manifest);
  for (let i = 0; i < 600 && !(await rolloutProgress(cluster.client, 'default', 'web')).complete; i++)
    await clock.advance(100);
  return cluster;
}

async function until(clock: VirtualClock, check: () => Promise<boolean>) {
  for (let i = 0; i < 1200; i++) {
    if (await check()) return;
    await clock.advance(100);
  }
  throw new Error('condition not reached');
}

describe('delete with propagationPolicy (kubectl delete --cascade=…)', () => {
  it('foreground: the Deployment waits, with foregroundDeletion, until its ReplicaSets and Pods are gone', async () => {
    const clock = new VirtualClock();
    const c = await running(clock);
    const deployments = c.client.resource('apps/v1', 'Deployment').namespace('default');
    const marked = await deployments.delete('web', { propagationPolicy: 'Foreground' });
    expect(marked.metadata?.finalizers).toContain('foregroundDeletion');
    await until(clock, async () => {
      try {
        await deployments.get('web');
        return false;
      } catch {
        return true;
      }
    });
    const pods = (await c.client.resource('v1', 'Pod').namespace('default').list()).items;
    const sets = (await c.client.resource('apps/v1', 'ReplicaSet').namespace('default').list()).items;
    expect(sets).toEqual([]);
    expect(pods.filter((p) => !p.metadata?.deletionTimestamp)).toEqual([]);
  });

  it('orphan: the ReplicaSet and its Pods stay, released from the Deployment', async () => {
    const clock = new VirtualClock();
    const c = await running(clock);
    const deployments = c.client.resource('apps/v1', 'Deployment').namespace('default');
    await deployments.delete('web', { propagationPolicy: 'Orphan' });
    const sets = c.client.resource('apps/v1', 'ReplicaSet').namespace('default');
    await until(clock, async () => {
      const items = (await sets.list()).items;
      return items.length === 1 && !items[0]?.metadata?.ownerReferences?.length;
    });
    await clock.advance(5_000);
    expect((await c.client.resource('v1', 'Pod').namespace('default').list()).items).toHaveLength(2);
  });
});
