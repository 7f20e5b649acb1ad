/**
 * Rolling back. `rollbackTo` is what `kubectl rollout undo [--to-revision=N]` does client-side: put
 * the template of a kept revision back into the Deployment (its hash label removed) together with
 * that ReplicaSet's annotations; the controller then finds the old ReplicaSet as its new one, gives
 * it the next revision and scales it up. `autoRollback` is Flotilla's opt-in circuit breaker.
 */
import type { RollbackTemplateAction } from './actions.js';
import {
  ANNOTATIONS_TO_SKIP,
  AUTO_ROLLBACK_ANNOTATION,
  DEPLOYMENT_PROGRESSING,
  POD_TEMPLATE_HASH_LABEL,
  REVISION_HISTORY_ANNOTATION,
  Reasons,
} from './constants.js';
import { RolloutError } from './errors.js';
import { getCondition, hasProgressDeadline } from './progress.js';
import { availableReplicas, equalIgnoreHash, nameOf, revisionOf } from './replicasets.js';
import type { Deployment, PodTemplateSpec, ReplicaSet } from './shapes.js';
import type { PlanState } from './state.js';

export interface RollbackResult {
  /** The Deployment to write (unchanged when `skipped`). */
  readonly deployment: Deployment;
  /** The revision rolled back to. */
  readonly revision: number;
  /** True when the template already equals that revision's: nothing to write. */
  readonly skipped: boolean;
  /** kubectl's words: `rolled back`, or `skipped rollback (current template already matches revision N)`. */
  readonly message: string;
}

/** The ReplicaSet of `toRevision`, or of the previous revision (the second highest) when 0. */
function replicaSetForRevision(
  deployment: Deployment,
  replicaSets: readonly ReplicaSet[],
  toRevision: number,
) {
  let latest: ReplicaSet | undefined;
  let latestRevision = -1;
  let previous: ReplicaSet | undefined;
  let previousRevision = -1;
  for (const rs of replicaSets) {
    const revision = revisionOf(rs);
    if (revision === undefined) continue;
    if (toRevision > 0) {
      if (revision === toRevision) return rs;
      continue;
    }
    if (latestRevision < revision) {
      previous = latest;
      previousRevision = latestRevision;
      latest = rs;
      latestRevision = revision;
    } else if (previousRevision < revision) {
      previous = rs;
      previousRevision = revision;
    }
  }
  if (toRevision > 0) {
    throw new RolloutError('RevisionNotFound', `unable to find specified revision ${toRevision} in history`);
  }
  if (previous === undefined) {
    throw new RolloutError(
      'NoRolloutHistory',
      `no rollout history found for deployment "${deployment.metadata?.name ?? ''}"`,
    );
  }
  return previous;
}

function templateWithoutHash(template: PodTemplateSpec | undefined): PodTemplateSpec {
  const metadata = { ...(template?.metadata ?? {}) };
  const labels = { ...(metadata.labels ?? {}) };
  delete labels[POD_TEMPLATE_HASH_LABEL];
  if (Object.keys(labels).length > 0) metadata.labels = labels;
  else delete metadata.labels;
  return { ...template, metadata };
}

/**
 * The Deployment rolled back to `toRevision` (0: the previous revision) among the given (owned)
 * ReplicaSets: template replaced, annotations set to that ReplicaSet's (Kubernetes' skip list and
 * `flotilla.dev/auto-rollback` kept from the Deployment). Throws `RolloutError` with reason
 * `RevisionNotFound`, `NoRolloutHistory` or `DeploymentPaused`.
 */
