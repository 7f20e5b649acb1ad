import type { Pod } from '@flotilla/api';
import { type Client, createInProcessClient, SharedInformerFactory } from '@flotilla/client';
import { parseRFC3339, toRFC3339, VirtualClock } from '@flotilla/clock';
import { MemoryBackend, ObjectStore } from '@flotilla/store';
import { Controller } from './controller.js';
import type { ControllerManager } from './manager.js';
import { requestsForObjects } from './sources.js';

/** Store + in-process client + informers on a virtual clock: a control plane without nodes. */
export function createTestPlane(seed = 1) {
  const clock = new VirtualClock();
  const store = new ObjectStore({ backend: new MemoryBackend(), clock, seed });
  const client: Client = createInProcessClient(store);
  const informers = new SharedInformerFactory(client, { clock });
  return { clock, store, client, informers };
}

/** Advances virtual time in small steps until the manager has had nothing to do for `quietMs`. */
export async function settle(
  clock: VirtualClock,
  manager: ControllerManager,
  { quietMs = 50, maxMs = 600_000 } = {},
) {
  let quiet = 0;
  for (let t = 0; t < maxMs && quiet < quietMs; t += 5) {
    await clock.advance(5);
    quiet = manager.idle ? quiet + 5 : 0;
  }
}

/** The kubelet's part, reduced to what workload controllers observe: a bound, running, ready pod. */
export async function makeReady(client: Client, pod: Pod, now: string): Promise<void> {
  const pods = client.resource('v1', 'Pod').namespace(pod.metadata?.namespace ?? 'default');
  const bound = pod.spec?.nodeName
    ? pod
    : await pods.update({ ...pod, spec: { ...pod.spec!, nodeName: 'node-1' } });
  await pods.updateStatus({
    ...bound,
    status: {
      phase: 'Running',
      conditions: [
        { type: 'Ready', status: 'True', lastTransitionTime: now },
        { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
      ],
    },
  });
}

/**
 * A stand-in for scheduler + kubelets: every pod that is not yet ready becomes bound, Running and
 * Ready after `delayMs`; terminating pods are removed. Good enough for workload controllers.
 */
export function createFakeKubelet(plane: ReturnType<typeof createTestPlane>, delayMs = 0) {
  const pods = plane.informers.informerFor('v1', 'Pod');
  return new Controller({
    name: 'fake-kubelet',
    clock: plane.clock,
    sources: [requestsForObjects(pods.events$)],
    reconciler: {
      async reconcile(request) {
        const pod = pods.lister().get(request.namespace, request.name);
        if (!pod) return {};
        const api = plane.client.resource('v1', 'Pod').namespace(request.namespace);
        if (pod.metadata?.deletionTimestamp) {
          await api.delete(request.name, { gracePeriodSeconds: 0 }).catch(() => undefined);
          return {};
        }
        if (pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) return {};
        const created = parseRFC3339(pod.metadata?.creationTimestamp ?? '') ?? 0;
        const wait = created + delayMs - plane.clock.now();
        if (wait > 0) return { requeueAfter: wait };
        await makeReady(plane.client, pod, toRFC3339(plane.clock.now()));
        return {};
      },
    },
  });
}
