/** Places 6 pods on a simulated cluster of green, mixed and coal nodes, with and without the plugin. */
import type { Profile } from '@flotilla/scheduler';
import { createSimulation } from '@flotilla/testing';
import { ENERGY_LABEL, greenProfile } from './green-energy.js';

const nodes = [
  { name: 'green-1', labels: { [ENERGY_LABEL]: 'green' } },
  { name: 'green-2', labels: { [ENERGY_LABEL]: 'green' } },
  { name: 'mixed-1', labels: { [ENERGY_LABEL]: 'mixed' } },
  { name: 'coal-1', labels: { [ENERGY_LABEL]: 'coal' } },
];

/** Pods per node after a 6-replica Deployment settles, under `profile` (default: the built-in spread). */
export async function placement(profile?: Profile): Promise<Record<string, number>> {
  const sim = createSimulation({ seed: 1, nodes, ...(profile ? { scheduler: { profile } } : {}) });
  await sim.start();
  await sim.apply([
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 6,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'web:v1', resources: { requests: { cpu: '100m' } } }] },
        },
      },
    },
  ]);
  await sim.runUntilSettled();
  const count: Record<string, number> = Object.fromEntries(nodes.map((n) => [n.name, 0]));
  for (const pod of (await sim.client.resource('v1', 'Pod').list()).items) {
    const node = pod.spec?.nodeName ?? '';
    count[node] = (count[node] ?? 0) + 1;
  }
  await sim.stop();
  return count;
}

export async function main(log: (line: string) => void = console.log) {
  const spread = await placement();
  const green = await placement(greenProfile());
  log(`spread profile:        ${JSON.stringify(spread)}`);
  log(`spread + GreenEnergy:  ${JSON.stringify(green)}`);
  return { spread, green };
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
