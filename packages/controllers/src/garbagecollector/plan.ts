import type { ObjectMeta, OwnerReference } from '@flotilla/api';

/** The finalizer of a foreground deletion: the owner stays until its blocking dependents are gone. */
export const FINALIZER_FOREGROUND = 'foregroundDeletion';
/** The finalizer of an orphaning deletion: dependents lose their reference, then the owner goes. */
export const FINALIZER_ORPHAN = 'orphan';

/** Any object the garbage collector looks at. */
export interface GCObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: ObjectMeta;
}

/**
 * What an owner reference points at, as Kubernetes' garbage collector classifies it:
 * - `solid`: the owner exists with the referenced uid and is not being deleted in the foreground;
 * - `waiting`: it exists but is being deleted in the foreground (`foregroundDeletion` finalizer), so it
 *   waits for its dependents to go;
 * - `absent`: no such object, or one with another uid (a re-created namesake) — the reference dangles;
 * - `unknown`: the kind cannot be resolved (or a cluster-scoped dependent names a namespaced owner);
 *   kept like a solid owner (never delete on doubt).
 */
export type OwnerState = 'solid' | 'waiting' | 'absent' | 'unknown';

/** The state of `ref` given the object found under its name (or undefined when there is none). */
export function ownerStateOf(ref: Pick<OwnerReference, 'uid'>, owner: GCObject | undefined): OwnerState {
  if (!owner || owner.metadata?.uid !== ref.uid) return 'absent';
  return isDeletingDependents(owner) ? 'waiting' : 'solid';
}

/** Being deleted with `foregroundDeletion` still set. */
export function isDeletingDependents(obj: GCObject): boolean {
  return !!obj.metadata?.deletionTimestamp && hasFinalizer(obj, FINALIZER_FOREGROUND);
}

export function hasFinalizer(obj: GCObject, finalizer: string): boolean {
  return obj.metadata?.finalizers?.includes(finalizer) ?? false;
}

/** What to do with one dependent, given the states of its owners. */
export type DependentAction =
  | { readonly type: 'none' }
  /** Some owner is solid: drop the references to absent and waiting owners only. */
  | { readonly type: 'removeOwnerReferences'; readonly uids: readonly string[] }
  /**
   * No owner is solid: delete the dependent. `Foreground` (add `foregroundDeletion`, then delete)
   * when a waiting owner needs the dependent's own dependents gone first, or when the dependent already
   * carries that finalizer; `Orphan` when it carries `orphan`; otherwise `Background`.
   */
  | { readonly type: 'delete'; readonly propagation: 'Background' | 'Foreground' | 'Orphan' };

/**
 * Kubernetes' `attemptToDeleteItem` for one dependent (an object with owner references), as a pure
 * function: `stateOf` gives each owner reference's state, `hasDependents` whether anything references
 * the dependent in turn. An object being deleted, or without owner references, is left alone.
 */
export function planDependent(
  dependent: GCObject,
  stateOf: (ref: OwnerReference) => OwnerState,
  hasDependents: boolean,
): DependentAction {
  const refs = dependent.metadata?.ownerReferences ?? [];
  if (dependent.metadata?.deletionTimestamp || refs.length === 0) return { type: 'none' };
  const states = refs.map((ref) => ({ ref, state: stateOf(ref) }));
  const solid = states.some((s) => s.state === 'solid' || s.state === 'unknown');
  const waiting = states.filter((s) => s.state === 'waiting');
  if (solid) {
    const uids = states.filter((s) => s.state === 'absent' || s.state === 'waiting').map((s) => s.ref.uid);
    return uids.length === 0 ? { type: 'none' } : { type: 'removeOwnerReferences', uids };
  }
  if (waiting.length > 0 && hasDependents) return { type: 'delete', propagation: 'Foreground' };
  if (hasFinalizer(dependent, FINALIZER_ORPHAN)) return { type: 'delete', propagation: 'Orphan' };
  if (hasFinalizer(dependent, FINALIZER_FOREGROUND)) return { type: 'delete', propagation: 'Foreground' };
  return { type: 'delete', propagation: 'Background' };
}

/** What to do for an owner that is being deleted with a garbage-collection finalizer. */
export type OwnerAction =
  /** Remove the owner's reference from a dependent (orphaning). */
  | { readonly type: 'orphanDependent'; readonly dependent: GCObject }
  /** Look at a blocking dependent again (it is garbage now that its owner waits for it). */
  | { readonly type: 'checkDependent'; readonly uid: string }
  /** Remove a finalizer from the owner; with none left the store removes the owner. */
  | { readonly type: 'removeFinalizer'; readonly finalizer: string };

/**
 * Kubernetes' `orphanDependents` and `processDeletingDependentsItem` for one owner, as a pure
 * function of the owner and the objects that reference its uid:
 * - `orphan` finalizer: remove the owner's reference from every dependent, then the finalizer;
 * - `foregroundDeletion` finalizer: while dependents whose reference has `blockOwnerDeletion` remain,
 *   have them checked (they are garbage); when none remain, remove the finalizer.
 * An owner that is not being deleted gets no actions.
 */
export function planOwner(owner: GCObject, dependents: readonly GCObject[]): OwnerAction[] {
  if (!owner.metadata?.deletionTimestamp) return [];
  const uid = owner.metadata.uid ?? '';
  const referencing = dependents.filter((d) => d.metadata?.ownerReferences?.some((r) => r.uid === uid));
  const actions: OwnerAction[] = [];
  const orphaning = hasFinalizer(owner, FINALIZER_ORPHAN);
  if (orphaning) {
    for (const dependent of referencing) actions.push({ type: 'orphanDependent', dependent });
    actions.push({ type: 'removeFinalizer', finalizer: FINALIZER_ORPHAN });
  }
  if (hasFinalizer(owner, FINALIZER_FOREGROUND)) {
    // Orphaned dependents no longer block.
    const blocking = orphaning
      ? []
      : referencing.filter((d) =>
          d.metadata?.ownerReferences?.some((r) => r.uid === uid && r.blockOwnerDeletion === true),
        );
    if (blocking.length === 0) actions.push({ type: 'removeFinalizer', finalizer: FINALIZER_FOREGROUND });
    else
      for (const d of blocking)
        if (!d.metadata?.deletionTimestamp)
          actions.push({ type: 'checkDependent', uid: d.metadata?.uid ?? '' });
  }
  return actions;
}
