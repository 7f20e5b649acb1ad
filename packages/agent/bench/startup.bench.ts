/**
 * Pod start-up latency (create → Ready) of the agent on real processes, against a baseline measured in
 * the same run: spawning the same server by hand and polling until its port answers. Then the agent's
 * throughput on the simulated runtime: 10,000 pods (100 nodes × 100 pods) to Ready, wall time.
 *
 * Kubernetes' SLO for pod start-up is 5 s at p99 (excluding image pulls).
 */
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAgent } from '@flotilla/agent';
import type { Pod } from '@flotilla/api';
import { createInProcessClient, SharedInformerFactory } from '@flotilla/client';
import { SystemClock, VirtualClock } from '@flotilla/clock';
import { ProcessRuntime, SimulatedRuntime } from '@flotilla/runtime';
import { MemoryBackend, ObjectStore } from '@flotilla/store';

const imageDir = join(import.meta.dirname, '../../../examples/images');
const PODS = 20;

const bench = (name: string, value: number, unit: string) =>
  console.log(`BENCH ${name} ${Number.isInteger(value) ? value : value.toFixed(2)} ${unit}`);

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

const isReady = (pod: Pod) => pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');

function webPod(name: string, node: string, probe: boolean): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: {
      nodeName: node,
      containers: [
        {
          name: 'web',
          image: 'web:v1',
          ports: [{ containerPort: 8080 }],
          ...(probe
            ? { readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 1 } }
            : {}),
        },
      ],
    },
  };
}

// ---- agent on ProcessRuntime ----------------------------------------------------------------------

async function agentStartup(): Promise<number[]> {
  const clock = new SystemClock();
  const store = new ObjectStore({ backend: new MemoryBackend(), clock });
  const client = createInProcessClient(store);
  const informers = new SharedInformerFactory(client, { clock });
  const runtime = new ProcessRuntime({ imageDir, gracePeriodDefaultSeconds: 2 });
  const agent = createAgent({ nodeName: 'bench-node', client, informers, runtime, clock });
  informers.start();
  await agent.start();
  const createdAt = new Map<string, number>();
  const latencies: number[] = [];
  const allReady = new Promise<void>((resolve) => {
    const sub = informers.informerFor('v1', 'Pod').events$.subscribe((event) => {
      const name = event.object.metadata?.name ?? '';
      const start = createdAt.get(name);
      if (start === undefined || event.type === 'DELETED' || !isReady(event.object)) return;
      createdAt.delete(name);
      latencies.push(performance.now() - start);
      if (latencies.length === PODS) {
        sub.unsubscribe();
        resolve();
      }
    });
  });
  const pods = client.resource('v1', 'Pod').namespace('default');
  await Promise.all(
    Array.from({ length: PODS }, async (_, i) => {
      const name = `web-${i}`;
      createdAt.set(name, performance.now());
      await pods.create(webPod(name, 'bench-node', true));
    }),
  );
  await allReady;
  await agent.stop();
  await runtime.close();
  informers.stop();
  store.close();
  return latencies;
}

// ---- baseline: spawn the server by hand, poll its port --------------------------------------------

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/healthz', agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

async function baselineStartup(): Promise<number[]> {
  const dir = join(imageDir, 'web/v1');
  return Promise.all(
    Array.from({ length: PODS }, async () => {
      const port = await freePort();
      const start = performance.now();
      const child = spawn(process.execPath, ['server.mjs'], {
        cwd: dir,
        env: { PATH: process.env.PATH ?? '', PORT: String(port), VERSION: 'v1' },
        stdio: 'ignore',
      });
      while (!(await answers(port))) await sleep(5);
      const latency = performance.now() - start;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      return latency;
    }),
  );
}

// ---- agent on SimulatedRuntime: 10,000 pods ---------------------------------------------------------

async function simulated(nodes: number, podsPerNode: number) {
  const clock = new VirtualClock();
  const store = new ObjectStore({ backend: new MemoryBackend(), clock, watchCacheSize: 100_000 });
  const client = createInProcessClient(store);
  const informers = new SharedInformerFactory(client, { clock });
  informers.start();
  const agents = [];
  for (let n = 0; n < nodes; n++) {
    const runtime = new SimulatedRuntime({
      clock,
      seed: n + 1,
      startLatencyMs: [200, 800],
      podCIDR: `10.${n}.0.0/16`,
    });
    const agent = createAgent({
      nodeName: `node-${n}`,
      client,
      informers,
      runtime,
      clock,
      address: `172.16.${n >> 8}.${n & 255}`,
    });
    await agent.start();
    agents.push(agent);
  }
  const total = nodes * podsPerNode;
  let ready = 0;
  const sub = informers.informerFor('v1', 'Pod').events$.subscribe((event) => {
    if (event.type === 'MODIFIED' && isReady(event.object) && !(event.oldObject && isReady(event.oldObject)))
      ready++;
  });
  const pods = client.resource('v1', 'Pod').namespace('default');
  const started = performance.now();
  for (let batch = 0; batch < total; batch += 500) {
    await Promise.all(
      Array.from({ length: Math.min(500, total - batch) }, (_, k) => {
        const i = batch + k;
        return pods.create(webPod(`web-${i}`, `node-${i % nodes}`, false));
      }),
    );
  }
  while (ready < total) await clock.advance(100);
  const wallMs = performance.now() - started;
  const writes = agents.reduce((sum, a) => sum + a.stats.statusWrites, 0);
  const conflicts = agents.reduce((sum, a) => sum + a.stats.conflicts, 0);
  sub.unsubscribe();
  for (const agent of agents) await agent.stop();
  informers.stop();
  store.close();
  return { wallMs, total, writes, conflicts };
}

const agentMs = await agentStartup();
const baseMs = await baselineStartup();
const a50 = percentile(agentMs, 50);
const a99 = percentile(agentMs, 99);
const b50 = percentile(baseMs, 50);
const b99 = percentile(baseMs, 99);
bench('agent.process.startup.p50', a50, 'ms');
bench('agent.process.startup.p99', a99, 'ms');
bench('baseline.spawn.startup.p50', b50, 'ms');
bench('baseline.spawn.startup.p99', b99, 'ms');
bench('agent.process.startup.ratio.p50', a50 / b50, 'x');
bench('agent.process.startup.ratio.p99', a99 / b99, 'x');

const sim = await simulated(100, 100);
bench('agent.simulated.10000pods.ready.wall', sim.wallMs, 'ms');
bench('agent.simulated.pods.per.second', (sim.total / sim.wallMs) * 1000, 'pods/s');
bench('agent.simulated.status.writes.per.pod', sim.writes / sim.total, 'writes');
bench('agent.simulated.status.conflicts', sim.conflicts, 'conflicts');
