import { isNotFound, type Pod, type ReplicaSet } from '@flotilla/api';
import type { Client, SharedInformerFactory } from '@flotilla/client';
import type { Clock } from '@flotilla/clock';
import { map } from 'rxjs';
import { Controller } from '../controller.js';
import { type Request, requestKey } from '../reconciler.js';
import { requestsForControllerOwner, requestsForObjects, requestsForSelectingOwners } from '../sources.js';
import { Expectations } from './expectations.js';
import { planReplicaSet, type ReplicaSetAction } from './plan.js';

/** Pods indexed by their controller's uid; orphans under `orphan/<namespace>`. */
export const POD_CONTROLLER_INDEX = 'flotilla.dev/controller-uid';

export function podControllerIndex(pod: Pod): string[] {
  const ref = pod.metadata?.ownerReferences?.find((r) => r.controller === true);
  return [ref ? ref.uid : `orphan/${pod.metadata?.namespace ?? ''}`];
}

export interface ReplicaSetControllerOptions {
  readonly client: Client;
  readonly informers: SharedInformerFactory;
  readonly clock: Clock;
  readonly workers?: number;
  /**
   * Pod events wake their ReplicaSet after this delay, so a burst of pod changes costs one pass
   * (default 10 ms; 0 reacts to every event at once).
   */
  readonly podBatchPeriodMs?: number;
  readonly onError?: (error: unknown, request: Request) => void;
}

/** Long enough to gather a burst of pod events into one pass, short enough to go unnoticed. */
export const DEFAULT_POD_BATCH_PERIOD_MS = 10;

/**
 * The ReplicaSet controller: keeps `spec.replicas` pods of each ReplicaSet, adopts matching orphans,
 * releases pods that stopped matching, and reports status. The decisions are `planReplicaSet`'s; this
 * shell reads the informer caches, executes the actions through the client, and keeps Kubernetes'
 * expectations so that watch lag never makes it create or delete twice.
 */
export function createReplicaSetController(options: ReplicaSetControllerOptions): Controller {
  const { client, clock } = options;
  const replicaSets = options.informers.informerFor('apps/v1', 'ReplicaSet');
  const pods = options.informers.informerFor('v1', 'Pod');
  pods.addIndexer(POD_CONTROLLER_INDEX, podControllerIndex);
  const expectations = new Expectations();

  const observePods = pods.events$.pipe(
    map((e) => {
      const ref = e.object.metadata?.ownerReferences?.find(
        (r) => r.controller === true && r.kind === 'ReplicaSet',
      );
      if (ref) {
        const key = requestKey({ namespace: e.object.metadata?.namespace ?? '', name: ref.name });
        if (e.type === 'ADDED') expectations.creationObserved(key);
        if (e.type === 'DELETED') expectations.deletionObserved(key, e.object.metadata?.uid ?? '');
      }
      return e;
    }),
  );

  const reconciler = {
    async reconcile(request: Request) {
      const key = requestKey(request);
      const rs = replicaSets.lister().get(request.namespace, request.name);
      if (!rs) {
        expectations.delete(key);
        return {};
      }
      const now = clock.now();
      const lister = pods.lister();
      const candidates = [
        ...lister.byIndex(POD_CONTROLLER_INDEX, rs.metadata?.uid ?? ''),
        ...lister.byIndex(POD_CONTROLLER_INDEX, `orphan/${request.namespace}`),
      ];
      const plan = planReplicaSet(rs, candidates, {
        now,
        expectationsSatisfied: expectations.satisfied(key, now),
      });
      await execute(client, rs, plan.actions, expectations, key, now);
      return plan.requeueAfter === undefined ? {} : { requeueAfter: plan.requeueAfter };
    },
  };

  return new Controller({
    name: 'replicaset',
    clock,
    reconciler,
    ...(options.workers === undefined ? {} : { workers: options.workers }),
    ...(options.onError ? { onError: (e: unknown, r: Request) => options.onError?.(e, r) } : {}),
    sources: [
      requestsForObjects(replicaSets.events$),
      {
        requests: requestsForControllerOwner(observePods, { apiVersion: 'apps/v1', kind: 'ReplicaSet' }),
        batchPeriodMs: options.podBatchPeriodMs ?? DEFAULT_POD_BATCH_PERIOD_MS,
      },
      requestsForSelectingOwners(observePods, (namespace) => replicaSets.lister().list({ namespace })),
    ],
  });
}

/** Kubernetes' slow start: batches of 1, 2, 4, … so that a failing create fails fast and cheaply. */
async function slowStart(
  count: number,
  create: () => Promise<void>,
): Promise<{ done: number; error?: unknown }> {
  let done = 0;
  let batch = 1;
  while (done < count) {
    const size = Math.min(batch, count - done);
    const results = await Promise.allSettled(Array.from({ length: size }, create));
    const failed = results.find((r) => r.status === 'rejected');
    done += results.filter((r) => r.status === 'fulfilled').length;
    if (failed) return { done, error: (failed as PromiseRejectedResult).reason };
    batch *= 2;
  }
  return { done };
}

async function execute(
  client: Client,
  rs: ReplicaSet,
  actions: readonly ReplicaSetAction[],
  expectations: Expectations,
  key: string,
  now: number,
): Promise<void> {
  const podsIn = (ns: string) => client.resource('v1', 'Pod').namespace(ns);
  let firstError: unknown;
  for (const action of actions) {
    try {
      switch (action.type) {
        case 'adoptPod':
          await podsIn(action.namespace).patch(action.name, {
            metadata: { resourceVersion: action.resourceVersion, ownerReferences: [action.ownerReference] },
          });
          break;
        case 'releasePod': {
          const pod = await podsIn(action.namespace).get(action.name);
          const refs = (pod.metadata?.ownerReferences ?? []).filter((r) => r.uid !== action.ownerUid);
          await podsIn(action.namespace).patch(action.name, {
            metadata: { resourceVersion: action.resourceVersion, ownerReferences: refs.length ? refs : null },
          });
          break;
        }
        case 'createPods': {
          expectations.expect(key, now, action.count);
          const result = await slowStart(action.count, async () => {
            await podsIn(action.pod.metadata?.namespace ?? 'default').create(action.pod);
          });
          // Creations that failed or never ran will not be observed: stop waiting for them.
          for (let i = result.done; i < action.count; i++) expectations.creationObserved(key);
          if (result.error !== undefined) throw result.error;
          break;
        }
        case 'deletePod':
          expectations.expect(key, now, 0, [action.uid]);
          try {
            await podsIn(action.namespace).delete(action.name, { preconditions: { uid: action.uid } });
          } catch (error) {
            expectations.deletionObserved(key, action.uid);
            if (!isNotFound(error)) throw error;
          }
          break;
        case 'updateStatus':
          await client
            .resource('apps/v1', 'ReplicaSet')
            .namespace(action.namespace)
            .updateStatus({
              ...rs,
              metadata: { ...rs.metadata, resourceVersion: action.resourceVersion },
              status: action.status,
            });
          break;
      }
    } catch (error) {
      // Keep going (a failed adoption must not block status), then fail the pass so it is retried.
      firstError ??= error;
    }
  }
  if (firstError !== undefined) throw firstError;
}
