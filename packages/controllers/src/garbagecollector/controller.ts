import { isNotFound, lookupKind, type OwnerReference } from '@flotilla/api';
import type { Client, Informer, SharedInformerFactory } from '@flotilla/client';
import type { Clock } from '@flotilla/clock';
import { mergeMap } from 'rxjs';
import { Controller } from '../controller.js';
import type { Request } from '../reconciler.js';
import {
  FINALIZER_FOREGROUND,
  FINALIZER_ORPHAN,
  type GCObject,
  type OwnerState,
  ownerStateOf,
  planDependent,
  planOwner,
} from './plan.js';

/** Objects indexed by their own uid. */
export const UID_INDEX = 'flotilla.dev/uid';
/** Objects indexed by the uids of their owner references. */
export const OWNER_UID_INDEX = 'flotilla.dev/owner-uid';

const byUid = (o: GCObject): string[] => (o.metadata?.uid ? [o.metadata.uid] : []);
const byOwnerUid = (o: GCObject): string[] => (o.metadata?.ownerReferences ?? []).map((r) => r.uid);

/**
 * The kinds the garbage collector watches by default: everything Flotilla runs that owns or is owned
 * (each is one shared informer). Owners of other kinds known to `@flotilla/api` are still resolved,
 * by a read from the API.
 */
