/**
 * ReplicaSet helpers of `deploymentutil` and `controller`: reading counts with API defaults, finding a
 * Deployment's new and old ReplicaSets, the orderings the algorithm relies on, and revisions.
 */
import { isDeeplyFrozen } from '@flotilla/api';
import { POD_TEMPLATE_HASH_LABEL, REVISION_ANNOTATION } from './constants.js';
import type { PodTemplateSpec, ReplicaSet } from './shapes.js';
import { parseTime } from './time.js';

/** `spec.replicas`, with the API default of 1 when absent. */
export function specReplicas(rs: ReplicaSet): number {
  return rs.spec?.replicas ?? 1;
}

export function statusReplicas(rs: ReplicaSet): number {
  return rs.status?.replicas ?? 0;
}

export function readyReplicas(rs: ReplicaSet): number {
  return rs.status?.readyReplicas ?? 0;
}

export function availableReplicas(rs: ReplicaSet): number {
  return rs.status?.availableReplicas ?? 0;
}

export function nameOf(rs: ReplicaSet): string {
  return rs.metadata?.name ?? '';
}

/** Σ spec.replicas (Kubernetes' `GetReplicaCountForReplicaSets`). */
export function sumSpecReplicas(replicaSets: readonly ReplicaSet[]): number {
  return replicaSets.reduce((sum, rs) => sum + specReplicas(rs), 0);
}

/** Σ status.replicas (`GetActualReplicaCountForReplicaSets`). */
export function sumStatusReplicas(replicaSets: readonly ReplicaSet[]): number {
  return replicaSets.reduce((sum, rs) => sum + statusReplicas(rs), 0);
}

export function sumReadyReplicas(replicaSets: readonly ReplicaSet[]): number {
  return replicaSets.reduce((sum, rs) => sum + readyReplicas(rs), 0);
}

export function sumAvailableReplicas(replicaSets: readonly ReplicaSet[]): number {
  return replicaSets.reduce((sum, rs) => sum + availableReplicas(rs), 0);
}

/** ReplicaSets with spec.replicas > 0 (`controller.FilterActiveReplicaSets`). */
export function filterActive<T extends ReplicaSet>(replicaSets: readonly T[]): T[] {
  return replicaSets.filter((rs) => specReplicas(rs) > 0);
}

/**
 * The revision annotation as a number: 0 when absent, `undefined` when it is not an integer (such
 * ReplicaSets are skipped when computing revisions, as in Kubernetes).
 */
export function revisionOf(rs: {
  metadata?: { annotations?: { [key: string]: string } };
}): number | undefined {
  const text = rs.metadata?.annotations?.[REVISION_ANNOTATION];
  if (text === undefined) return 0;
  return /^[+-]?\d+$/.test(text) ? Number.parseInt(text, 10) : undefined;
}

/** The highest parsable revision among the ReplicaSets, 0 for none (`MaxRevision`). */
export function maxRevision(replicaSets: readonly ReplicaSet[]): number {
  let max = 0;
  for (const rs of replicaSets) {
    const revision = revisionOf(rs);
    if (revision !== undefined && revision > max) max = revision;
  }
  return max;
}

/** Creation times of frozen ReplicaSets (informer objects): sorting parses each timestamp once. */
const creationTimes = new WeakMap<ReplicaSet, number>();

function creationTime(rs: ReplicaSet): number {
  const known = creationTimes.get(rs);
  if (known !== undefined) return known;
  const time = parseTime(rs.metadata?.creationTimestamp) ?? Number.NEGATIVE_INFINITY;
  if (Object.isFrozen(rs) && Object.isFrozen(rs.metadata)) creationTimes.set(rs, time);
  return time;
}

