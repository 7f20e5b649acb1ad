/**
 * Simulation benchmarks (`BENCH <name> <value> <unit>` lines):
 * 1. scale: N nodes and 30 pods per node as Deployments of 100 replicas, from empty to all Running —
 *    wall time, virtual time, peak RSS — for growing N; the smallest size is the baseline and each
 *    size's wall time per pod is given as a ratio to it (1.0 = linear scaling).
 * 2. churn: a 100-node cluster with a rolling update every 30 virtual seconds: simulated
 *    cluster-hours per wall-second, against the same cluster idle (baseline).
 * 3. property throughput: random fault schedules checked per second (`runScenario` with the standard
 *    invariants), against scenarios without faults (baseline).
 * `SCALE_NODES=100,500,1000` chooses the sizes (default 100,300,500: 1,000 nodes alone takes ~4 min today); `BENCH_QUICK=1` runs small sizes only.
 */
import type { KubeObject } from '@flotilla/api';
import fc from 'fast-check';
import { arbScenario } from '../src/arbitraries.js';
import { runScenario } from '../src/scenario.js';
import { createSimulation } from '../src/simulation.js';

const bench = (name: string, value: number, unit: string) =>
  console.log(`BENCH ${name} ${Number.isInteger(value) ? value : value.toFixed(3)} ${unit}`);

let peakRss = 0;
const sampleRss = () => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
};
const gc = () => (globalThis as { gc?: () => void }).gc?.();

const deployment = (name: string, replicas: number, image = `${name}:v1`): KubeObject =>
  ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'c', image, resources: { requests: { cpu: '10m', memory: '16Mi' } } }] },
      },
    },
  }) as KubeObject;

const WALL_LIMIT_MS = Number(process.env.SCALE_WALL_LIMIT_S ?? 240) * 1000;

async function scale(
  nodes: number,
): Promise<{ wallMs: number; virtualMs: number; pods: number; running: number; rss: number }> {
  gc();
  peakRss = 0;
  const pods = nodes * 30;
  const sim = createSimulation({ seed: 1, nodes, history: 'off', workers: 4 });
  await sim.start();
  const startWall = performance.now();
  const startVirtual = sim.clock.now();
  await sim.apply(Array.from({ length: pods / 100 }, (_, i) => deployment(`app-${i}`, 100)));
  const podApi = sim.client.resource('v1', 'Pod');
  let running = 0;
  for (;;) {
    await sim.runFor(1_000);
    sampleRss();
    running = (await podApi.list({ fieldSelector: 'status.phase=Running' })).items.length;
    // Stop at all Running, after 1 virtual hour, or at the wall-time limit (reported as partial).
    if (running === pods || sim.clock.now() - startVirtual >= 3_600_000) break;
    if (performance.now() - startWall > WALL_LIMIT_MS) break;
  }
  const result = {
    wallMs: performance.now() - startWall,
    virtualMs: sim.clock.now() - startVirtual,
    pods,
    running,
    rss: peakRss,
  };
  await sim.stop();
  return result;
}

async function clusterHoursPerSecond(churn: boolean, virtualHours: number): Promise<number> {
  const sim = createSimulation({ seed: 2, nodes: 100, history: 'off' });
  await sim.start();
  const apps = Array.from({ length: 20 }, (_, i) => `app-${i}`);
  await sim.apply(apps.map((a) => deployment(a, 10)));
  await sim.runUntilSettled();
  const start = performance.now();
  const end = sim.clock.now() + virtualHours * 3_600_000;
  let version = 1;
  for (let i = 0; sim.clock.now() < end; i++) {
    if (churn) {
      const app = apps[i % apps.length] ?? 'app-0';
      if (i % apps.length === 0) version++;
      await sim.apply([deployment(app, 10, `${app}:v${version}`)]);
    }
    await sim.runFor(30_000);
  }
  const wallS = (performance.now() - start) / 1000;
  await sim.stop();
  return virtualHours / wallS;
}

async function scenariosPerSecond(withFaults: boolean, count: number): Promise<number> {
  const scenarios = fc.sample(arbScenario(), { numRuns: count, seed: 99 });
  const start = performance.now();
  for (const s of scenarios) {
    const result = await runScenario(withFaults ? s : { seed: s.seed, schedule: [] });
    if (result.violations.length > 0)
      throw new Error(`violation in seed ${s.seed}: ${result.violations[0]?.message}`);
  }
  return count / ((performance.now() - start) / 1000);
}

const quick = process.env.BENCH_QUICK === '1';
const sizes = (process.env.SCALE_NODES ?? (quick ? '20,100' : '100,300,500'))
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => n > 0);

let base: { perPod: number } | undefined;
for (const nodes of sizes) {
  const r = await scale(nodes);
  const perPod = r.wallMs / r.pods;
  base ??= { perPod };
  const tag = `scale_${nodes}n_${r.pods}p`;
  if (r.running < r.pods) {
    bench(`${tag}_INCOMPLETE_running_pods`, r.running, 'pods');
    bench(`${tag}_INCOMPLETE_wall`, r.wallMs / 1000, 's');
    bench(`${tag}_INCOMPLETE_virtual`, r.virtualMs / 1000, 's');
    bench(`${tag}_INCOMPLETE_peak_rss`, r.rss / 2 ** 20, 'MiB');
    continue;
  }
  bench(`${tag}_wall`, r.wallMs / 1000, 's');
  bench(`${tag}_virtual`, r.virtualMs / 1000, 's');
  bench(`${tag}_peak_rss`, r.rss / 2 ** 20, 'MiB');
  bench(`${tag}_wall_per_pod`, perPod, 'ms');
  bench(`${tag}_wall_per_pod_ratio_vs_${sizes[0]}n`, perPod / base.perPod, 'x');
}

const hours = quick ? 0.25 : 1;
const idle = await clusterHoursPerSecond(false, hours);
const churn = await clusterHoursPerSecond(true, hours);
bench('churn_100n_idle_baseline', idle, 'cluster-hours/s');
bench('churn_100n_rolling_update_every_30s', churn, 'cluster-hours/s');
bench('churn_100n_ratio_vs_idle', churn / idle, 'x');

const n = quick ? 10 : 40;
const calm = await scenariosPerSecond(false, n);
const faulty = await scenariosPerSecond(true, n);
bench('property_scenarios_no_faults_baseline', calm, 'scenarios/s');
bench('property_random_fault_schedules', faulty, 'scenarios/s');
bench('property_ratio_vs_no_faults', faulty / calm, 'x');
