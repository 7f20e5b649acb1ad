/**
 * The Deployment's new ReplicaSet (`getNewReplicaSet`): bringing an existing one's revision and
 * minReadySeconds up to date, or building the one to create — named `<deployment>-<hash>`, labelled
 * and selected by `pod-template-hash`, owned by the Deployment, sized by `newReplicaSetReplicas`.
 */
import {
  DEPLOYMENT_PROGRESSING,
  POD_TEMPLATE_HASH_LABEL,
  REVISION_ANNOTATION,
  Reasons,
} from './constants.js';
import { newReplicaSetReplicas } from './fenceposts.js';
import { computeHash } from './hash.js';
import { getCondition, hasProgressDeadline, newCondition, setCondition } from './progress.js';
import { maxRevision, nameOf } from './replicasets.js';
import { setNewReplicaSetAnnotations } from './revision.js';
import type { ReplicaSet } from './shapes.js';
import { allPlanned, type PlanState } from './state.js';
import { planned } from './working.js';

function oldMaxRevision(state: PlanState): number {
  return maxRevision(state.oldRSs.map((rs) => rs.observed));
}

/**
 * Existing new ReplicaSet: revision raised to max(old) + 1 if lower (re-used templates collect
 * `revision-history`), Deployment annotations copied, minReadySeconds synced; the Deployment records
 * its revision, and a first Progressing condition (FoundNewReplicaSet) when it has none.
 */
export function syncNewReplicaSet(state: PlanState): void {
  const rs = state.newRS;
  if (rs === undefined) return;
  setNewReplicaSetAnnotations(state.d, rs.annotations, oldMaxRevision(state) + 1, true);
  rs.minReadySeconds = state.d.minReadySeconds;
  state.deploymentRevision = rs.annotations[REVISION_ANNOTATION];
  if (hasProgressDeadline(state.d) && getCondition(state.base, DEPLOYMENT_PROGRESSING) === undefined) {
    state.base = setCondition(
      state.base,
      newCondition(
        DEPLOYMENT_PROGRESSING,
        'True',
        Reasons.FoundNewReplicaSet,
        `Found new replica set "${nameOf(rs.observed)}"`,
        state.now,
      ),
    );
  }
}

/**
 * Plans the creation of the new ReplicaSet. Returns false on a hash collision — an owned ReplicaSet
 * already has the name with another template — after bumping `collisionCount` in the working status,
 * as Kubernetes does, so the next step computes a different name.
 */
export function createNewReplicaSet(state: PlanState): boolean {
  const { d } = state;
  const hash = computeHash(d.template, state.base.collisionCount);
  const name = `${d.name}-${hash}`;
  if (state.oldRSs.some((rs) => nameOf(rs.observed) === name)) {
    state.base = { ...state.base, collisionCount: (state.base.collisionCount ?? 0) + 1 };
    return false;
  }
  const labels = { ...(d.template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
  const replicas = newReplicaSetReplicas({
    strategy: d.strategy,
    replicas: d.replicas,
    maxSurge: d.maxSurge,
    totalReplicas: allPlanned(state).reduce((sum, each) => sum + each.replicas, 0),
    newReplicas: 0,
  });
  const replicaSet: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name,
      ...(d.namespace !== '' ? { namespace: d.namespace } : {}),
      labels,
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: d.name,
          uid: d.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      replicas,
      ...(d.minReadySeconds > 0 ? { minReadySeconds: d.minReadySeconds } : {}),
      selector: {
        ...d.selector,
        matchLabels: { ...(d.selector.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash },
      },
      template: { ...d.template, metadata: { ...(d.template.metadata ?? {}), labels } },
    },
  };
  const rs = planned(replicaSet, true);
  state.newRS = rs;
  const revision = oldMaxRevision(state) + 1;
  setNewReplicaSetAnnotations(d, rs.annotations, revision, false);
  state.deploymentRevision = String(revision);
  if (hasProgressDeadline(d)) {
    state.base = setCondition(
      state.base,
      newCondition(
        DEPLOYMENT_PROGRESSING,
        'True',
        Reasons.NewReplicaSetCreated,
        `Created new replica set "${name}"`,
        state.now,
      ),
    );
  }
  return true;
}
