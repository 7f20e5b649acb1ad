import { isConflict, isNotFound, type Pod } from '@flotilla/api';
import { type Client, EventRecorder, type SharedInformerFactory } from '@flotilla/client';
import type { Clock } from '@flotilla/clock';
import { map } from 'rxjs';
import { Controller } from '../controller.js';
import type { Request } from '../reconciler.js';
import { type NodeLifecycleAction, planNodeLifecycle } from './plan.js';

/** Pods indexed by `spec.nodeName`. */
export const POD_NODE_INDEX = 'flotilla.dev/node-name';

export interface NodeLifecycleControllerOptions {
  readonly client: Client;
  readonly informers: SharedInformerFactory;
  readonly clock: Clock;
  /** No heartbeat for this long → the node is NotReady (Unknown) and tainted (default 40 s). */
  readonly gracePeriodMs?: number;
  /** Pods on an unreachable node are evicted this long after it was tainted (default 300 s). */
  readonly evictionTimeoutMs?: number;
  readonly workers?: number;
  readonly onError?: (error: unknown, request: Request) => void;
}

/**
 * The node lifecycle controller: watches Nodes and their Leases in `kube-node-lease`, marks a node
 * whose agent went silent NotReady, marks its pods not Ready (Kubernetes' `MarkPodsNotReady`, with a
 * `NodeNotReady` Warning Event on each, so that endpoints drop them), taints it unreachable, and
 * evicts its pods after the timeout so that their controllers replace them elsewhere. Decisions are
 * `planNodeLifecycle`'s.
 */
export function createNodeLifecycleController(options: NodeLifecycleControllerOptions): Controller {
  const { client, clock } = options;
  const recorder = new EventRecorder(client, clock, 'node-controller');
  const nodes = options.informers.informerFor('v1', 'Node');
  const leases = options.informers.informerFor('coordination.k8s.io/v1', 'Lease', {
    namespace: 'kube-node-lease',
  });
  const pods = options.informers.informerFor('v1', 'Pod');
  pods.addIndexer(POD_NODE_INDEX, (pod: Pod) => (pod.spec?.nodeName ? [pod.spec.nodeName] : []));
  const byName = (e: { object: { metadata?: { name?: string } } }): Request => ({
    namespace: '',
    name: e.object.metadata?.name ?? '',
  });

  const reconciler = {
    async reconcile(request: Request) {
      const node = nodes.lister().get('', request.name);
      if (!node) return {};
      const lease = leases.lister().get('kube-node-lease', request.name);
      const plan = planNodeLifecycle(node, lease, pods.lister().byIndex(POD_NODE_INDEX, request.name), {
        now: clock.now(),
        ...(options.gracePeriodMs === undefined ? {} : { gracePeriodMs: options.gracePeriodMs }),
        ...(options.evictionTimeoutMs === undefined ? {} : { evictionTimeoutMs: options.evictionTimeoutMs }),
      });
      await execute(client, recorder, node.metadata?.name ?? request.name, plan.actions);
      return plan.requeueAfter === undefined ? {} : { requeueAfter: plan.requeueAfter };
    },
  };

  return new Controller({
    name: 'nodelifecycle',
    clock,
    reconciler,
    ...(options.workers === undefined ? {} : { workers: options.workers }),
    ...(options.onError ? { onError: (e: unknown, r: Request) => options.onError?.(e, r) } : {}),
    sources: [nodes.events$.pipe(map(byName)), leases.events$.pipe(map(byName))],
  });
}

async function execute(
  client: Client,
  recorder: EventRecorder,
  name: string,
  actions: readonly NodeLifecycleAction[],
): Promise<void> {
  const nodes = client.resource('v1', 'Node');
  for (const action of actions) {
    switch (action.type) {
      case 'markUnknown': {
        const node = await nodes.get(name);
        if (node.metadata?.resourceVersion !== action.resourceVersion) return; // changed: re-plan
        await nodes.updateStatus({ ...node, status: action.status });
        break;
      }
      case 'setTaints':
        await nodes.patch(name, {
          metadata: { resourceVersion: action.resourceVersion },
          spec: { taints: action.taints.length > 0 ? action.taints : null },
        } as never);
        break;
      case 'markPodNotReady': {
        const pod = action.pod;
        try {
          await client
            .resource('v1', 'Pod')
            .namespace(pod.metadata?.namespace ?? '')
            .updateStatus(pod);
        } catch (error) {
          if (isNotFound(error)) break; // gone: nothing to mark
          throw error; // a Conflict: the agent wrote meanwhile; re-plan from fresh state
        }
        // After the write, as Kubernetes does, so that the pod still exists.
        await recorder.record(pod, 'Warning', 'NodeNotReady', 'Node is not ready');
        break;
      }
      case 'evictPod':
        try {
          await client
            .resource('v1', 'Pod')
            .namespace(action.namespace)
            .delete(action.name, { preconditions: { uid: action.uid } });
        } catch (error) {
          if (!isNotFound(error) && !isConflict(error)) throw error;
        }
        break;
    }
  }
}
