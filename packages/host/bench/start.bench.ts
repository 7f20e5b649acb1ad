/**
 * Host start-to-ready time (3 nodes, real processes) and the time until a 3-replica Deployment of the
 * web image is available, against a baseline measured in the same run: spawning the same three
 * servers by hand and waiting until each answers over HTTP — the floor any orchestrator pays.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { createCluster, rolloutProgress } from '../src/index.js';

const images = join(import.meta.dirname, '..', '..', '..', 'examples', 'images');
const RUNS = Number(process.env.RUNS ?? 3);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function baseline(): Promise<number> {
  const start = performance.now();
  const children = await Promise.all(
    [0, 1, 2].map(async () => {
      const port = await freePort();
      const child = spawn('node', ['server.mjs'], {
        cwd: join(images, 'web', 'v1'),
        env: { ...process.env, PORT: String(port), VERSION: 'v1' },
        stdio: 'ignore',
      });
      for (;;) {
        try {
          if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
        } catch {
          await sleep(10);
        }
      }
      return child;
    }),
  );
  const ms = performance.now() - start;
  for (const c of children) c.kill('SIGKILL');
  return ms;
}

async function host(): Promise<{ startMs: number; availableMs: number }> {
  const cluster = createCluster({ runtime: 'process', imageDir: images, nodes: 3 });
  const t0 = performance.now();
  await cluster.start();
  const startMs = performance.now() - t0;
  const t1 = performance.now();
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
      containers:
        - name: web
          image: web:v1
          ports: [{ name: http, containerPort: 8080 }]
          readinessProbe: { httpGet: { path: /healthz, port: http }, periodSeconds: 1 }
`);
  while (!(await rolloutProgress(cluster.client, 'default', 'web')).complete) await sleep(5);
  const availableMs = performance.now() - t1;
  await cluster.stop();
  return { startMs, availableMs };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const base: number[] = [];
const starts: number[] = [];
const avail: number[] = [];
for (let i = 0; i < RUNS; i++) {
  base.push(await baseline());
  const r = await host();
  starts.push(r.startMs);
  avail.push(r.availableMs);
}
console.log(`BENCH host.baseline.spawn_3_servers_until_healthy ${median(base).toFixed(0)} ms`);
console.log(`BENCH host.start_to_ready_3_nodes ${median(starts).toFixed(0)} ms`);
console.log(`BENCH host.deployment_3_replicas_available ${median(avail).toFixed(0)} ms`);
console.log(`BENCH host.deployment_available.vs_bare_spawn ${(median(avail) / median(base)).toFixed(2)} x`);
