/**
 * `planRollout`: one bounded step of Kubernetes' Deployment sync loop as a pure function. It reads
 * the Deployment and the ReplicaSets it owns and returns the writes for this step, the status, and
 * when to look again. The dispatch follows `syncDeployment`:
 *
 * 1. selector matching everything → only record `observedGeneration`;
 * 2. being deleted → status only;
 * 3. paused → resize only (proportionally), clean up history, status without progress estimation;
 * 4. Flotilla's auto-rollback, when opted in and the rollout exceeded its deadline → `rollbackTemplate`;
 * 5. a resize (desired-replicas annotation differs) → proportional scaling, status;
 * 6. otherwise the strategy step (`rolling.ts`, `recreate.ts`) and the rollout status.
 *
 * Guarantees: the same input gives the same plan; each object is written at most once per plan; a
 * state that needs nothing gives no actions.
 */
import type { PlanOptions, RolloutAction, RolloutPlan } from './actions.js';
import { cleanupDeployment } from './cleanup.js';
import { REVISION_ANNOTATION } from './constants.js';
import { syncNewReplicaSet } from './newreplicaset.js';
import { checkPausedConditions, deadlineRequeueAfter } from './progress.js';
import { rolloutRecreate } from './recreate.js';
import { autoRollback } from './rollback.js';
import { rolloutRolling } from './rolling.js';
import { isScalingEvent, scaleProportionally } from './scale.js';
import type { Deployment, DeploymentStatus, ReplicaSet } from './shapes.js';
import { type DeploymentView, readDeployment } from './spec.js';
import { allObserved, allPlanned, createState, type PlanState } from './state.js';
import { calculateStatus, rolloutStatus, statusEquals } from './status.js';
import { replicaSetAction } from './working.js';

/**
 * The next step for `deployment` given the ReplicaSets it owns (controller reference to it; the
 * shell adopts and releases). Throws `RolloutError('Invalid')` for a Deployment that validation
 * would reject.
 */
export function planRollout(
  deployment: Deployment,
  replicaSets: readonly ReplicaSet[],
  options: PlanOptions,
): RolloutPlan {
  const d = readDeployment(deployment);
  const observed = deployment.status ?? {};
  if (d.compiledSelector.isEmpty()) {
    // Kubernetes refuses to manage pods through an empty selector; it only records the generation.
    const status =
      (observed.observedGeneration ?? 0) < d.generation
        ? { ...observed, observedGeneration: d.generation }
        : observed;
    return finish(d, undefined, status);
  }

  const state = createState(d, replicaSets, options.now);
  syncNewReplicaSet(state);
  if (d.deleting) return finishWithStatus(state, calculateStatus);

  state.base = checkPausedConditions(d, state.base, state.now);
  if (d.paused) {
    scaleProportionally(state);
    cleanupDeployment(state);
    return finishWithStatus(state, calculateStatus);
  }

  const rollback = autoRollback(state);
  if (rollback !== undefined) return { actions: [rollback], status: observed };

  if (isScalingEvent(state)) {
    scaleProportionally(state);
    return finishWithStatus(state, calculateStatus);
  }

  const proceeded = d.strategy === 'Recreate' ? rolloutRecreate(state) : rolloutRolling(state);
  if (!proceeded) {
    // Hash collision: record the bumped collisionCount (and amended conditions) and try again.
    return finish(d, state, state.base);
  }
  const plan = finishWithStatus(state, rolloutStatus);
  const requeueAfter = deadlineRequeueAfter(d, plan.status, state.now);
  return requeueAfter === undefined ? plan : { ...plan, requeueAfter };
}

type StatusFn = (
  d: DeploymentView,
  allRSs: readonly ReplicaSet[],
  newRS: ReplicaSet | undefined,
  base: DeploymentStatus,
  now: number,
) => DeploymentStatus;

function finishWithStatus(state: PlanState, compute: StatusFn): RolloutPlan {
  const status = compute(state.d, allObserved(state), state.newRS?.observed, state.base, state.now);
  return finish(state.d, state, status);
}

/** Turns the working copies into actions (one per changed object) and appends the status write. */
function finish(d: DeploymentView, state: PlanState | undefined, status: DeploymentStatus): RolloutPlan {
  const actions: RolloutAction[] = [];
  if (state !== undefined) {
    const ordered = allPlanned(state);
    // The new ReplicaSet first (a create must precede everything), then old ones oldest first.
    if (state.newRS !== undefined) ordered.unshift(ordered.pop()!);
    for (const rs of ordered) {
      const action = replicaSetAction(rs, d.namespace);
      if (action !== undefined) actions.push(action);
    }
    actions.push(...state.deletes);
  }
  const revision = state?.deploymentRevision;
  const revisionChanged = revision !== undefined && d.annotations[REVISION_ANNOTATION] !== revision;
  if (!statusEquals(d.object.status, status) || revisionChanged) {
    actions.push({
      type: 'updateDeploymentStatus',
      namespace: d.namespace,
      name: d.name,
      resourceVersion: d.resourceVersion,
      status,
      ...(revisionChanged ? { annotations: { [REVISION_ANNOTATION]: revision } } : {}),
    });
  }
  return { actions, status };
}
