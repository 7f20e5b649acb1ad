import type { Deployment, KubeObject, Pod } from '@flotilla/api';
import { createInProcessClient } from '@flotilla/client';
import { parseRFC3339 } from '@flotilla/clock';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbScenario } from './arbitraries.js';
import { runScenario, type Scenario } from './scenario.js';
import { createSimulation, type Simulation } from './simulation.js';

/** What controllers decided: pods, node readiness, and which Events were recorded about what. */
async function decisions(sim: Simulation) {
  const pods = (await sim.client.resource('v1', 'Pod').list()).items
    .map((p: Pod) => ({
      name: `${p.metadata?.namespace}/${p.metadata?.name}`,
      nodeName: p.spec?.nodeName ?? '',
      phase: p.status?.phase ?? '',
      ready: p.status?.conditions?.find((c) => c.type === 'Ready')?.status ?? '',
      deleting: p.metadata?.deletionTimestamp !== undefined,
    }))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  const nodes = (await sim.client.resource('v1', 'Node').list()).items.map((n) => {
    const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
    return `${n.metadata?.name} ${ready?.status} ${ready?.reason} ${ready?.lastTransitionTime}`;
  });
  const events = [
    ...new Set(
      (await sim.client.resource('v1', 'Event').list()).items.map(
        (e) =>
          `${e.involvedObject.kind}/${e.involvedObject.namespace ?? ''}/${e.involvedObject.name} ${e.reason}`,
      ),
    ),
  ].sort();
  return { pods, nodes: nodes.sort(), events, at: sim.elapsed };
}

async function runBoth(scenario: Scenario) {
  const run = async (coalesceHeartbeats: boolean) => {
    let final: Awaited<ReturnType<typeof decisions>> | undefined;
    const result = await runScenario(scenario, {
      // Long steps between checks, and a long quiet hour at the end: windows in which coalescing holds.
      checkEveryMs: 20_000,
      simulation: { coalesceHeartbeats },
      onSettled: async (sim) => {
        await sim.runFor(3_600_000);
        final = await decisions(sim);
      },
    });
    return { result, final };
  };
  return { coalesced: await run(true), exact: await run(false) };
}