/** Oldest first, then by name (`controller.ReplicaSetsByCreationTimestamp`). */
export function byCreationTimestamp(a: ReplicaSet, b: ReplicaSet): number {
  const ta = creationTime(a);
  const tb = creationTime(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  const na = nameOf(a);
  const nb = nameOf(b);
  return na < nb ? -1 : na > nb ? 1 : 0;
}

/** Lowest revision first; equal or unparsable revisions by creation time (`ReplicaSetsByRevision`). */
export function byRevision(a: ReplicaSet, b: ReplicaSet): number {
  const ra = revisionOf(a);
  const rb = revisionOf(b);
  if (ra === undefined || rb === undefined || ra === rb) return byCreationTimestamp(a, b);
  return ra - rb;
}

/** Larger spec.replicas first; ties newest first (`ReplicaSetsBySizeNewer`, used to scale up). */
export function bySizeNewer(a: ReplicaSet, b: ReplicaSet): number {
  const diff = specReplicas(b) - specReplicas(a);
  return diff !== 0 ? diff : byCreationTimestamp(b, a);
}

/** Larger spec.replicas first; ties oldest first (`ReplicaSetsBySizeOlder`, used to scale down). */
export function bySizeOlder(a: ReplicaSet, b: ReplicaSet): number {
  const diff = specReplicas(b) - specReplicas(a);
  return diff !== 0 ? diff : byCreationTimestamp(a, b);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isEmptyContainer(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  return isPlainObject(value) && Object.keys(value).every((k) => value[k] === undefined);
}

/**
 * apimachinery's `equality.Semantic.DeepEqual` on JSON values: like deep equality, except that an
 * absent (or null) map or list equals an empty one, as nil equals empty in Go.
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isEmptyContainer(a) && isEmptyContainer(b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, i) => semanticEqual(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const key of keys) if (!semanticEqual(a[key], b[key])) return false;
    return true;
  }
  return false;
}

function withoutHashLabel(template: PodTemplateSpec | undefined): PodTemplateSpec {
  const metadata = template?.metadata ?? {};
  const labels = { ...(metadata.labels ?? {}) };
  delete labels[POD_TEMPLATE_HASH_LABEL];
  return { ...template, metadata: { ...metadata, labels } };
}

/**
 * Verdicts of `equalIgnoreHash` for pairs of deeply frozen templates. Informer objects are frozen and
 * keep an unchanged template object from version to version, so a Deployment's every reconcile asks
 * again about the same pairs: each is compared once.
 */
const sameTemplates = new WeakMap<PodTemplateSpec, WeakMap<PodTemplateSpec, boolean>>();

/** Two pod templates are equal once each has lost its `pod-template-hash` label (`EqualIgnoreHash`). */
export function equalIgnoreHash(a: PodTemplateSpec | undefined, b: PodTemplateSpec | undefined): boolean {
  if (a === undefined || b === undefined || !isDeeplyFrozen(a) || !isDeeplyFrozen(b))
    return semanticEqual(withoutHashLabel(a), withoutHashLabel(b));
  let verdicts = sameTemplates.get(a);
  const known = verdicts?.get(b);
  if (known !== undefined) return known;
  const equal = semanticEqual(withoutHashLabel(a), withoutHashLabel(b));
  if (verdicts === undefined) {
    verdicts = new WeakMap();
    sameTemplates.set(a, verdicts);
  }
  verdicts.set(b, equal);
  return equal;
}

/**
 * The ReplicaSet whose template equals the Deployment's (ignoring the hash label); when several do
 * (possible after upgrades), deterministically the oldest (`FindNewReplicaSet`).
 */
export function findNewReplicaSet<T extends ReplicaSet>(
  template: PodTemplateSpec,
  replicaSets: readonly T[],
): T | undefined {
  return [...replicaSets]
    .sort(byCreationTimestamp)
    .find((rs) => equalIgnoreHash(rs.spec?.template, template));
}

/** Every ReplicaSet but the new one, in the given order (`FindOldReplicaSets`' second result). */
export function findOldReplicaSets<T extends ReplicaSet>(
  newRS: T | undefined,
  replicaSets: readonly T[],
): T[] {
  return replicaSets.filter((rs) => rs !== newRS);
}
