import type { OwnerReference, Pod, ReplicaSet, ReplicaSetStatus } from '@flotilla/api';
import { type Labels, type Selector, selectorFromLabelSelector } from '@flotilla/labels';
import { compareForDeletion, isPodActive, isPodReady, msUntilAvailable } from '../pods.js';

/** Kubernetes' `BurstReplicas`: at most this many pod creations or deletions per pass. */
export const BURST_REPLICAS = 500;

/** What one pass of the ReplicaSet controller asks its shell to do. */
export type ReplicaSetAction =
  /** Create `count` pods from `pod` (its `generateName` gives each a unique name). */
  | { readonly type: 'createPods'; readonly count: number; readonly pod: Pod }
  /** Delete a pod, only if it is still the pod that was read. */
  | { readonly type: 'deletePod'; readonly namespace: string; readonly name: string; readonly uid: string }
  /** Set this ReplicaSet as the controller of an orphan pod that matches its selector. */
  | {
      readonly type: 'adoptPod';
      readonly namespace: string;
      readonly name: string;
      readonly resourceVersion: string;
      readonly ownerReference: OwnerReference;
    }
  /** Remove this ReplicaSet's ownerReference from a pod that no longer matches its selector. */
  | {
      readonly type: 'releasePod';
      readonly namespace: string;
      readonly name: string;
      readonly resourceVersion: string;
      readonly ownerUid: string;
    }
  /** Replace the ReplicaSet's status. */
  | {
      readonly type: 'updateStatus';
      readonly namespace: string;
      readonly name: string;
      readonly resourceVersion: string;
      readonly status: ReplicaSetStatus;
    };

export interface ReplicaSetPlan {
  readonly actions: readonly ReplicaSetAction[];
  /** The status the ReplicaSet will have once the actions are done (already in `updateStatus`, if any). */
  readonly status: ReplicaSetStatus;
  /** Look again then: a ready pod becomes available after `minReadySeconds`. */
  readonly requeueAfter?: number;
}

export interface ReplicaSetPlanOptions {
  /** Epoch ms: decides availability under `minReadySeconds`. */
  readonly now: number;
  /** Cap of creations/deletions in one pass (default `BURST_REPLICAS`). */
  readonly burst?: number;
  /**
   * False while earlier creations/deletions have not been observed yet (the controller's
   * expectations): the plan then only adopts, releases and updates status, so watch lag never causes
   * duplicate creations.
   */
  readonly expectationsSatisfied?: boolean;
}