describe('heartbeat coalescing', () => {
  it('decides exactly as the exact run: same pods, node conditions and events for random fault schedules', async () => {
    let saved = 0;
    await fc.assert(
      fc.asyncProperty(arbScenario({ windowMs: 240_000, maxFaults: 4 }), async (scenario) => {
        const { coalesced, exact } = await runBoth(scenario);
        expect(coalesced.result.violations).toEqual([]);
        expect(exact.result.violations).toEqual([]);
        expect(coalesced.final).toEqual(exact.final);
        expect(coalesced.result.virtualMs).toBe(exact.result.virtualMs);
        expect(coalesced.result.writes).toBeLessThanOrEqual(exact.result.writes);
        // The quiet hour alone is 360 renewals per node without coalescing (unless a node stays stopped).
        if (coalesced.result.writes < exact.result.writes - 500) saved++;
      }),
      { numRuns: 30, seed: 20_261_125 },
    );
    expect(saved).toBeGreaterThan(3);
  }, 300_000);

  const web = (replicas: number): KubeObject =>
    ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        replicas,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'web:v1' }] },
        },
      },
    }) as KubeObject;

  /** A node stopped after two quiet hours: when its lease was last renewed, when it went Unknown, when its pods left. */
  async function stopAfterIdle(coalesceHeartbeats: boolean) {
    const sim = createSimulation({ seed: 77, nodes: 3, coalesceHeartbeats, history: 'off' });
    await sim.start();
    await sim.apply([web(6)]);
    await sim.runUntilSettled();
    for (let i = 0; i < 240; i++) await sim.runFor(30_000); // two hours, nothing read in between
    const writesIdle = sim.writes;
    const victim = 'node-2';
    const lease = await sim.client
      .resource('coordination.k8s.io/v1', 'Lease')
      .namespace('kube-node-lease')
      .get(victim);
    const renewedAt = parseRFC3339(lease.spec?.renewTime ?? '') ?? 0;
    const onVictim = async () =>
      (await sim.client.resource('v1', 'Pod').list({ fieldSelector: `spec.nodeName=${victim}` })).items;
    expect((await onVictim()).length).toBeGreaterThan(0);
    sim.faults.stopNode(victim);
    const readyOf = async () =>
      (await sim.client.resource('v1', 'Node').get(victim)).status?.conditions?.find(
        (c) => c.type === 'Ready',
      );
    await sim.runUntil(async () => (await readyOf())?.status === 'Unknown', { stepMs: 100, what: 'Unknown' });
    const unknownAt = sim.clock.now();
    const transition = parseRFC3339((await readyOf())?.lastTransitionTime ?? '') ?? 0;
    await sim.runUntil(async () => (await onVictim()).every((p) => p.metadata?.deletionTimestamp), {
      stepMs: 100,
      what: 'eviction',
    });
    const evictedAt = sim.clock.now();
    await sim.stop();
    return { renewedAt, unknownAt, transition, evictedAt, writesIdle };
  }

  it('a node stopped after a long quiet stretch goes Unknown at its last renewal + 40 s and loses its pods at the same time as without coalescing', async () => {
    const coalesced = await stopAfterIdle(true);
    const exact = await stopAfterIdle(false);
    expect(coalesced.renewedAt).toBe(exact.renewedAt);
    expect(coalesced.unknownAt).toBe(exact.unknownAt);
    expect(coalesced.transition).toBe(exact.transition);
    expect(coalesced.evictedAt).toBe(exact.evictedAt);
    // Unknown exactly at the grace deadline (RFC 3339 seconds; the poll steps 100 ms).
    expect(coalesced.unknownAt - coalesced.renewedAt).toBeGreaterThanOrEqual(40_000);
    expect(coalesced.unknownAt - coalesced.renewedAt).toBeLessThanOrEqual(40_100);
    expect(Math.abs(coalesced.transition - (coalesced.renewedAt + 40_000))).toBeLessThan(1_000);
    // Taint at Unknown + 1 ms (stamped in whole seconds), eviction 300 s later.
    expect(coalesced.evictedAt - coalesced.unknownAt).toBeGreaterThanOrEqual(299_000);
    expect(coalesced.evictedAt - coalesced.unknownAt).toBeLessThanOrEqual(301_000);
    // Two quiet hours cost a handful of writes instead of ~2,900.
    expect(coalesced.writesIdle).toBeLessThan(exact.writesIdle / 10);
  }, 60_000);

  /**
   * Two hours of churn made inside the cluster (a generator on the simulation's clock writing through
   * its own client, as a controller would: no catch-up): every write but Leases and Nodes, with its
   * virtual time, and the final pods.
   */
  async function inClusterChurn(coalesceHeartbeats: boolean, from: 'inside' | 'test' = 'inside') {
    const sim = createSimulation({
      seed: 3,
      nodes: 10,
      coalesceHeartbeats,
      history: 'off',
      runtime: { imagePullFailures: new Set(['registry.invalid/none:1']) },
    });
    await sim.start();
    const apps = ['a', 'b', 'c', 'd'];
    const make = (app: string, image: string) =>
      ({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: app, namespace: 'default' },
        spec: {
          replicas: 5,
          selector: { matchLabels: { app } },
          template: { metadata: { labels: { app } }, spec: { containers: [{ name: 'c', image }] } },
        },
      }) as Deployment;
    await sim.apply(apps.map((a) => make(a, `${a}:v1`)));
    await sim.runUntilSettled();
    const writes: string[] = [];
    const subscription = sim.backend.watch('', 0).subscribe((batch) => {
      for (const e of batch)
        if (!/\/(leases|minions|nodes)\//.test(e.kv.key))
          writes.push(`${sim.clock.now()} ${e.type} ${e.kv.key}`);
    });
    const writer = from === 'inside' ? createInProcessClient(sim.store) : sim.client;
    const deployments = writer.resource('apps/v1', 'Deployment').namespace('default');
    const pods = writer.resource('v1', 'Pod').namespace('default');
    let i = 0;
    const churn = async (n: number) => {
      const app = apps[n % apps.length] ?? 'a';
      if (n % 3 === 0) {
        // A deploy: a new image for one app.
        const current = await deployments.get(app);
        const next = make(app, `${app}:v${n + 2}`);
        await deployments.update({ ...next, metadata: current.metadata });
      }
      // A pod goes away; its ReplicaSet replaces it.
      const victim = (await pods.list({ labelSelector: `app=${app}` })).items
        .filter((p) => !p.metadata?.deletionTimestamp)
        .map((p) => p.metadata?.name ?? '')
        .sort()[0];
      if (victim) await pods.delete(victim);
    };
    if (from === 'inside') {
      let timer = sim.clock.setTimeout(function tick() {
        timer = sim.clock.setTimeout(tick, 300_000);
        void churn(i++);
      }, 0);
      for (let k = 0; k < 24; k++) await sim.runFor(300_000);
      sim.clock.clearTimeout(timer);
    } else {
      // The test itself writes between windows, as a user's test drives churn.
      for (let k = 0; k < 24; k++) {
        await churn(i++);
        if (k === 7) {
          // A pod that cannot start: its agent retries with back-off, which resyncs must not outrun.
          await pods.create({
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name: 'broken', namespace: 'default' },
            spec: { containers: [{ name: 'c', image: 'registry.invalid/none:1' }] },
          } as Pod);
        }
        await sim.runFor(300_000);
      }
    }
    subscription.unsubscribe();
    const final = await decisions(sim);
    const leaseWrites = sim.nodes.reduce((n, node) => n + node.agent.stats.leaseRenewals, 0);
    await sim.stop();
    return { writes, final, leaseWrites };
  }

  it('churn made by the test between windows: the same writes at the same virtual times, far fewer renewals', async () => {
    const coalesced = await inClusterChurn(true, 'test');
    const exact = await inClusterChurn(false, 'test');
    expect(coalesced.writes.length).toBeGreaterThan(100);
    expect(coalesced.writes).toEqual(exact.writes);
    expect(coalesced.final).toEqual(exact.final);
    expect(coalesced.final.pods.find((p) => p.name === 'default/broken')?.phase).toBe('Pending');
    expect(coalesced.leaseWrites).toBeLessThan(exact.leaseWrites / 10);
  }, 60_000);

  it('churn made inside the cluster: the same writes at the same virtual times, far fewer renewals', async () => {
    const coalesced = await inClusterChurn(true);
    const exact = await inClusterChurn(false);
    expect(coalesced.writes.length).toBeGreaterThan(100);
    expect(coalesced.writes).toEqual(exact.writes);
    expect(coalesced.final).toEqual(exact.final);
    expect(coalesced.leaseWrites).toBeLessThan(exact.leaseWrites / 10);
  }, 60_000);
});
