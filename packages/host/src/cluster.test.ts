import { VirtualClock } from '@flotilla/clock';
import { describe, expect, it } from 'vitest';
import { createCluster } from './cluster.js';
import { rolloutProgress } from './wait.js';

const deployment = (image: string, replicas = 3) => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers:
        - name: web
          image: ${image}
          ports: [{ containerPort: 8080 }]
          resources: { requests: { cpu: 100m, memory: 64Mi } }
          readinessProbe: { httpGet: { path: /healthz, port: 8080 }, periodSeconds: 1 }
`;

async function until(clock: VirtualClock, check: () => Promise<boolean>, maxMs = 120_000) {
  for (let t = 0; t < maxMs; t += 100) {
    if (await check()) return;
    await clock.advance(100);
  }
  throw new Error('condition not reached');
}

describe('createCluster (simulated runtime, virtual clock)', () => {
  it('runs a Deployment end to end: scheduled, running, ready, rolled, scaled, and stops clean', async () => {
    const clock = new VirtualClock();
    const cluster = createCluster({ clock, nodes: 3, seed: 7 });
    await cluster.start();
    const nodes = (await cluster.client.resource('v1', 'Node').list()).items;
    expect(nodes.map((n) => n.metadata?.name).sort()).toEqual(['node-1', 'node-2', 'node-3']);
    const namespaces = (await cluster.client.resource('v1', 'Namespace').list()).items.map(
      (n) => n.metadata?.name,
    );
    expect(namespaces).toEqual(
      expect.arrayContaining(['default', 'kube-system', 'kube-public', 'kube-node-lease']),
    );

    await cluster.apply(deployment('web:v1'));
    await until(clock, async () => (await rolloutProgress(cluster.client, 'default', 'web')).complete);
    const pods = (await cluster.client.resource('v1', 'Pod').namespace('default').list()).items;
    expect(pods).toHaveLength(3);
    expect(pods.every((p) => p.status?.phase === 'Running' && p.spec?.nodeName)).toBe(true);
    expect(new Set(pods.map((p) => p.spec?.nodeName)).size).toBe(3);
    expect(new Set(pods.map((p) => p.status?.podIP)).size).toBe(3);

    await cluster.apply(deployment('web:v2', 5));
    await until(clock, async () => {
      const p = await rolloutProgress(cluster.client, 'default', 'web');
      return p.complete && p.replicas === 5;
    });
    const images = (await cluster.client.resource('v1', 'Pod').namespace('default').list()).items
      .filter((p) => !p.metadata?.deletionTimestamp)
      .map((p) => p.spec?.containers[0]?.image);
    expect(images).toEqual(Array(5).fill('web:v2'));

    await cluster.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it('replaces a pod that is deleted', async () => {
    const clock = new VirtualClock();
    const cluster = createCluster({ clock, nodes: 2 });
    await cluster.start();
    await cluster.apply(deployment('web:v1', 2));
    await until(clock, async () => (await rolloutProgress(cluster.client, 'default', 'web')).complete);
    const pods = cluster.client.resource('v1', 'Pod').namespace('default');
    const [first] = (await pods.list()).items;
    await pods.delete(first?.metadata?.name ?? '');
    await until(clock, async () => {
      const live = (await pods.list()).items.filter((p) => p.metadata?.uid !== first?.metadata?.uid);
      return (
        live.length === 2 &&
        live.every((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'))
      );
    });
    await cluster.stop();
    expect(clock.pendingTimers).toBe(0);
  });
});
