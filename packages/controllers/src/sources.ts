import { filter, map, mergeMap, type Observable } from 'rxjs';
import type { Request } from './reconciler.js';

/** The parts of an object that routing needs. */
export interface ObjectLike {
  readonly metadata?: {
    readonly namespace?: string;
    readonly name?: string;
    readonly ownerReferences?: readonly {
      readonly apiVersion: string;
      readonly kind: string;
      readonly name: string;
      readonly uid: string;
      readonly controller?: boolean;
    }[];
  };
}

/** The shape of an informer notification (`@flotilla/client`'s `InformerEvent`). */
export interface ObjectEvent<T extends ObjectLike = ObjectLike> {
  readonly object: T;
  readonly oldObject?: T;
}

/** Each event's object → a request for that object (a Deployment controller watching Deployments). */
export function requestsForObjects<T extends ObjectLike>(
  events: Observable<ObjectEvent<T>>,
): Observable<Request> {
  return events.pipe(
    filter((e) => !!e.object.metadata?.name),
    map((e) => ({ namespace: e.object.metadata?.namespace ?? '', name: e.object.metadata?.name ?? '' })),
  );
}

/**
 * Each event's object → a request for its controlling owner of the given kind (a ReplicaSet controller
 * watching Pods). The old object's owner is included too, so a Pod released by one owner and adopted
 * by another wakes both.
 */
export function requestsForControllerOwner<T extends ObjectLike>(
  events: Observable<ObjectEvent<T>>,
  owner: { readonly apiVersion: string; readonly kind: string },
): Observable<Request> {
  return events.pipe(
    mergeMap((e) => {
      const out = new Map<string, Request>();
      for (const o of [e.object, e.oldObject]) {
        const ref = o?.metadata?.ownerReferences?.find((r) => r.controller === true);
        if (ref && ref.kind === owner.kind && ref.apiVersion === owner.apiVersion) {
          const namespace = o?.metadata?.namespace ?? '';
          out.set(`${namespace}/${ref.name}`, { namespace, name: ref.name });
        }
      }
      return [...out.values()];
    }),
  );
}