export const GARBAGE_COLLECTED_KINDS: readonly { readonly apiVersion: string; readonly kind: string }[] = [
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'apps/v1', kind: 'ReplicaSet' },
  { apiVersion: 'apps/v1', kind: 'DaemonSet' },
  { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  { apiVersion: 'apps/v1', kind: 'ControllerRevision' },
  { apiVersion: 'v1', kind: 'Pod' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'v1', kind: 'Endpoints' },
  { apiVersion: 'batch/v1', kind: 'Job' },
  { apiVersion: 'batch/v1', kind: 'CronJob' },
  { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice' },
];

export interface GarbageCollectorOptions {
  readonly client: Client;
  readonly informers: SharedInformerFactory;
  readonly clock: Clock;
  /** Kinds to watch (default `GARBAGE_COLLECTED_KINDS`); each must be known to `@flotilla/api`. */
  readonly kinds?: readonly { readonly apiVersion: string; readonly kind: string }[];
  readonly workers?: number;
  readonly onError?: (error: unknown, request: Request) => void;
}

const request = (uid: string): Request => ({ namespace: '', name: uid });

/**
 * The garbage collector: deletes objects whose owners are all gone (an owner reference whose uid no
 * longer matches a live object dangles), orphans the dependents of an owner deleted with the `orphan`
 * finalizer, and holds an owner with `foregroundDeletion` until its blocking dependents are gone.
 * Work items are object uids; decisions are `planDependent`'s and `planOwner`'s. An owner the caches
 * do not show is read from the API before anything is deleted, so watch lag never deletes a dependent
 * of a live owner.
 */
export function createGarbageCollector(options: GarbageCollectorOptions): Controller {
  const { client, clock } = options;
  const watched = new Map<string, Informer<GCObject>>();
  for (const type of options.kinds ?? GARBAGE_COLLECTED_KINDS) {
    if (!lookupKind(type)) throw new Error(`garbage collector: unknown kind ${type.apiVersion} ${type.kind}`);
    const informer = options.informers.informerFor(
      type.apiVersion,
      type.kind,
    ) as unknown as Informer<GCObject>;
    informer.addIndexer(UID_INDEX, byUid);
    informer.addIndexer(OWNER_UID_INDEX, byOwnerUid);
    watched.set(`${type.apiVersion}/${type.kind}`, informer);
  }
  const informers = [...watched.values()];
  const findByUid = (uid: string): GCObject | undefined => {
    for (const i of informers) {
      const [found] = i.lister().byIndex(UID_INDEX, uid);
      if (found) return found;
    }
    return undefined;
  };
  const dependentsOf = (uid: string): GCObject[] =>
    informers.flatMap((i) => i.lister().byIndex(OWNER_UID_INDEX, uid));
  const api = (o: { apiVersion: string; kind: string }, namespace: string) => {
    const r = client.resource(o.apiVersion, o.kind);
    return namespace ? r.namespace(namespace) : r;
  };

  async function resolveOwner(ref: OwnerReference, namespace: string): Promise<OwnerState> {
    const kind = lookupKind(ref);
    if (!kind) return 'unknown';
    // A cluster-scoped dependent cannot have a namespaced owner: Kubernetes (1.20+) calls the reference
    // unresolvable and never collects the dependent for it.
    if (kind.namespaced && !namespace) return 'unknown';
    const ownerNamespace = kind.namespaced ? namespace : '';
    const cached = watched.get(`${ref.apiVersion}/${ref.kind}`)?.lister().get(ownerNamespace, ref.name);
    if (cached && cached.metadata?.uid === ref.uid) return ownerStateOf(ref, cached);
    try {
      return ownerStateOf(ref, (await api(ref, ownerNamespace).get(ref.name)) as GCObject);
    } catch (error) {
      if (isNotFound(error)) return 'absent';
      throw error;
    }
  }

  async function deleteObject(obj: GCObject, propagation: 'Background' | 'Foreground' | 'Orphan') {
    const namespace = obj.metadata?.namespace ?? '';
    const name = obj.metadata?.name ?? '';
    const finalizer = { Foreground: FINALIZER_FOREGROUND, Orphan: FINALIZER_ORPHAN, Background: undefined }[
      propagation
    ];
    try {
      if (finalizer && !obj.metadata?.finalizers?.includes(finalizer)) {
        // What the API server does for a DELETE with this propagationPolicy, in two writes.
        await api(obj, namespace).patch(name, {
          metadata: {
            resourceVersion: obj.metadata?.resourceVersion,
            finalizers: [...(obj.metadata?.finalizers ?? []), finalizer],
          },
        });
      }
      const pod = obj.apiVersion === 'v1' && obj.kind === 'Pod';
      const grace = (obj as { spec?: { terminationGracePeriodSeconds?: number } }).spec
        ?.terminationGracePeriodSeconds;
      await api(obj, namespace).delete(name, {
        preconditions: { uid: obj.metadata?.uid ?? '' },
        ...(pod ? { gracePeriodSeconds: grace ?? 30 } : {}),
      });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  /** Removes `uids` from the object's owner references (re-read, so a concurrent change is kept). */
  async function removeOwnerReferences(obj: GCObject, uids: readonly string[]) {
    const namespace = obj.metadata?.namespace ?? '';
    const name = obj.metadata?.name ?? '';
    try {
      const fresh = (await api(obj, namespace).get(name)) as GCObject;
      if (fresh.metadata?.uid !== obj.metadata?.uid) return;
      const refs = fresh.metadata?.ownerReferences ?? [];
      const kept = refs.filter((r) => !uids.includes(r.uid));
      if (kept.length === refs.length) return;
      await api(obj, namespace).patch(name, {
        metadata: {
          resourceVersion: fresh.metadata?.resourceVersion,
          ownerReferences: kept.length ? kept : null,
        },
      });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  async function removeFinalizer(obj: GCObject, finalizer: string) {
    const namespace = obj.metadata?.namespace ?? '';
    const name = obj.metadata?.name ?? '';
    try {
      const fresh = (await api(obj, namespace).get(name)) as GCObject;
      if (fresh.metadata?.uid !== obj.metadata?.uid) return;
      const finalizers = fresh.metadata?.finalizers ?? [];
      if (!finalizers.includes(finalizer)) return;
      const kept = finalizers.filter((f) => f !== finalizer);
      await api(obj, namespace).patch(name, {
        metadata: { resourceVersion: fresh.metadata?.resourceVersion, finalizers: kept.length ? kept : null },
      });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  let controller: Controller | undefined;
  const reconciler = {
    async reconcile({ name: uid }: Request) {
      const obj = findByUid(uid);
      if (!obj) return {};
      for (const action of planOwner(obj, dependentsOf(uid))) {
        if (action.type === 'orphanDependent') await removeOwnerReferences(action.dependent, [uid]);
        else if (action.type === 'checkDependent') controller?.enqueue(request(action.uid));
        else await removeFinalizer(obj, action.finalizer);
      }
      const refs = obj.metadata?.ownerReferences ?? [];
      if (obj.metadata?.deletionTimestamp || refs.length === 0) return {};
      const states = new Map<string, OwnerState>();
      for (const ref of refs) states.set(ref.uid, await resolveOwner(ref, obj.metadata?.namespace ?? ''));
      const action = planDependent(
        obj,
        (ref) => states.get(ref.uid) ?? 'unknown',
        dependentsOf(uid).length > 0,
      );
      if (action.type === 'removeOwnerReferences') await removeOwnerReferences(obj, action.uids);
      else if (action.type === 'delete') await deleteObject(obj, action.propagation);
      return {};
    },
  };

  const sources = informers.map((informer) =>
    informer.events$.pipe(
      mergeMap((e) => {
        const out = new Map<string, Request>();
        const uid = e.object.metadata?.uid;
        if (uid && e.type !== 'DELETED') out.set(uid, request(uid));
        // The owners of what changed: a waiting owner re-checks its blocking dependents.
        for (const o of [e.object, e.oldObject])
          for (const ref of o?.metadata?.ownerReferences ?? []) out.set(ref.uid, request(ref.uid));
        // An owner that went away or started being deleted: its dependents may be garbage now.
        if (uid && (e.type === 'DELETED' || e.object.metadata?.deletionTimestamp))
          for (const d of dependentsOf(uid))
            if (d.metadata?.uid) out.set(d.metadata.uid, request(d.metadata.uid));
        return [...out.values()];
      }),
    ),
  );

  controller = new Controller({
    name: 'garbagecollector',
    clock,
    reconciler,
    sources,
    ...(options.workers === undefined ? {} : { workers: options.workers }),
    ...(options.onError ? { onError: (e: unknown, r: Request) => options.onError?.(e, r) } : {}),
  });
  return controller;
}
