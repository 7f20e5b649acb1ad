import type { Pod } from '@flotilla/api';
import { describe, expect, it } from 'vitest';
import { createSimulation, NotSettledError, type Simulation } from './simulation.js';

const web = (replicas: number, image = 'web:v1') => `
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
          resources: { requests: { cpu: 100m, memory: 64Mi } }
`;

const podsOf = async (sim: Simulation) =>
  (await sim.client.resource('v1', 'Pod').namespace('default').list()).items;
const isReady = (p: Pod) =>
  p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
const readyPods = async (sim: Simulation) =>
  (await podsOf(sim)).filter((p) => !p.metadata?.deletionTimestamp && isReady(p));

async function scriptedRun(seed: number, coalesceHeartbeats = true): Promise<string> {
  const sim = createSimulation({ seed, nodes: 3, coalesceHeartbeats });
  await sim.start();
  await sim.apply(web(4));
  await sim.runUntilSettled();
  const [first] = await podsOf(sim);
  await sim.faults.crashContainer('default', first?.metadata?.name ?? '');
  sim.faults.conflictRate(0.3);
  await sim.apply(web(4, 'web:v2'));
  await sim.runFor(30_000);
  sim.faults.healAll();
  await sim.runUntilSettled();
  const text = sim.historyText();
  expect(sim.historyDigest()).toMatch(/^[0-9a-f]{16}$/);
  await sim.stop();
  expect(sim.clock.pendingTimers).toBe(0);
  return text;
}

