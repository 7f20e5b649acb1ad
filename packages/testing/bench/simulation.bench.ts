/**
 * Simulation benchmarks (`BENCH <name> <value> <unit>` lines):
 * 1. scale: N nodes and 30 pods per node as Deployments of 100 replicas, from empty to all Running —
 *    wall time, CPU time of the process (user + system, all threads: the GC helpers run on the second
 *    core), virtual time, peak RSS — for growing N; the smallest size is the baseline and each
 *    size's wall time per pod is given as a ratio to it (1.0 = linear scaling).
 * 2. churn: simulated cluster-hours per wall-second of a 100-node cluster (20 Deployments × 10 pods),
 *    with heartbeat coalescing (the default) and, as the same-run baseline, without (exact: every
 *    Lease renewal and node status write happens), for three profiles:
 *    - `idle`: nothing but heartbeats, advanced 30 virtual seconds at a time;
 *    - `rolling_update_30s`: a rolling update of one Deployment every 30 virtual seconds (the old figure);
 *    - `steady`: what a long-running cluster sees — one pod deleted (and replaced by its ReplicaSet)
 *      every 5 virtual minutes, 6 % of the 200 pods per hour as from node maintenance or failures,
 *      plus one rolling update (a deploy) every virtual hour — made by a churn generator inside the
 *      cluster (a timer on the simulation's clock writing through its own client, as a controller
 *      would), the test only advancing time 5 minutes at a time;
 *    - `steady_from_test`: the same churn made by the test through `sim.client` between `runFor`
 *      calls, what a test driving churn itself gets (its writes no longer force a catch-up round of
 *      100 Lease and up to 100 node-status writes; only reads of Nodes or Leases, faults, and agents
 *      waiting on a back-off while resyncs are held do).
 *    The coalesced runs of `idle` cover 240 cluster-hours, `steady` 24, `steady_from_test` 4; the
 *    exact ones 1 (fewer with `BENCH_QUICK`); `rolling_update_30s` covers 1 in both modes. Every run
 *    ends by reading the Nodes, which brings held heartbeats up to date: that catch-up (~40–120 ms for
 *    100 nodes) is inside the measured time. The old `churn_100n_*` lines are kept, from the
 *    coalesced runs.
 * 3. property throughput: random fault schedules checked per second (`runScenario` with the standard
 *    invariants), against scenarios without faults (baseline).
 * `SCALE_NODES=100,500,1000` chooses the sizes (default 100,300,500; 1,000 nodes take ~11 s, and 5,000 —
 *    Kubernetes' largest supported cluster, 150,000 pods — on the shared 2-core machine 16 of 18 runs
 *    took 42.7–58.4 s (median ~50 s) and 1.76–1.93 GiB; the other two, 62.4 and 66.8 s, came in a heavily
 *    loaded half-hour in which the previous stop's code, run alternately, took 64–84 s; over all pairs
 *    the ratio to that code was 0.73–0.95, mean ~0.83); `BENCH_QUICK=1` runs small sizes only.
 * `pnpm bench` runs this with `--max-semi-space-size=64` (V8's young generation at 64 MiB per semi-space
 *    instead of 16): a big simulation keeps most of what it allocates (every object version is cached),
 *    and with the default young generation much of the wave's short-lived state is promoted and collected
 *    by full GCs — at 5,000 nodes the flag takes ~20 % off the wall time for ~0.4 GiB more RSS. Without
 *    the flag (plain `node …`) the same run took 80 s and 2.2 GiB.
 * `BENCH_ONLY=scale` (or `churn`, `property`, comma-separated) runs only those parts.
 */
import type { Deployment, KubeObject } from '@flotilla/api';
import { createInProcessClient } from '@flotilla/client';
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
): Promise<{ wallMs: number; cpuMs: number; virtualMs: number; pods: number; running: number; rss: number }> {
  gc();
  peakRss = 0;
  const pods = nodes * 30;
  const sim = createSimulation({ seed: 1, nodes, history: 'off', workers: 4 });
  await sim.start();
  const startWall = performance.now();
  const startCpu = process.cpuUsage();
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
  const cpu = process.cpuUsage(startCpu);
  const result = {
    wallMs: performance.now() - startWall,
    cpuMs: (cpu.user + cpu.system) / 1000,
    virtualMs: sim.clock.now() - startVirtual,
    pods,
    running,
    rss: peakRss,
  };
  await sim.stop();
  return result;
}

type ChurnProfile = 'idle' | 'rolling_update_30s' | 'steady' | 'steady_from_test';

