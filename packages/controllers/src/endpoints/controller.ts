import { type EndpointSlice, isAlreadyExists, isNotFound, type Pod, type Service } from '@flotilla/api';
import type { Client, SharedInformerFactory } from '@flotilla/client';
import type { Clock } from '@flotilla/clock';
import { filter, map, mergeMap } from 'rxjs';
import { Controller } from '../controller.js';
import { type Request, requestKey } from '../reconciler.js';
import { requestsForObjects } from '../sources.js';
import {
  ENDPOINTSLICE_CONTROLLER_NAME,
  type EndpointsAction,
  MANAGED_BY_LABEL,
  managesEndpoints,
  planEndpoints,
  SERVICE_NAME_LABEL,
} from './plan.js';

export interface EndpointsControllerOptions {
  readonly client: Client;
  readonly informers: SharedInformerFactory;
  readonly clock: Clock;
  readonly workers?: number;
  /** Pod events wake their Services after this delay, so a burst costs one pass (default 50 ms). */
  readonly podBatchPeriodMs?: number;
  readonly onError?: (error: unknown, request: Request) => void;
}

export const DEFAULT_ENDPOINTS_BATCH_PERIOD_MS = 50;

const rv = (o: { metadata?: { resourceVersion?: string } } | undefined) =>
  Number(o?.metadata?.resourceVersion ?? 0);

/**
 * The endpoints controller, Endpoints and EndpointSlices together: for every Service with a selector,
 * an `Endpoints` named like it and its EndpointSlices (labelled `kubernetes.io/service-name`, managed
 * by `endpointslice-controller.k8s.io`, owned by the Service), following the selected pods' IPs and
 * readiness; removed with the Service. Decisions are `planEndpoints`'s; slices this controller wrote
 * are remembered until its cache shows them, so watch lag never creates a slice twice.
 */
