import { type LabelSelector, selectorFromLabelSelector } from '@flotilla/labels';
import { filter, map, Observable, type OperatorFunction } from 'rxjs';
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

/**
 * `mergeMap` for a function that returns an array at once: each item is emitted synchronously, in
 * order, without an inner subscription per source value (which `mergeMap` makes for every pod event).
 */
function flatMapSync<T, R>(fn: (value: T) => readonly R[]): OperatorFunction<T, R> {
  return (source) =>
    new Observable<R>((subscriber) =>
      source.subscribe({
        next: (value) => {
          let out: readonly R[];
          try {
            out = fn(value);
          } catch (error) {
            subscriber.error(error);
            return;
          }
          for (const item of out) subscriber.next(item);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    );
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
    flatMapSync((e) => {
      const now = ownerRequest(e.object, owner);
      const old = e.oldObject;
      // Most events (a status write) keep the owner references object itself: one request at most.
      if (old === undefined || old.metadata?.ownerReferences === e.object.metadata?.ownerReferences)
        return now === undefined ? NO_REQUESTS : [now];
      const before = ownerRequest(old, owner);
      if (before === undefined) return now === undefined ? NO_REQUESTS : [now];
      if (now === undefined) return [before];
      return now.namespace === before.namespace && now.name === before.name ? [now] : [now, before];
    }),
  );
}

const NO_REQUESTS: readonly Request[] = [];

/** A request for `o`'s controlling owner when it is of the given kind. */
function ownerRequest(
  o: ObjectLike,
  owner: { readonly apiVersion: string; readonly kind: string },
): Request | undefined {
  const ref = o.metadata?.ownerReferences?.find((r) => r.controller === true);
  if (!ref || ref.kind !== owner.kind || ref.apiVersion !== owner.apiVersion) return undefined;
  return { namespace: o.metadata?.namespace ?? '', name: ref.name };
}

/** An object with a label selector in `spec.selector` (ReplicaSets, Deployments, …). */
export interface SelectingObject extends ObjectLike {
  readonly spec?: { readonly selector?: LabelSelector };
}

/** True when `owner`'s selector is valid, non-empty and matches `labels` (an invalid one selects nothing). */
export function selectorSelects(owner: SelectingObject, labels: Readonly<Record<string, string>>): boolean {
  try {
    const selector = selectorFromLabelSelector(owner.spec?.selector);
    return !selector.isEmpty() && selector.matches(labels);
  } catch {
    return false;
  }
}

/**
 * Each event of an orphan (no controller reference) → a request for every would-be owner in its
 * namespace whose selector matches it, so that the owner adopts it (an orphan pod wakes the ReplicaSets
 * that select it; an orphan ReplicaSet the Deployments).
 */
export function requestsForSelectingOwners<
  T extends ObjectLike & { readonly metadata?: { readonly labels?: Readonly<Record<string, string>> } },
>(
  events: Observable<ObjectEvent<T> & { readonly type?: string }>,
  owners: (namespace: string) => readonly SelectingObject[],
): Observable<Request> {
  return events.pipe(
    filter(
      (e) => e.type !== 'DELETED' && !e.object.metadata?.ownerReferences?.some((r) => r.controller === true),
    ),
    flatMapSync((e) => {
      const namespace = e.object.metadata?.namespace ?? '';
      const labels = e.object.metadata?.labels ?? {};
      return owners(namespace)
        .filter((o) => selectorSelects(o, labels))
        .map((o) => ({ namespace, name: o.metadata?.name ?? '' }));
    }),
  );
}
