/**
 * SimulatedRuntime at cluster scale: 150,000 pods (sandbox + container) created, started, listed and
 * stopped on a VirtualClock. Baseline: the same number of async Map writes and reads, the floor any
 * promise-returning bookkeeping pays. Prints `BENCH <name> <value> <unit>` lines.
 */
import { VirtualClock } from '@flotilla/clock';
import { SimulatedRuntime } from '../src/index.js';
import { baseContainerConfig } from '../src/testing/index.js';

const PODS = Number(process.env.PODS ?? 150_000);

async function baseline(): Promise<number> {
  const sandboxes = new Map<string, { id: string; containers: Set<string> }>();
  const containers = new Map<string, { id: string; state: string }>();
  const t0 = performance.now();
  for (let i = 0; i < PODS; i++) {
    const s = await Promise.resolve({ id: `s${i}`, containers: new Set<string>() });
    sandboxes.set(s.id, s);
    const c = await Promise.resolve({ id: `c${i}`, state: 'CREATED' });
    containers.set(c.id, c);
    s.containers.add(c.id);
    (await Promise.resolve(containers.get(c.id)))!.state = 'RUNNING';
  }
  for (const c of containers.values()) (await Promise.resolve(c)).state = 'EXITED';
  return performance.now() - t0;
}

async function simulated(): Promise<{ ms: number; timers: number }> {
  const clock = new VirtualClock();
  const rt = new SimulatedRuntime({ clock, seed: 1 });
  const config = baseContainerConfig('app', 'web:v1', [], {
    ports: [{ containerPort: 8080, protocol: 'TCP' }],
  });
  const ids: string[] = [];
  const t0 = performance.now();
  for (let i = 0; i < PODS; i++) {
    const sandboxId = await rt.runPodSandbox({
      uid: `uid-${i}`,
      name: `pod-${i}`,
      namespace: 'default',
      attempt: 0,
      labels: {},
      annotations: {},
      hostname: `pod-${i}`,
      portMappings: [],
    });
    const id = await rt.createContainer(sandboxId, config);
    await rt.startContainer(id);
    ids.push(id);
  }
  const running = (await rt.listContainers({ state: 'RUNNING' })).length;
  if (running !== PODS) throw new Error(`expected ${PODS} running, got ${running}`);
  for (const id of ids) await rt.stopContainer(id, 0);
  const ms = performance.now() - t0;
  return { ms, timers: clock.pendingTimers };
}

const base = await baseline();
const sim = await simulated();
console.log(`BENCH runtime.baseline.async-map ${(base / PODS) * 1000} us/pod`);
console.log(`BENCH runtime.simulated.lifecycle ${(sim.ms / PODS) * 1000} us/pod`);
console.log(`BENCH runtime.simulated.lifecycle.total ${sim.ms} ms`);
console.log(`BENCH runtime.simulated.pending-timers ${sim.timers} timers`);
console.log(`BENCH runtime.simulated.ratio ${sim.ms / base} x`);