export function createEndpointsController(options: EndpointsControllerOptions): Controller {
  const { client, clock } = options;
  const services = options.informers.informerFor('v1', 'Service');
  const pods = options.informers.informerFor('v1', 'Pod');
  const endpoints = options.informers.informerFor('v1', 'Endpoints');
  const slices = options.informers.informerFor('discovery.k8s.io/v1', 'EndpointSlice');
  /** Slices written (or deleted: `undefined`) by uid, per service key, until the cache catches up. */
  const written = new Map<string, Map<string, EndpointSlice | undefined>>();

  function managedSlices(namespace: string, name: string): EndpointSlice[] {
    const key = requestKey({ namespace, name });
    const cached = slices.lister().list({
      namespace,
      labelSelector: `${SERVICE_NAME_LABEL}=${name},${MANAGED_BY_LABEL}=${ENDPOINTSLICE_CONTROLLER_NAME}`,
    });
    const mine = written.get(key);
    if (!mine) return cached;
    const byUid = new Map(cached.map((s) => [s.metadata?.uid ?? '', s]));
    for (const [uid, slice] of mine) {
      const seen = byUid.get(uid);
      if (slice === undefined) {
        if (seen) byUid.delete(uid);
        else mine.delete(uid);
      } else if (seen && rv(seen) >= rv(slice)) mine.delete(uid);
      else byUid.set(uid, slice);
    }
    if (mine.size === 0) written.delete(key);
    return [...byUid.values()];
  }

  function remember(namespace: string, name: string, uid: string, slice: EndpointSlice | undefined) {
    const key = requestKey({ namespace, name });
    let mine = written.get(key);
    if (!mine) {
      mine = new Map();
      written.set(key, mine);
    }
    mine.set(uid, slice);
  }

  const reconciler = {
    async reconcile({ namespace, name }: Request) {
      const service = services.lister().get(namespace, name);
      const selector = service?.spec?.selector ?? {};
      const selected =
        service && managesEndpoints(service)
          ? pods.lister().list({
              namespace,
              labelSelector: Object.entries(selector)
                .map(([k, v]) => `${k}=${v}`)
                .join(','),
            })
          : [];
      const actions = planEndpoints(
        service,
        selected,
        endpoints.lister().get(namespace, name),
        managedSlices(namespace, name),
      );
      await execute(actions, namespace, name);
      // Gone: nothing will look at its slices again (a stale cache only causes a harmless NotFound).
      if (!service) written.delete(requestKey({ namespace, name }));
      return {};
    },
  };

  async function execute(actions: readonly EndpointsAction[], namespace: string, name: string) {
    const epApi = client.resource('v1', 'Endpoints').namespace(namespace);
    const sliceApi = client.resource('discovery.k8s.io/v1', 'EndpointSlice').namespace(namespace);
    let firstError: unknown;
    for (const action of actions) {
      try {
        switch (action.type) {
          case 'createEndpoints':
            try {
              await epApi.create(action.endpoints);
            } catch (error) {
              // The cache has not seen it yet: the next pass updates it.
              if (!isAlreadyExists(error)) throw error;
              throw new Error(`endpoints ${namespace}/${name} exist but are not cached yet`);
            }
            break;
          case 'updateEndpoints':
            await epApi.update(action.endpoints);
            break;
          case 'deleteEndpoints':
            await epApi.delete(action.name, { preconditions: { uid: action.uid } }).catch((e) => {
              if (!isNotFound(e)) throw e;
            });
            break;
          case 'createSlice': {
            const created = await sliceApi.create(action.slice);
            remember(namespace, name, created.metadata?.uid ?? '', created);
            break;
          }
          case 'updateSlice': {
            const updated = await sliceApi.update(action.slice);
            remember(namespace, name, updated.metadata?.uid ?? '', updated);
            break;
          }
          case 'deleteSlice':
            await sliceApi.delete(action.name, { preconditions: { uid: action.uid } }).catch((e) => {
              if (!isNotFound(e)) throw e;
            });
            remember(namespace, name, action.uid, undefined);
            break;
        }
      } catch (error) {
        firstError ??= error;
      }
    }
    if (firstError !== undefined) throw firstError;
  }

  const servicesSelecting = (pod: Pod | undefined): Request[] => {
    if (!pod) return [];
    const namespace = pod.metadata?.namespace ?? '';
    const labels = pod.metadata?.labels ?? {};
    return services
      .lister()
      .list({ namespace })
      .filter((s: Service) => {
        const selector = s.spec?.selector ?? {};
        return (
          Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v)
        );
      })
      .map((s) => ({ namespace, name: s.metadata?.name ?? '' }));
  };

  return new Controller({
    name: 'endpoints',
    clock,
    reconciler,
    ...(options.workers === undefined ? {} : { workers: options.workers }),
    ...(options.onError ? { onError: (e: unknown, r: Request) => options.onError?.(e, r) } : {}),
    sources: [
      requestsForObjects(services.events$),
      {
        requests: pods.events$.pipe(
          mergeMap((e) => {
            const out = new Map<string, Request>();
            for (const r of [...servicesSelecting(e.object), ...servicesSelecting(e.oldObject)])
              out.set(requestKey(r), r);
            return [...out.values()];
          }),
        ),
        batchPeriodMs: options.podBatchPeriodMs ?? DEFAULT_ENDPOINTS_BATCH_PERIOD_MS,
      },
      // Someone else changed our objects: put them back (only for Services that exist).
      requestsForObjects(endpoints.events$).pipe(
        filter((r) => services.lister().get(r.namespace, r.name) !== undefined),
      ),
      slices.events$.pipe(
        map((e) => ({
          namespace: e.object.metadata?.namespace ?? '',
          name: e.object.metadata?.labels?.[SERVICE_NAME_LABEL] ?? '',
        })),
        filter((r) => r.name !== '' && services.lister().get(r.namespace, r.name) !== undefined),
      ),
    ],
  });
}
