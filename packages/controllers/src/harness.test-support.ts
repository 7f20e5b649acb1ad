import type { Pod } from '@flotilla/api';
import { type Client, createInProcessClient, SharedInformerFactory } from '@flotilla/client';
import { VirtualClock } from '@flotilla/clock';
import { MemoryBackend, ObjectStore } from '@flotilla/store';
import type { ControllerManager } from './manager.js';

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