async function clusterHoursPerSecond(
  profile: ChurnProfile,
  coalesceHeartbeats: boolean,
  virtualHours: number,
): Promise<{ perSecond: number; writesPerHour: number }> {
  const sim = createSimulation({ seed: 2, nodes: 100, history: 'off', coalesceHeartbeats });
  await sim.start();
  const apps = Array.from({ length: 20 }, (_, i) => `app-${i}`);
  await sim.apply(apps.map((a) => deployment(a, 10)));
  await sim.runUntilSettled();
  const start = performance.now();
  const writes = sim.writes;
  const end = sim.clock.now() + virtualHours * 3_600_000;
  const versions = new Map<string, number>();
  const rollOut = async (app: string) => {
    const version = (versions.get(app) ?? 1) + 1;
    versions.set(app, version);
    await sim.apply([deployment(app, 10, `${app}:v${version}`)]);
  };
  // The churn generator of `steady`: inside the cluster, on the simulation's clock and its own client.
  const inside = createInProcessClient(sim.store);
  const churnStep = async (i: number, client = sim.client) => {
    const podsOf = client.resource('v1', 'Pod').namespace('default');
    if (i % 12 === 0) {
      const app = apps[(i / 12) % apps.length] ?? 'app-0';
      const version = (versions.get(app) ?? 1) + 1;
      versions.set(app, version);
      const deployments = client.resource('apps/v1', 'Deployment').namespace('default');
      const current = (await deployments.get(app)) as Deployment;
      const next = deployment(app, 10, `${app}:v${version}`) as Deployment;
      await deployments.update({
        ...next,
        metadata: { ...next.metadata, resourceVersion: current.metadata?.resourceVersion },
      });
    }
    const app = apps[i % apps.length] ?? 'app-0';
    const victim = (await podsOf.list({ labelSelector: `app=${app}` })).items
      .filter((p) => !p.metadata?.deletionTimestamp)
      .map((p) => p.metadata?.name ?? '')
      .sort()[0];
    if (victim) await podsOf.delete(victim);
  };
  let generator: ReturnType<typeof sim.clock.setTimeout> | undefined;
  if (profile === 'steady') {
    let i = 0;
    const tick = () => {
      generator = sim.clock.setTimeout(tick, 300_000);
      void churnStep(i++, inside);
    };
    tick();
  }
  for (let i = 0; sim.clock.now() < end; i++) {
    const app = apps[i % apps.length] ?? 'app-0';
    if (profile === 'idle') {
      await sim.runFor(30_000);
    } else if (profile === 'rolling_update_30s') {
      await rollOut(app);
      await sim.runFor(30_000);
    } else if (profile === 'steady') {
      await sim.runFor(300_000);
    } else {
      await churnStep(i);
      await sim.runFor(300_000);
    }
  }
  if (generator) sim.clock.clearTimeout(generator);
  // Reading the Nodes brings every held heartbeat up to date: the catch-up is part of the time.
  await sim.client.resource('v1', 'Node').list();
  const wallS = (performance.now() - start) / 1000;
  const result = { perSecond: virtualHours / wallS, writesPerHour: (sim.writes - writes) / virtualHours };
  await sim.stop();
  return result;
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
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
const runs = (part: 'scale' | 'churn' | 'property') => !only || only.includes(part);
const sizes = (process.env.SCALE_NODES ?? (quick ? '20,100' : '100,300,500'))
  .split(',')
  .map((s) => Number(s.trim()))
  .filter((n) => n > 0);

let base: { perPod: number } | undefined;
for (const nodes of runs('scale') ? sizes : []) {
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
  bench(`${tag}_cpu`, r.cpuMs / 1000, 's');
  bench(`${tag}_virtual`, r.virtualMs / 1000, 's');
  bench(`${tag}_peak_rss`, r.rss / 2 ** 20, 'MiB');
  bench(`${tag}_wall_per_pod`, perPod, 'ms');
  bench(`${tag}_wall_per_pod_ratio_vs_${sizes[0]}n`, perPod / base.perPod, 'x');
}

if (runs('churn')) {
  const exactHours = quick ? 0.25 : 1;
  const churn: Partial<Record<ChurnProfile, number>> = {};
  for (const profile of ['idle', 'rolling_update_30s', 'steady', 'steady_from_test'] as const) {
    const hours = {
      idle: quick ? 24 : 240,
      rolling_update_30s: exactHours,
      steady: quick ? 2 : 24,
      steady_from_test: quick ? 1 : 4,
    }[profile];
    const coalesced = await clusterHoursPerSecond(profile, true, hours);
    const exact = await clusterHoursPerSecond(profile, false, exactHours);
    churn[profile] = coalesced.perSecond;
    bench(`sim.churn.${profile}.exact_baseline.cluster_hours_per_s`, exact.perSecond, 'cluster-h/s');
    bench(`sim.churn.${profile}.cluster_hours_per_s`, coalesced.perSecond, 'cluster-h/s');
    bench(`sim.churn.${profile}.ratio_vs_exact`, coalesced.perSecond / exact.perSecond, 'x');
    bench(`sim.churn.${profile}.exact_baseline.writes_per_cluster_hour`, exact.writesPerHour, 'writes');
    bench(`sim.churn.${profile}.writes_per_cluster_hour`, coalesced.writesPerHour, 'writes');
  }
  bench('churn_100n_idle_baseline', churn.idle ?? 0, 'cluster-hours/s');
  bench('churn_100n_rolling_update_every_30s', churn.rolling_update_30s ?? 0, 'cluster-hours/s');
  bench('churn_100n_ratio_vs_idle', (churn.rolling_update_30s ?? 0) / (churn.idle ?? 1), 'x');

  const n = quick ? 10 : 40;
  const calm = await scenariosPerSecond(false, n);
  const faulty = await scenariosPerSecond(true, n);
  bench('property_scenarios_no_faults_baseline', calm, 'scenarios/s');
  bench('property_random_fault_schedules', faulty, 'scenarios/s');
  bench('property_ratio_vs_no_faults', faulty / calm, 'x');
}
