/** Runs the report controller on a simulated 3-node cluster and prints the report as it changes. */
import type { Deployment } from '@flotilla/api';
import { createSimulation } from '@flotilla/testing';
import { createReportController } from './report-controller.js';

export const deployment = (replicas: number): Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', annotations: { 'example.com/report': 'true' } },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'web:v1' }] },
    },
  },
});

export async function main(log: (line: string) => void = console.log): Promise<string[]> {
  const sim = createSimulation({
    seed: 1,
    nodes: 3,
    extraControllers: (plane) => [createReportController(plane)],
  });
  await sim.start();
  const reports: string[] = [];
  for (const replicas of [3, 5, 1]) {
    await sim.apply([deployment(replicas)]);
    await sim.runUntilSettled();
    const cm = await sim.client.resource('v1', 'ConfigMap').namespace('default').get('web-report');
    reports.push(cm.data?.ready ?? '');
    log(`replicas ${replicas}: report says ${cm.data?.ready} ready (virtual time ${sim.elapsed / 1000} s)`);
  }
  await sim.stop();
  return reports;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
