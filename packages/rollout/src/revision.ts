/**
 * Revisions: the annotations the new ReplicaSet carries (`SetNewReplicaSetAnnotations`), the copy of
 * Deployment annotations onto it, and the revision history a re-used ReplicaSet accumulates.
 */
import {
  ANNOTATIONS_TO_SKIP,
  MAX_REVISION_HISTORY_CHARS,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
} from './constants.js';
import type { DeploymentView } from './spec.js';
import { setReplicasAnnotations } from './working.js';

/** Copies the Deployment's annotations (except Kubernetes' skip list) into `annotations`. */
export function copyDeploymentAnnotations(
  deploymentAnnotations: Readonly<Record<string, string>>,
  annotations: Record<string, string>,
): boolean {
  let changed = false;
  for (const key of Object.keys(deploymentAnnotations)) {
    const value = deploymentAnnotations[key]!;
    if (ANNOTATIONS_TO_SKIP.has(key) || annotations[key] === value) continue;
    annotations[key] = value;
    changed = true;
  }
  return changed;
}

/**
 * Appends `oldRevision` to a comma-separated history, dropping the oldest entries while the result
 * would exceed `limit` characters; `undefined` when even `oldRevision` alone does not fit.
 */
export function appendRevisionHistory(
  history: string | undefined,
  oldRevision: string,
  limit = MAX_REVISION_HISTORY_CHARS,
): string | undefined {
  if (history === undefined || history === '') return oldRevision;
  const revisions = history.split(',');
  let total = history.length + oldRevision.length + 1;
  let start = 0;
  while (total > limit && start < revisions.length) {
    total -= revisions[start]!.length + 1;
    start++;
  }
  if (total > limit) return undefined;
  return [...revisions.slice(start), oldRevision].join(',');
}

const INTEGER = /^[+-]?\d+$/;

/**
 * Brings the new ReplicaSet's `annotations` up to date in place and reports whether they changed:
 * Deployment annotations copied; revision raised to `newRevision` when lower (a re-used ReplicaSet
 * then records its former revision in `revision-history`); when `exists` is false (about to be
 * created), desired/max replicas too.
 */
export function setNewReplicaSetAnnotations(
  d: DeploymentView,
  annotations: Record<string, string>,
  newRevision: number,
  exists: boolean,
): boolean {
  let changed = copyDeploymentAnnotations(d.annotations, annotations);
  const oldRevision = annotations[REVISION_ANNOTATION];
  let oldRevisionNumber = 0;
  if (oldRevision !== undefined && oldRevision !== '') {
    // An unparsable revision is left alone, as Kubernetes does (it logs and skips).
    if (!INTEGER.test(oldRevision)) return changed;
    oldRevisionNumber = Number.parseInt(oldRevision, 10);
  }
  if (oldRevisionNumber < newRevision) {
    annotations[REVISION_ANNOTATION] = String(newRevision);
    changed = true;
    if (oldRevision !== undefined) {
      const history = appendRevisionHistory(annotations[REVISION_HISTORY_ANNOTATION], oldRevision);
      if (history !== undefined) annotations[REVISION_HISTORY_ANNOTATION] = history;
    }
  }
  if (!exists && setReplicasAnnotations(annotations, d.replicas, d.replicas + d.maxSurge)) changed = true;
  return changed;
}
