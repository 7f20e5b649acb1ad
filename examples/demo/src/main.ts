/**
 * The README's demo: an embedded Flotilla cluster — in-memory store, controllers, scheduler and three
 * node agents running real local processes — takes a Deployment of a small HTTP server through its
 * life: roll out v1, call every pod, roll out v2, roll back, scale to 5, tear down.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Deployment } from '@flotilla/api';
import { type Cluster, createCluster, rolloutProgress } from '@flotilla/host';
import { rollbackTo } from '@flotilla/rollout';
import { ProgressView } from './progress.js';

const examples = join(import.meta.dirname, '..', '..');
const say = (text: string) => process.stdout.write(`${text}\n`);

async function waitForRollout(cluster: Cluster, name: string, view: ProgressView, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const p = await rolloutProgress(cluster.client, 'default', name);
    view.update(p);
    if (p.complete) return view.done(p.message);
    if (p.failed || Date.now() > deadline) throw new Error(`rollout of ${name} did not finish: ${p.message}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function callEveryPod(cluster: Cluster): Promise<string[]> {
  const pods = (
    await cluster.client.resource('v1', 'Pod').namespace('default').list({ labelSelector: 'app=web' })
  ).items;
  const answers: string[] = [];
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp) continue;
    const name = pod.metadata?.name ?? '';
    const endpoint = await cluster.endpointOf('default', name, 8080);
    if (!endpoint) continue;
    const body = (await (await fetch(`http://${endpoint.host}:${endpoint.port}/`)).text()).trim();
    answers.push(body);
    say(
      `  ${name.padEnd(24)} on ${pod.spec?.nodeName}  →  GET http://${endpoint.host}:${endpoint.port}/  →  "${body}"`,
    );
  }
  return answers;
}

async function setImage(cluster: Cluster, image: string) {
  const api = cluster.client.resource('apps/v1', 'Deployment').namespace('default');
  const d = await api.get('web');
  const containers =
    d.spec?.template.spec?.containers.map((c) => (c.name === 'web' ? { ...c, image } : c)) ?? [];
  await api.update({
    ...d,
    spec: { ...d.spec!, template: { ...d.spec!.template, spec: { ...d.spec!.template.spec!, containers } } },
  });
}

export async function runDemo(): Promise<{
  v1: string[];
  v2: string[];
  rolledBack: string[];
  scaled: number;
}> {
  const cluster = createCluster({ runtime: 'process', imageDir: join(examples, 'images'), nodes: 3 });
  const view = new ProgressView();
  const stopOnSignal = () => {
    void cluster.stop().then(() => process.exit(130));
  };
  process.once('SIGINT', stopOnSignal);
  try {
    say(
      'Starting an embedded cluster: in-memory store, controllers, scheduler, 3 nodes running real processes',
    );
    const started = Date.now();
    await cluster.start();
    const nodes = (await cluster.client.resource('v1', 'Node').list()).items;
    say(`  ready in ${Date.now() - started} ms: ${nodes.map((n) => n.metadata?.name).join(', ')}\n`);

    say('$ kubectl apply -f examples/web/deployment.yaml   (3 replicas of web:v1)');
    await cluster.apply(readFileSync(join(examples, 'web', 'deployment.yaml'), 'utf8'));
    await waitForRollout(cluster, 'web', view);
    say('\nEvery pod answers over HTTP:');
    const v1 = await callEveryPod(cluster);

    say('\n$ kubectl set image deployment/web web=web:v2');
    await setImage(cluster, 'web:v2');
    await waitForRollout(cluster, 'web', view);
    say('\nv2 answers:');
    const v2 = await callEveryPod(cluster);

    say('\n$ kubectl rollout undo deployment/web');
    const deployments = cluster.client.resource('apps/v1', 'Deployment').namespace('default');
    const sets = (await cluster.client.resource('apps/v1', 'ReplicaSet').namespace('default').list()).items;
    const undo = rollbackTo(await deployments.get('web'), sets);
    say(`  ${undo.message}`);
    await deployments.update(undo.deployment);
    await waitForRollout(cluster, 'web', view);
    const rolledBack = await callEveryPod(cluster);

    say('\n$ kubectl scale deployment/web --replicas=5');
    const d: Deployment = await deployments.get('web');
    await deployments.update({ ...d, spec: { ...d.spec!, replicas: 5 } });
    await waitForRollout(cluster, 'web', view);
    const scaled = (await callEveryPod(cluster)).length;

    const history = (await cluster.client.resource('apps/v1', 'ReplicaSet').namespace('default').list()).items
      .map(
        (rs) =>
          `revision ${rs.metadata?.annotations?.['deployment.kubernetes.io/revision']}: ${rs.metadata?.name} (${rs.spec?.template?.spec?.containers[0]?.image}) replicas ${rs.spec?.replicas}`,
      )
      .sort();
    say('\n$ kubectl rollout history deployment/web');
    for (const line of history) say(`  ${line}`);
    return { v1, v2, rolledBack, scaled };
  } finally {
    say('\nTearing down: stopping every process and timer.');
    await cluster.stop();
    process.removeListener('SIGINT', stopOnSignal);
    say('Done.');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runDemo().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
