import { VirtualClock } from '@flotilla/clock';
import { EtcdBackend } from '@flotilla/store-etcd';
import { describe, expect, it } from 'vitest';
import { createCluster } from './cluster.js';
import { rolloutProgress } from './wait.js';

const endpoints = (process.env.FLOTILLA_ETCD_ENDPOINTS ?? '127.0.0.1:23790')
  .split(',')
  .map((e) => `http://${e}`);

describe('a cluster on etcd', () => {
  it('runs a Deployment to availability with etcd as its store', async () => {
    const clock = new VirtualClock();
    const backend = new EtcdBackend({ endpoints, prefix: `/flotilla-host-${process.pid}-${Date.now()}` });
    const cluster = createCluster({ clock, backend, nodes: 2 });
    await cluster.start();
    await cluster.apply(`
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 3
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers: [{ name: web, image: "web:v1" }]
`);
    // etcd answers on wall time: give each virtual step a moment of real time too.
    for (let i = 0; i < 600 && !(await rolloutProgress(cluster.client, 'default', 'web')).complete; i++) {
      await clock.advance(100);
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(await rolloutProgress(cluster.client, 'default', 'web')).toMatchObject({
      complete: true,
      available: 3,
    });
    await cluster.stop();
    await backend.close();
  }, 60_000);
});
