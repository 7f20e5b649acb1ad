/**
 * maxSurge / maxUnavailable arithmetic (Kubernetes' `intstr.GetScaledValueFromIntOrPercent` and
 * `deploymentutil.ResolveFenceposts`).
 */
import { invalid } from './errors.js';
import type { IntOrString } from './shapes.js';

const PERCENT = /^[0-9]+%$/;
const PERCENT_DETAIL =
  "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

/** Parses an IntOrString: `{ value, isPercent }`; throws `Invalid` naming `field` for anything else. */
export function parseIntOrPercent(value: IntOrString, field: string): { value: number; isPercent: boolean } {
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw invalid(field, value, 'must be an integer');
    if (value < 0) throw invalid(field, value, 'must be greater than or equal to 0');
    return { value, isPercent: false };
  }
  if (!PERCENT.test(value)) throw invalid(field, value, PERCENT_DETAIL);
  return { value: Number.parseInt(value.slice(0, -1), 10), isPercent: true };
}

/**
 * The absolute value of an IntOrString against `total`: integers as given, percentages of `total`
 * rounded up (`roundUp`, used for surge) or down (used for unavailability), computed in floating
 * point exactly as Go does (`value * total / 100`).
 */
export function scaledValue(value: IntOrString, total: number, roundUp: boolean, field = 'value'): number {
  const parsed = parseIntOrPercent(value, field);
  if (!parsed.isPercent) return parsed.value;
  const exact = (parsed.value * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** Resolved fenceposts of a rolling update. */
export interface Fenceposts {
  /** Pods allowed above `replicas` during the update. */
  readonly maxSurge: number;
  /** Pods allowed below `replicas` (counting availability) during the update. */
  readonly maxUnavailable: number;
}

/**
 * Resolves both fenceposts in one step: surge rounds up, unavailable rounds down, and when both come
 * out 0 unavailable becomes 1 "on the theory that surge might not work due to quota". For example
 * (Kubernetes' table): 2 desired, unavailable 1%, surge 0% → old −1, new +1, old −1, new +1.
 */
export function resolveFenceposts(
  maxSurge: IntOrString,
  maxUnavailable: IntOrString,
  desired: number,
): Fenceposts {
  const surge = scaledValue(maxSurge, desired, true, 'spec.strategy.rollingUpdate.maxSurge');
  let unavailable = scaledValue(maxUnavailable, desired, false, 'spec.strategy.rollingUpdate.maxUnavailable');
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { maxSurge: surge, maxUnavailable: unavailable };
}

/** Inputs of {@link newReplicaSetReplicas}. */
export interface NewReplicaSetReplicasInput {
  readonly strategy: 'RollingUpdate' | 'Recreate';
  /** The Deployment's `spec.replicas`. */
  readonly replicas: number;
  /** Resolved maxSurge (0 for Recreate). */
  readonly maxSurge: number;
  /** Σ spec.replicas over every ReplicaSet, the new one included. */
  readonly totalReplicas: number;
  /** The new ReplicaSet's spec.replicas. */
  readonly newReplicas: number;
}

/**
 * How big the new ReplicaSet may be now (`NewRSNewReplicas`). RollingUpdate: grow by what the surge
 * leaves (`replicas + maxSurge − total`), never beyond `replicas`, never shrink here. Recreate:
 * `replicas`.
 */
export function newReplicaSetReplicas(input: NewReplicaSetReplicasInput): number {
  if (input.strategy === 'Recreate') return input.replicas;
  const maxTotal = input.replicas + input.maxSurge;
  if (input.totalReplicas >= maxTotal) return input.newReplicas;
  const scaleUp = Math.min(maxTotal - input.totalReplicas, input.replicas - input.newReplicas);
  return input.newReplicas + scaleUp;
}
