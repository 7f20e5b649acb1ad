import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '@flotilla/clock';
import { SqliteBackend } from '@flotilla/store-sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { createCluster } from './cluster.js';
import { rolloutProgress } from './wait.js';

const deployment = (image: string) => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 4
  strategy: { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } }
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      containers: [{ name: web, image: "${image}" }]
`;

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('a cluster on SQLite', () => {
  it('survives a host restart in the middle of a rollout and finishes it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-host-sqlite-'));
    dirs.push(dir);
    const path = join(dir, 'state.db');
    const clock = new VirtualClock();

    const first = createCluster({ clock, backend: new SqliteBackend({ path, clock }), nodes: 2 });
    await first.start();
    await first.apply(deployment('web:v1'));
    for (let i = 0; i < 300 && !(await rolloutProgress(first.client, 'default', 'web')).complete; i++)
      await clock.advance(100);
    expect((await rolloutProgress(first.client, 'default', 'web')).complete).toBe(true);
    await first.apply(deployment('web:v2'));
    await clock.advance(20); // part-way: the new ReplicaSet exists, old pods still run
    const midway = await rolloutProgress(first.client, 'default', 'web');
    expect(midway.complete).toBe(false);
    await first.stop();

    // A new host process on the same file: its agents re-register, controllers pick up where the store says.
    const backend = new SqliteBackend({ path, clock });
    const second = createCluster({ clock, backend, nodes: 2 });
    await second.start();
    const d = await second.client.resource('apps/v1', 'Deployment').namespace('default').get('web');
    expect(d.spec?.template.spec?.containers[0]?.image).toBe('web:v2');
    for (let i = 0; i < 1200 && !(await rolloutProgress(second.client, 'default', 'web')).complete; i++)
      await clock.advance(100);
    const progress = await rolloutProgress(second.client, 'default', 'web');
    expect(progress).toMatchObject({ complete: true, replicas: 4, updated: 4, available: 4 });
    const pods = (await second.client.resource('v1', 'Pod').namespace('default').list()).items.filter(
      (p) => !p.metadata?.deletionTimestamp,
    );
    expect(pods.map((p) => p.spec?.containers[0]?.image)).toEqual(Array(4).fill('web:v2'));
    await second.stop();
    await backend.close();
    expect(clock.pendingTimers).toBe(0);
  });
});