describe('createSimulation', () => {
  it('gives the same history, byte for byte, for the same seed, and a different one for another seed', async () => {
    const a = await scriptedRun(42);
    const b = await scriptedRun(42);
    const c = await scriptedRun(43);
    expect(a.split('\n').length).toBeGreaterThan(80);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it('is deterministic without heartbeat coalescing too, and coalescing only removes Lease and Node writes', async () => {
    const exact = await scriptedRun(42, false);
    expect(await scriptedRun(42, false)).toBe(exact);
    const coalesced = await scriptedRun(42);
    const lines = (text: string) => text.split('\n');
    expect(lines(exact).length).toBeGreaterThan(lines(coalesced).length);
    // Apart from Leases and Nodes (and revisions), the same writes in the same order.
    const others = (text: string) =>
      lines(text)
        .map((l) => l.split(' ').slice(1, 3).join(' '))
        .filter((k) => !k.includes('/leases/') && !k.includes('/minions/') && !k.includes('/nodes/'));
    expect(others(coalesced)).toEqual(others(exact));
  });

  it('records every write with its revision, type, key and value', async () => {
    const sim = createSimulation({ seed: 1, nodes: 1 });
    await sim.start();
    await sim.apply(web(1));
    await sim.runUntilSettled();
    const revisions = sim.history.map((e) => e.revision);
    expect(revisions).toEqual(revisions.map((_, i) => i + 1));
    expect(sim.writes).toBe(sim.history.length);
    const deployment = sim.history.find((e) => e.key.includes('deployments') && e.type === 'put');
    expect(JSON.parse(deployment?.value ?? '{}')).toMatchObject({
      kind: 'Deployment',
      metadata: { name: 'web' },
    });
    await sim.stop();
  });

  it('settles once everything is Running, and says what still moves when it cannot', async () => {
    const sim = createSimulation({ seed: 3, nodes: 2 });
    await sim.start();
    await sim.apply(web(3));
    const took = await sim.runUntilSettled();
    expect(took).toBeGreaterThanOrEqual(45_000);
    expect(await readyPods(sim)).toHaveLength(3);
    await sim.apply(web(5));
    await expect(sim.runUntilSettled({ maxMs: 2_000, quietMs: 10_000 })).rejects.toThrow(NotSettledError);
    await expect(sim.runUntilSettled({ maxMs: 2_000, quietMs: 10_000 })).rejects.toThrow(
      /last change \d+ ms ago to \//,
    );
    await sim.stop();
  });

  it('stopNode: the node goes NotReady after 40 s, its pods are evicted after 5 min and replaced elsewhere', async () => {
    const sim = createSimulation({ seed: 5, nodes: 3 });
    await sim.start();
    await sim.apply(web(6));
    await sim.runUntilSettled();
    const victim = 'node-2';
    const onVictim = (await podsOf(sim))
      .filter((p) => p.spec?.nodeName === victim)
      .map((p) => p.metadata?.name);
    expect(onVictim.length).toBeGreaterThan(0);
    sim.faults.stopNode(victim);
    expect(sim.nodes.find((n) => n.name === victim)?.stopped).toBe(true);
    await sim.runFor(50_000);
    const node = await sim.client.resource('v1', 'Node').get(victim);
    expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('Unknown');
    expect(
      node.spec?.taints?.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute'),
    ).toBe(true);
    await sim.runUntilSettled();
    const pods = await readyPods(sim);
    expect(pods).toHaveLength(6);
    expect(pods.every((p) => p.spec?.nodeName !== victim)).toBe(true);
    await sim.faults.restartNode(victim);
    await sim.runUntilSettled();
    expect((await sim.client.resource('v1', 'Node').get(victim)).spec?.taints ?? []).toEqual([]);
    await sim.stop();
  });

  it('partition: the agent cannot renew its lease until healed', async () => {
    const sim = createSimulation({ seed: 6, nodes: 2 });
    await sim.start();
    const renewTime = async () =>
      (
        await sim.client
          .resource('coordination.k8s.io/v1', 'Lease')
          .namespace('kube-node-lease')
          .get('node-1')
      ).spec?.renewTime;
    await sim.runFor(15_000);
    sim.faults.partition('node-1');
    expect(sim.nodes[0]?.partitioned).toBe(true);
    const before = await renewTime();
    await sim.runFor(30_000);
    expect(await renewTime()).toBe(before);
    sim.faults.heal('node-1');
    await sim.runFor(15_000);
    expect(await renewTime()).not.toBe(before);
    await sim.stop();
  });

  it('pauseHeartbeats: the lease stops being renewed while pods keep running', async () => {
    const sim = createSimulation({ seed: 7, nodes: 1 });
    await sim.start();
    await sim.apply(web(1));
    await sim.runUntilSettled();
    sim.faults.pauseHeartbeats('node-1');
    await sim.runFor(60_000);
    const node = await sim.client.resource('v1', 'Node').get('node-1');
    expect(node.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('Unknown');
    sim.faults.resumeHeartbeats('node-1');
    await sim.runFor(90_000);
    const back = await sim.client.resource('v1', 'Node').get('node-1');
    expect(back.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    await sim.stop();
  });

  it('crashContainer restarts the container; hangContainer needs a running pod', async () => {
    const sim = createSimulation({ seed: 8, nodes: 1 });
    await sim.start();
    await sim.apply(web(1));
    await sim.runUntilSettled();
    const [pod] = await podsOf(sim);
    const name = pod?.metadata?.name ?? '';
    expect(await sim.faults.crashContainer('default', name, { exitCode: 137 })).toBe(true);
    await sim.runUntilSettled();
    const after = await sim.client.resource('v1', 'Pod').namespace('default').get(name);
    expect(after.status?.containerStatuses?.[0]?.restartCount).toBe(1);
    expect(after.status?.containerStatuses?.[0]?.lastState?.terminated?.exitCode).toBe(137);
    expect(await sim.faults.hangContainer('default', name)).toBe(true);
    expect(await sim.faults.hangContainer('default', 'no-such-pod')).toBe(false);
    await sim.stop();
  });

  it('slowRuntime delays container starts on that node', async () => {
    const timeToReady = async (factor: number) => {
      const sim = createSimulation({ seed: 9, nodes: 1, runtime: { startLatencyMs: 500 } });
      await sim.start();
      sim.faults.slowRuntime('node-1', factor);
      const from = sim.clock.now();
      await sim.apply(web(1));
      await sim.runUntil(async () => (await readyPods(sim)).length === 1, {
        stepMs: 100,
        what: 'a ready pod',
      });
      const took = sim.clock.now() - from;
      await sim.stop();
      return took;
    };
    expect(await timeToReady(20)).toBeGreaterThan((await timeToReady(1)) + 5_000);
  });

  it('conflictRate fails writes with Conflict; components retry and converge once it stops', async () => {
    const errors: string[] = [];
    const sim = createSimulation({ seed: 10, nodes: 2, onError: (e) => errors.push((e as Error).message) });
    await sim.start();
    sim.faults.conflictRate(1);
    await sim.apply(web(2));
    await sim.runFor(20_000);
    expect(await podsOf(sim)).toHaveLength(0);
    expect(errors.some((m) => m.includes('injected conflict'))).toBe(true);
    expect(() => sim.faults.conflictRate(2)).toThrow(/must be in \[0, 1\]/);
    sim.faults.conflictRate(0);
    await sim.runUntilSettled();
    expect(await readyPods(sim)).toHaveLength(2);
    await sim.stop();
  });

  it('restartControllerManager starts a new control plane on an empty cache that keeps working', async () => {
    const sim = createSimulation({ seed: 11, nodes: 2 });
    await sim.start();
    await sim.apply(web(2));
    await sim.runUntilSettled();
    const before = sim.controllers;
    await sim.faults.restartControllerManager();
    expect(sim.controllers).not.toBe(before);
    expect(sim.controllers.names).toEqual(['deployment', 'replicaset', 'nodelifecycle']);
    await sim.apply(web(4));
    await sim.runUntilSettled();
    expect(await readyPods(sim)).toHaveLength(4);
    await sim.stop();
  });

  it('rejects faults aimed at unknown nodes', () => {
    const sim = createSimulation({ seed: 1, nodes: 1 });
    expect(() => sim.faults.stopNode('node-9')).toThrow('no node named "node-9" (nodes: node-1)');
  });
});
