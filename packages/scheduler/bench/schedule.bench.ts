/**
 * Scheduler throughput at Kubernetes' and Nomad's scale, each figure beside a trivial first-fit loop
 * (next-fit over numeric arrays: the least work any placement can do) measured in the same run.
 *
 *   (a) 100,000 pods with cpu/memory requests onto 5,000 nodes, `spread` profile (sampling on).
 *   (b) 1,000,000 pods onto 5,000 nodes (Nomad's C1M size), 200 per node, `spread`; wall time, peak RSS.
 *   (c) (a) with required pod anti-affinity (hostname) on 10% of pods and DoNotSchedule topology spread
 *       over 3 zones on every pod.
 *
 * Timed: `compilePod` + `schedule` + `snapshot.bind` per pod. Run with `pnpm bench` (node --expose-gc).
 */
import { createRandom } from '@flotilla/clock';
import {
  ClusterSnapshot,
  compilePod,
  type NodeInput,
  type PodInput,
  type Profile,
  schedule,
  spreadProfile,
} from '../src/index.js';

const NODES = 5_000;
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const ZONES = ['zone-a', 'zone-b', 'zone-c'];
const gc = (globalThis as { gc?: () => void }).gc;

function line(name: string, value: number, unit: string, digits = 0): void {
  console.log(`BENCH ${name} ${value.toFixed(digits)} ${unit}`);
}

function makeNodes(): NodeInput[] {
  return Array.from({ length: NODES }, (_, i) => ({
    name: `node-${i}`,
    labels: {
      'kubernetes.io/hostname': `node-${i}`,
      'topology.kubernetes.io/zone': ZONES[i % ZONES.length]!,
    },
    allocatable: { cpu: 32_000, memory: 128 * GiB, pods: 256 },
  }));
}

const CPUS = [100, 250, 500];
const MEMS = [128 * MiB, 256 * MiB, 512 * MiB];

function basicPod(i: number): PodInput {
  return {
    name: `pod-${i}`,
    namespace: 'bench',
    labels: { app: `app-${Math.trunc(i / 10)}` },
    requests: { cpu: CPUS[i % 3]!, memory: MEMS[(i >> 2) % 3]! },
  };
}

function c1mPod(i: number): PodInput {
  return {
    name: `pod-${i}`,
    namespace: 'bench',
    labels: { app: `job-${Math.trunc(i / 1000)}` },
    requests: { cpu: 100, memory: 256 * MiB },
  };
}

function constrainedPod(i: number): PodInput {
  const pod = basicPod(i);
  const app = pod.labels!.app!;
  const appIndex = Math.trunc(i / 10);
  pod.topologySpreadConstraints = [
    {
      maxSkew: 1,
      topologyKey: 'topology.kubernetes.io/zone',
      whenUnsatisfiable: 'DoNotSchedule',
      labelSelector: { matchLabels: { app } },
    },
  ];
  if (appIndex % 10 === 0) {
    pod.affinity = {
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app } } },
        ],
      },
    };
  }
  return pod;
}

interface RunResult {
  podsPerSec: number;
  /** Pods per second of this process's CPU time: steadier than wall time on a shared machine. */
  podsPerCpuSec: number;
  seconds: number;
  peakRss: number;
  heapUsed: number;
  failed: number;
}

