/**
 * A 10,000-replica Deployment rolled from v1 to v2 through the real controllers, store and informers
 * on a virtual clock, pods becoming ready at once (a fake kubelet). Measures wall time and store
 * writes; the baseline is the floor of any implementation in the same run — writing the 20,000 pods
 * (10,000 per version) and their ready status straight into the store with no controller at all.
 */
import type { Deployment, Pod } from '@flotilla/api';
import { createInProcessClient, SharedInformerFactory } from '@flotilla/client';
import { toRFC3339, VirtualClock } from '@flotilla/clock';
import { MemoryBackend, ObjectStore } from '@flotilla/store';
import { Controller } from '../src/controller.js';
import { createDeploymentController } from '../src/deployment/controller.js';
import { ControllerManager } from '../src/manager.js';
import { isPodReady } from '../src/pods.js';
import { createReplicaSetController } from '../src/replicaset/controller.js';
import { requestsForObjects } from '../src/sources.js';

const REPLICAS = Number(process.env.REPLICAS ?? 10_000);

const deployment = (image: string): Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    replicas: REPLICAS,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } },
  },
});

function readyStatus(now: number): Pod['status'] {
  const t = toRFC3339(now);
  return { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: t }] };
}

async function baseline(): Promise<{ seconds: number; writes: number }> {
  const clock = new VirtualClock();
  const backend = new MemoryBackend();
  const store = new ObjectStore({ backend, clock });
  const start = performance.now();
  for (const image of ['web:v1', 'web:v2']) {
    for (let i = 0; i < REPLICAS; i++) {
      const pod = await store.create<Pod>({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `${image.replace(':', '-')}-${i}`, namespace: 'default', labels: { app: 'web' } },
        spec: { nodeName: 'node-1', containers: [{ name: 'web', image }] },
      });
      await store.update({ ...pod, status: readyStatus(clock.now()) }, { subresource: 'status' });
    }
  }
  return { seconds: (performance.now() - start) / 1000, writes: await backend.currentRevision() };
}

async function rollout(): Promise<{ seconds: number; writes: number; virtualSeconds: number }> {
  const clock = new VirtualClock();
  const backend = new MemoryBackend();
  const store = new ObjectStore({ backend, clock });
  const client = createInProcessClient(store);
  const informers = new SharedInformerFactory(client, { clock });
  const pods = informers.informerFor('v1', 'Pod');
  const manager = new ControllerManager();
  manager.add(createDeploymentController({ client, informers, clock }));
  manager.add(createReplicaSetController({ client, informers, clock, workers: 4 }));
  manager.add(
    new Controller({
      name: 'kubelet',
      clock,
      workers: 4,
      sources: [requestsForObjects(pods.events$)],
      reconciler: {
        async reconcile({ namespace, name }) {
          const pod = pods.lister().get(namespace, name);
          const api = client.resource('v1', 'Pod').namespace(namespace);
          if (!pod) return;
          if (pod.metadata?.deletionTimestamp)
            await api.delete(name, { gracePeriodSeconds: 0 }).catch(() => undefined);
          else if (!isPodReady(pod)) {
            const bound = await api.update({ ...pod, spec: { ...pod.spec!, nodeName: 'node-1' } });
            await api.updateStatus({ ...bound, status: readyStatus(clock.now()) });
          }
        },
      },
    }),
  );
  informers.start();
  manager.start();
  const deployments = client.resource('apps/v1', 'Deployment').namespace('default');
  const waitFor = async (image: string) => {
    for (;;) {
      await clock.advance(100);
      const d = await deployments.get('web');
      const current = d.spec?.template.spec?.containers[0]?.image === image;
      if (
        current &&
        d.status?.updatedReplicas === REPLICAS &&
        d.status.availableReplicas === REPLICAS &&
        (d.status.replicas ?? 0) === REPLICAS
      )
        return;
    }
  };
  await deployments.create(deployment('web:v1'));
  await waitFor('web:v1');
  const writesBefore = await backend.currentRevision();
  const virtualStart = clock.now();
  const start = performance.now();
  const d = await deployments.get('web');
  await deployments.update({ ...d, spec: { ...d.spec!, template: deployment('web:v2').spec!.template } });
  await waitFor('web:v2');
  const seconds = (performance.now() - start) / 1000;
  const result = {
    seconds,
    writes: (await backend.currentRevision()) - writesBefore,
    virtualSeconds: (clock.now() - virtualStart) / 1000,
  };
  await manager.stop();
  informers.stop();
  return result;
}

const floor = await baseline();
console.log(`BENCH controllers.baseline.direct_pod_writes_${REPLICAS} ${floor.seconds.toFixed(2)} s`);
const run = await rollout();
console.log(`BENCH controllers.rollout_${REPLICAS}.wall ${run.seconds.toFixed(2)} s`);
console.log(`BENCH controllers.rollout_${REPLICAS}.virtual ${run.virtualSeconds.toFixed(1)} s`);
console.log(`BENCH controllers.rollout_${REPLICAS}.store_writes ${run.writes} writes`);
console.log(
  `BENCH controllers.rollout_${REPLICAS}.writes_per_pod ${(run.writes / REPLICAS).toFixed(2)} writes`,
);
console.log(
  `BENCH controllers.rollout_${REPLICAS}.vs_direct_writes ${(run.seconds / floor.seconds).toFixed(2)} x`,
);