/** The controller ownerReference a ReplicaSet puts on its pods. */
export function ownerReferenceFor(rs: ReplicaSet): OwnerReference {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    name: rs.metadata?.name ?? '',
    uid: rs.metadata?.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/**
 * A pod from the ReplicaSet's template, as Kubernetes' `GetPodFromTemplate` builds it — except that the
 * spec is the template's own object, not a copy: a ReplicaSet from the store is deeply frozen, and then
 * every pod it creates shares one defaulted, validated spec (see `applyDefaults`).
 */
export function podFromTemplate(rs: ReplicaSet): Pod {
  const template = rs.spec?.template;
  const meta = template?.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${rs.metadata?.name ?? ''}-`,
      namespace: rs.metadata?.namespace ?? 'default',
      ...(meta.labels ? { labels: { ...meta.labels } } : {}),
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [ownerReferenceFor(rs)],
    },
    spec: template?.spec ?? { containers: [] },
  };
}

function controllerOf(pod: Pod): OwnerReference | undefined {
  return pod.metadata?.ownerReferences?.find((r) => r.controller === true);
}

function labelsOf(pod: Pod): Labels {
  return pod.metadata?.labels ?? {};
}

/**
 * One pass of the ReplicaSet controller, as a pure function of the ReplicaSet and the pods in its
 * namespace (Kubernetes' `syncReplicaSet` + `manageReplicas` + `calculateStatus`):
 * - pods controlled by the ReplicaSet that no longer match its selector are released; orphans that
 *   match are adopted (not while the ReplicaSet is being deleted);
 * - too few active pods → create the difference (at most `burst`); too many → delete the surplus in
 *   Kubernetes' preference order (unscheduled, pending, not ready, … newer first);
 * - status counts replicas, fully labelled, ready and available pods, and the observed generation.
 */
export function planReplicaSet(
  rs: ReplicaSet,
  podsInNamespace: readonly Pod[],
  options: ReplicaSetPlanOptions,
): ReplicaSetPlan {
  const uid = rs.metadata?.uid ?? '';
  const namespace = rs.metadata?.namespace ?? 'default';
  const name = rs.metadata?.name ?? '';
  const burst = options.burst ?? BURST_REPLICAS;
  const minReadySeconds = rs.spec?.minReadySeconds ?? 0;
  const deleting = !!rs.metadata?.deletionTimestamp;
  let selector: Selector;
  try {
    selector = selectorFromLabelSelector(rs.spec?.selector);
  } catch {
    // An invalid selector never passed validation; select nothing rather than everything.
    selector = selectorFromLabelSelector(undefined);
  }

  const actions: ReplicaSetAction[] = [];
  const owned: Pod[] = [];
  for (const pod of podsInNamespace) {
    const ref = controllerOf(pod);
    const matches = selector.matches(labelsOf(pod));
    if (ref?.uid === uid) {
      if (matches || deleting) owned.push(pod);
      else
        actions.push({
          type: 'releasePod',
          namespace,
          name: pod.metadata?.name ?? '',
          resourceVersion: pod.metadata?.resourceVersion ?? '',
          ownerUid: uid,
        });
    } else if (!ref && matches && !deleting && isPodActive(pod)) {
      actions.push({
        type: 'adoptPod',
        namespace,
        name: pod.metadata?.name ?? '',
        resourceVersion: pod.metadata?.resourceVersion ?? '',
        ownerReference: ownerReferenceFor(rs),
      });
      owned.push(pod);
    }
  }

  const active = owned.filter(isPodActive);
  const want = rs.spec?.replicas ?? 1;
  if (options.expectationsSatisfied !== false && !deleting) {
    const diff = active.length - want;
    if (diff < 0) {
      actions.push({ type: 'createPods', count: Math.min(-diff, burst), pod: podFromTemplate(rs) });
    } else if (diff > 0) {
      const perNode = new Map<string, number>();
      for (const p of active)
        if (p.spec?.nodeName) perNode.set(p.spec.nodeName, (perNode.get(p.spec.nodeName) ?? 0) + 1);
      const rank = (p: Pod) => (p.spec?.nodeName ? (perNode.get(p.spec.nodeName) ?? 0) : 0);
      const victims = [...active]
        .sort((a, b) => compareForDeletion(a, b, rank))
        .slice(0, Math.min(diff, burst));
      for (const p of victims) {
        actions.push({
          type: 'deletePod',
          namespace,
          name: p.metadata?.name ?? '',
          uid: p.metadata?.uid ?? '',
        });
      }
    }
  }

  // One pass over the active pods for every count (this runs for every pass over 10,000-pod sets).
  const templateLabels = Object.entries(rs.spec?.template?.metadata?.labels ?? {});
  let requeueAfter: number | undefined;
  let fullyLabeledReplicas = 0;
  let readyReplicas = 0;
  let availableReplicas = 0;
  for (const p of active) {
    const labels = labelsOf(p);
    if (templateLabels.every(([k, v]) => labels[k] === v)) fullyLabeledReplicas++;
    if (!isPodReady(p)) continue;
    readyReplicas++;
    const wait = msUntilAvailable(p, minReadySeconds, options.now);
    if (wait === 0) availableReplicas++;
    else if (wait !== undefined) requeueAfter = Math.min(requeueAfter ?? wait, wait);
  }
  const status: ReplicaSetStatus = {
    replicas: active.length,
    fullyLabeledReplicas,
    readyReplicas,
    availableReplicas,
    observedGeneration: rs.metadata?.generation ?? 0,
    ...(rs.status?.conditions?.length ? { conditions: rs.status.conditions } : {}),
  };
  if (!sameStatus(rs.status, status)) {
    actions.push({
      type: 'updateStatus',
      namespace,
      name,
      resourceVersion: rs.metadata?.resourceVersion ?? '',
      status,
    });
  }
  return requeueAfter === undefined ? { actions, status } : { actions, status, requeueAfter };
}

function sameStatus(a: ReplicaSetStatus | undefined, b: ReplicaSetStatus): boolean {
  if (!a) return false;
  return (
    (a.replicas ?? 0) === b.replicas &&
    (a.fullyLabeledReplicas ?? 0) === b.fullyLabeledReplicas &&
    (a.readyReplicas ?? 0) === b.readyReplicas &&
    (a.availableReplicas ?? 0) === b.availableReplicas &&
    (a.observedGeneration ?? 0) === b.observedGeneration
  );
}
