import { isNotFound, kinds, type Namespace } from '@flotilla/api';
import type { Client, SharedInformerFactory } from '@flotilla/client';
import type { Clock } from '@flotilla/clock';
import { Controller } from '../controller.js';
import type { GCObject } from '../garbagecollector/plan.js';
import type { Request } from '../reconciler.js';
import { requestsForObjects } from '../sources.js';
import { FINALIZER_KUBERNETES, planNamespace } from './plan.js';

export interface NamespaceControllerOptions {
  readonly client: Client;
  readonly informers: SharedInformerFactory;
  readonly clock: Clock;
  readonly workers?: number;
  readonly onError?: (error: unknown, request: Request) => void;
}

/** Every namespaced kind of the registry that can be listed and deleted. */
const NAMESPACED_KINDS = kinds.filter(
  (k) => k.namespaced && k.verbs.includes('list') && k.verbs.includes('delete'),
);

/**
 * The namespace lifecycle controller: a Namespace being deleted turns `Terminating`, everything in it
 * (every namespaced kind of `@flotilla/api`'s registry, read from the API) is deleted, and once it is
 * empty the `kubernetes` finalizer leaves `spec.finalizers`. A namespace the store already removed has
 * its leftover contents deleted. Decisions are `planNamespace`'s.
 */
export function createNamespaceController(options: NamespaceControllerOptions): Controller {
  const { client, clock } = options;
  const namespaces = options.informers.informerFor('v1', 'Namespace');
  const nsApi = client.resource('v1', 'Namespace');

  async function contentsOf(namespace: string): Promise<GCObject[]> {
    const lists = await Promise.all(
      NAMESPACED_KINDS.map((k) => client.resource(k.apiVersion, k.kind).namespace(namespace).list()),
    );
    return lists.flatMap((l, i) =>
      l.items.map((o) => ({
        ...o,
        apiVersion: NAMESPACED_KINDS[i]?.apiVersion ?? o.apiVersion,
        kind: NAMESPACED_KINDS[i]?.kind ?? o.kind,
      })),
    );
  }

  const reconciler = {
    async reconcile({ name }: Request) {
      let ns: Namespace | undefined = namespaces.lister().get('', name);
      if (!ns) {
        try {
          ns = await nsApi.get(name);
        } catch (error) {
          if (!isNotFound(error)) throw error;
        }
      }
      if (ns && !ns.metadata?.deletionTimestamp) return {};
      const plan = planNamespace(ns, await contentsOf(name));
      for (const action of plan.actions) {
        switch (action.type) {
          case 'setTerminating':
            ns = await nsApi.updateStatus({
              ...(ns as Namespace),
              status: { ...ns?.status, phase: 'Terminating' },
            });
            break;
          case 'deleteObject': {
            const o = action.object;
            const pod = o.apiVersion === 'v1' && o.kind === 'Pod';
            const grace = (o as { spec?: { terminationGracePeriodSeconds?: number } }).spec
              ?.terminationGracePeriodSeconds;
            try {
              await client
                .resource(o.apiVersion, o.kind)
                .namespace(name)
                .delete(o.metadata?.name ?? '', {
                  preconditions: { uid: o.metadata?.uid ?? '' },
                  ...(pod ? { gracePeriodSeconds: grace ?? 30 } : {}),
                });
            } catch (error) {
              if (!isNotFound(error)) throw error;
            }
            break;
          }
          case 'finalize': {
            const current = ns as Namespace;
            // An empty list, not an absent one: defaulting would put `kubernetes` back.
            const finalizers = (current.spec?.finalizers ?? []).filter((f) => f !== FINALIZER_KUBERNETES);
            try {
              await nsApi.update({ ...current, spec: { ...current.spec, finalizers } });
            } catch (error) {
              if (!isNotFound(error)) throw error;
            }
            break;
          }
        }
      }
      return plan.requeueAfter === undefined ? {} : { requeueAfter: plan.requeueAfter };
    },
  };

  return new Controller({
    name: 'namespace',
    clock,
    reconciler,
    sources: [requestsForObjects(namespaces.events$)],
    ...(options.workers === undefined ? {} : { workers: options.workers }),
    ...(options.onError ? { onError: (e: unknown, r: Request) => options.onError?.(e, r) } : {}),
  });
}
