import { ApiError } from '@flotilla/api';
import type { ApiObject } from './types.js';

/** What a resource client is scoped to. */
export interface ClientScope {
  readonly apiVersion: string;
  readonly kind: string;
  /** The namespace of `.namespace(ns)`, if any. */
  readonly namespaceName: string | undefined;
  /** From the kind registry; `undefined` for kinds it does not know. */
  readonly namespaced: boolean | undefined;
}

/**
 * The object a write sends: its type must be the client's, and a namespaced client fills in its
 * namespace, or refuses an object naming another one (Kubernetes' wording) — the same check for every
 * `Client` implementation.
 */
export function inClientScope<T extends ApiObject>(scope: ClientScope, obj: T): T {
  if (obj.apiVersion !== scope.apiVersion || obj.kind !== scope.kind) {
    throw ApiError.badRequest(
      `the object's type ${obj.apiVersion}/${obj.kind} does not match the client's ${scope.apiVersion}/${scope.kind}`,
    );
  }
  const ns = scope.namespaceName;
  if (ns === undefined || scope.namespaced === false) return obj;
  const own = obj.metadata?.namespace;
  if (own === undefined || own === '') return { ...obj, metadata: { ...obj.metadata, namespace: ns } };
  if (own !== ns) {
    throw ApiError.badRequest(
      'the namespace of the provided object does not match the namespace sent on the request',
    );
  }
  return obj;
}