function runScheduler(count: number, makePod: (i: number) => PodInput, profile: Profile): RunResult {
  gc?.();
  const snapshot = new ClusterSnapshot(makeNodes());
  const random = createRandom(42);
  let failed = 0;
  let peakRss = process.memoryUsage().rss;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const pod = compilePod(makePod(i));
    const r = schedule(pod, snapshot, profile, { random });
    if (r.kind === 'scheduled') snapshot.bind(pod, r.nodeName);
    else failed++;
    if ((i & 16383) === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const mem = process.memoryUsage();
  peakRss = Math.max(peakRss, mem.rss);
  if (snapshot.podCount + failed !== count) throw new Error('bench: pods lost');
  const podsPerCpuSec = count / ((cpu.user + cpu.system) / 1e6);
  return { podsPerSec: count / seconds, podsPerCpuSec, seconds, peakRss, heapUsed: mem.heapUsed, failed };
}

/** The floor: next-fit over typed arrays, no plugins, no scoring. */
function runFirstFit(count: number, makePod: (i: number) => PodInput): RunResult {
  gc?.();
  const nodes = makeNodes();
  const freeCpu = Float64Array.from(nodes, (n) => n.allocatable.cpu);
  const freeMem = Float64Array.from(nodes, (n) => n.allocatable.memory);
  const freePods = Float64Array.from(nodes, (n) => n.allocatable.pods);
  const placement = new Int32Array(count);
  let start = 0;
  let failed = 0;
  let peakRss = process.memoryUsage().rss;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < count; i++) {
    const pod = makePod(i);
    const cpu = pod.requests?.cpu ?? 0;
    const mem = pod.requests?.memory ?? 0;
    let placed = -1;
    for (let k = 0; k < NODES; k++) {
      const j = (start + k) % NODES;
      if (freePods[j]! >= 1 && freeCpu[j]! >= cpu && freeMem[j]! >= mem) {
        placed = j;
        break;
      }
    }
    if (placed < 0) failed++;
    else {
      freePods[placed]! -= 1;
      freeCpu[placed]! -= cpu;
      freeMem[placed]! -= mem;
      start = (placed + 1) % NODES;
    }
    placement[i] = placed;
    if ((i & 16383) === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const mem = process.memoryUsage();
  return {
    podsPerSec: count / seconds,
    podsPerCpuSec: count / ((cpu.user + cpu.system) / 1e6),
    seconds,
    peakRss: Math.max(peakRss, mem.rss),
    heapUsed: mem.heapUsed,
    failed,
  };
}

function report(name: string, ours: RunResult, floor: RunResult): void {
  line(`scheduler.spread.${name}`, ours.podsPerSec, 'pods/s');
  line(`scheduler.firstfit.${name}`, floor.podsPerSec, 'pods/s');
  line(`scheduler.spread.vs_firstfit.${name}`, ours.podsPerSec / floor.podsPerSec, 'x', 4);
  line(`scheduler.spread.${name}.cpu_time`, ours.podsPerCpuSec, 'pods/cpu-s');
  line(`scheduler.firstfit.${name}.cpu_time`, floor.podsPerCpuSec, 'pods/cpu-s');
  line(`scheduler.spread.${name}.unschedulable`, ours.failed, 'pods');
  line(`scheduler.spread.${name}.peak_rss`, ours.peakRss / MiB, 'MB');
  line(`scheduler.spread.${name}.heap_used`, ours.heapUsed / MiB, 'MB');
}

const only = process.argv[2];
const load = (await import('node:os')).loadavg()[0]!;
line('scheduler.host.loadavg_1m', load, 'load', 2);
const profile = spreadProfile();

if (!only || only === 'a') {
  runScheduler(5_000, basicPod, profile); // warm-up
  const floor = runFirstFit(100_000, basicPod);
  const ours = runScheduler(100_000, basicPod, profile);
  report('100k_on_5k', ours, floor);
}
if (!only || only === 'c') {
  const floor = runFirstFit(100_000, constrainedPod);
  const ours = runScheduler(100_000, constrainedPod, profile);
  report('100k_on_5k_antiaffinity_spread', ours, floor);
}
if (!only || only === 'b') {
  const floor = runFirstFit(1_000_000, c1mPod);
  const ours = runScheduler(1_000_000, c1mPod, profile);
  line('scheduler.c1m.wall', ours.seconds, 's', 1);
  line('scheduler.firstfit.c1m.wall', floor.seconds, 's', 2);
  line('scheduler.c1m.vs_firstfit', ours.podsPerSec / floor.podsPerSec, 'x', 4);
  line('scheduler.c1m.pods_per_sec', ours.podsPerSec, 'pods/s');
  line('scheduler.c1m.cpu_time', ours.podsPerCpuSec, 'pods/cpu-s');
  line('scheduler.c1m.unschedulable', ours.failed, 'pods');
  line('scheduler.c1m.peak_rss', ours.peakRss / MiB, 'MB');
  line('scheduler.c1m.heap_used', ours.heapUsed / MiB, 'MB');
}