export function rollbackTo(
  deployment: Deployment,
  replicaSets: readonly ReplicaSet[],
  toRevision = 0,
): RollbackResult {
  const name = deployment.metadata?.name ?? '';
  if (deployment.spec?.paused === true) {
    throw new RolloutError(
      'DeploymentPaused',
      `you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume deployment/${name}' and try again`,
    );
  }
  if (!Number.isInteger(toRevision) || toRevision < 0) {
    throw new RolloutError(
      'Invalid',
      `revision: Invalid value: ${toRevision}: must be a non-negative integer`,
      'revision',
    );
  }
  const rs = replicaSetForRevision(deployment, replicaSets, toRevision);
  const revision = revisionOf(rs) ?? 0;
  if (equalIgnoreHash(rs.spec?.template, deployment.spec?.template)) {
    return {
      deployment,
      revision,
      skipped: true,
      message: `skipped rollback (current template already matches revision ${revision})`,
    };
  }
  const current = deployment.metadata?.annotations ?? {};
  const annotations: Record<string, string> = {};
  for (const key of Object.keys(current)) {
    if (ANNOTATIONS_TO_SKIP.has(key) || key === AUTO_ROLLBACK_ANNOTATION) annotations[key] = current[key]!;
  }
  const fromReplicaSet = rs.metadata?.annotations ?? {};
  for (const key of Object.keys(fromReplicaSet)) {
    if (!ANNOTATIONS_TO_SKIP.has(key) && key !== AUTO_ROLLBACK_ANNOTATION)
      annotations[key] = fromReplicaSet[key]!;
  }
  const spec = deployment.spec!;
  return {
    deployment: {
      ...deployment,
      metadata: { ...deployment.metadata, annotations },
      spec: { ...spec, template: templateWithoutHash(rs.spec?.template) },
    },
    revision,
    skipped: false,
    message: 'rolled back',
  };
}

/** True when the Deployment opted into automatic rollback. */
export function autoRollbackEnabled(deployment: Deployment): boolean {
  return deployment.metadata?.annotations?.[AUTO_ROLLBACK_ANNOTATION] === 'true';
}

/**
 * Flotilla's circuit breaker (Kubernetes only reports a stuck rollout; ECS and Swarm act on it). With
 * `flotilla.dev/auto-rollback: "true"`, once the observed status says the current new ReplicaSet
 * exceeded its progress deadline (`Progressing=False`, ProgressDeadlineExceeded, for the latest
 * generation), roll the template back to the newest old revision that still has available pods —
 * else the previous revision. It never fires for a ReplicaSet that is itself a return to an older
 * template (it carries `revision-history`), so two failing revisions cannot ping-pong.
 */
export function autoRollback(state: PlanState): RollbackTemplateAction | undefined {
  const { d } = state;
  const newRS = state.newRS;
  if (!autoRollbackEnabled(d.object) || d.paused || d.deleting || !hasProgressDeadline(d)) return undefined;
  if (newRS === undefined || newRS.create) return undefined;
  const observed = d.object.status ?? {};
  if ((observed.observedGeneration ?? 0) < d.generation) return undefined;
  const condition = getCondition(observed, DEPLOYMENT_PROGRESSING);
  if (condition?.status !== 'False' || condition.reason !== Reasons.ProgressDeadlineExceeded)
    return undefined;
  if (condition.message !== `ReplicaSet "${nameOf(newRS.observed)}" has timed out progressing.`)
    return undefined;
  if (newRS.observed.metadata?.annotations?.[REVISION_HISTORY_ANNOTATION] !== undefined) return undefined;
  const fromRevision = revisionOf(newRS.observed);
  if (fromRevision === undefined) return undefined;

  const candidates = state.oldRSs
    .map((rs) => ({ rs: rs.observed, revision: revisionOf(rs.observed) ?? 0 }))
    .filter((c) => c.revision > 0)
    .sort((a, b) => b.revision - a.revision);
  if (candidates.length === 0 || candidates[0]!.revision >= fromRevision) return undefined;
  const target = candidates.find((c) => availableReplicas(c.rs) > 0) ?? candidates[0]!;

  const all = [...state.oldRSs.map((rs) => rs.observed), newRS.observed];
  const result = rollbackTo(d.object, all, target.revision);
  if (result.skipped) return undefined;
  return {
    type: 'rollbackTemplate',
    namespace: d.namespace,
    name: d.name,
    resourceVersion: d.resourceVersion,
    fromRevision,
    toRevision: target.revision,
    template: result.deployment.spec!.template,
    annotations: result.deployment.metadata?.annotations ?? {},
    message: `Rolled back from revision ${fromRevision} to revision ${target.revision}: ${condition.message}`,
  };
}
