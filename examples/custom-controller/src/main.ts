/**
 * An embedded cluster (virtual clock, simulated runtime) with a small and a large node, the built-in
 * controllers and scheduler, and our node-size controller added next to them. A Deployment that asks
 * for `example.com/size: large` can only be placed once our controller has labelled the nodes.
 */
import { VirtualClock } from '@flotilla/clock';
import { createCluster, rolloutProgress } from '@flotilla/host';
import { createNodeSizeController, SIZE_LABEL } from './node-size-controller.js';

export async function main(log: (line: string) => void = console.log): Promise<Record<string, string>> {
  const clock = new VirtualClock();
  const cluster = createCluster({
    clock,
    seed: 1,
    nodes: [
      { name: 'small-1', capacity: { cpu: '2' } },
      { name: 'large-1', capacity: { cpu: '16' } },
    ],
  });
  await cluster.start();
  cluster.controllers.add(createNodeSizeController(cluster));
  log(`controllers: ${cluster.controllers.names.join(', ')}`);

  await cluster.apply(`
apiVersion: apps/v1
kind: Deployment
metadata: { name: batch }
spec:
  replicas: 3
  selector: { matchLabels: { app: batch } }
  template:
    metadata: { labels: { app: batch } }
    spec:
      nodeSelector: { ${SIZE_LABEL}: large }
      containers: [{ name: batch, image: batch:v1, resources: { requests: { cpu: 500m } } }]
`);
  // Virtual time moves only when we say so: advance until the rollout completes (at most 10 minutes).
  for (let t = 0; !(await rolloutProgress(cluster.client, 'default', 'batch')).complete; t += 100) {
    if (t > 600_000) throw new Error('the batch rollout did not complete');
    await clock.advance(100);
  }
  const placement: Record<string, string> = {};
  for (const pod of (await cluster.client.resource('v1', 'Pod').namespace('default').list()).items) {
    placement[pod.metadata?.name ?? ''] = pod.spec?.nodeName ?? '';
  }
  for (const node of (await cluster.client.resource('v1', 'Node').list()).items) {
    log(`node ${node.metadata?.name}: ${SIZE_LABEL}=${node.metadata?.labels?.[SIZE_LABEL]}`);
  }
  for (const [pod, node] of Object.entries(placement)) log(`pod ${pod} → ${node}`);
  await cluster.stop();
  return placement;
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
