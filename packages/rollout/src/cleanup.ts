/**
 * History cleanup (`cleanupDeployment`): keep `revisionHistoryLimit` old ReplicaSets; delete the
 * lowest revisions beyond it — only those fully scaled down (spec and status 0), observed by their
 * controller at their latest generation, and not already being deleted.
 */
import { byRevision, nameOf, specReplicas, statusReplicas } from './replicasets.js';
import type { PlanState } from './state.js';

export function cleanupDeployment(state: PlanState): void {
  const alive = state.oldRSs.filter((rs) => rs.observed.metadata?.deletionTimestamp === undefined);
  const excess = alive.length - state.d.revisionHistoryLimit;
  if (excess <= 0) return;
  const oldestFirst = [...alive].sort((a, b) => byRevision(a.observed, b.observed));
  for (const rs of oldestFirst.slice(0, excess)) {
    const { observed } = rs;
    const generation = observed.metadata?.generation ?? 0;
    const observedGeneration = observed.status?.observedGeneration ?? 0;
    if (statusReplicas(observed) !== 0 || specReplicas(observed) !== 0 || generation > observedGeneration)
      continue;
    // Never delete what this step also resizes (only possible when scaling a paused Deployment).
    if (rs.replicas !== 0) continue;
    state.deletes.push({
      type: 'deleteReplicaSet',
      namespace: state.d.namespace,
      name: nameOf(observed),
      preconditions: {
        uid: observed.metadata?.uid ?? '',
        resourceVersion: observed.metadata?.resourceVersion ?? '',
      },
    });
  }
}
