import type { Namespace } from '@flotilla/api';
import type { GCObject } from '../garbagecollector/plan.js';

/** The finalizer Kubernetes' namespace controller owns (in `spec.finalizers`). */
export const FINALIZER_KUBERNETES = 'kubernetes';

/** How long to wait before looking at a namespace that still has contents going away. */
export const NAMESPACE_RECHECK_MS = 1000;

export type NamespaceAction =
  /** Set `status.phase` to `Terminating`. */
  | { readonly type: 'setTerminating' }
  /** Delete one object of the namespace (uid precondition). */
  | { readonly type: 'deleteObject'; readonly object: GCObject }
  /** Remove `kubernetes` from `spec.finalizers` (the `finalize` step): the namespace may go now. */
  | { readonly type: 'finalize' };

export interface NamespacePlan {
  readonly actions: readonly NamespaceAction[];
  /** Look again then: objects are still going away. */
  readonly requeueAfter?: number;
}

/**
 * One pass of Kubernetes' namespace lifecycle controller, as a pure function of the Namespace (or
 * `undefined` once it is gone) and every namespaced object still in it:
 * - a live namespace not being deleted: nothing;
 * - a namespace with `deletionTimestamp`: phase `Terminating`, delete every object not already being
 *   deleted, and once nothing is left, remove the `kubernetes` finalizer from `spec.finalizers`;
 * - a namespace that is already gone (a store that removes namespaces at once): delete what it left.
 * While objects remain, the pass asks to be repeated.
 */
export function planNamespace(ns: Namespace | undefined, contents: readonly GCObject[]): NamespacePlan {
  if (ns && !ns.metadata?.deletionTimestamp) return { actions: [] };
  const actions: NamespaceAction[] = [];
  if (ns && ns.status?.phase !== 'Terminating') actions.push({ type: 'setTerminating' });
  for (const object of contents)
    if (!object.metadata?.deletionTimestamp) actions.push({ type: 'deleteObject', object });
  if (contents.length > 0) return { actions, requeueAfter: NAMESPACE_RECHECK_MS };
  if (ns?.spec?.finalizers?.includes(FINALIZER_KUBERNETES)) actions.push({ type: 'finalize' });
  return { actions };
}
