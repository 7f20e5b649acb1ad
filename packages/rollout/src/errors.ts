/**
 * Errors the planner reports instead of guessing: bad input (with the field path and Kubernetes'
 * validation wording) and rollbacks that cannot be done (with kubectl's wording).
 */

/** Why a rollout function refused its input. */
export type RolloutErrorReason =
  /** A field of the Deployment breaks a rule Kubernetes' validation enforces. */
  | 'Invalid'
  /** `rollbackTo` was asked for a revision no kept ReplicaSet carries. */
  | 'RevisionNotFound'
  /** `rollbackTo` was asked for the previous revision, and there is none. */
  | 'NoRolloutHistory'
  /** `rollbackTo` on a paused Deployment (kubectl refuses it too). */
  | 'DeploymentPaused';

export class RolloutError extends Error {
  override readonly name = 'RolloutError';
  readonly reason: RolloutErrorReason;
  /** The offending field (`spec.strategy.rollingUpdate.maxSurge`), for `Invalid`. */
  readonly field: string | undefined;

  constructor(reason: RolloutErrorReason, message: string, field?: string) {
    super(message);
    this.reason = reason;
    this.field = field;
  }
}

const REASONS: ReadonlySet<string> = new Set<RolloutErrorReason>([
  'Invalid',
  'RevisionNotFound',
  'NoRolloutHistory',
  'DeploymentPaused',
]);

/** True for a `RolloutError`, also across realms or bundle copies (checks `name` and `reason`). */
export function isRolloutError(e: unknown, reason?: RolloutErrorReason): e is RolloutError {
  if (typeof e !== 'object' || e === null) return false;
  const candidate = e as { name?: unknown; reason?: unknown };
  if (candidate.name !== 'RolloutError' || typeof candidate.reason !== 'string') return false;
  if (!REASONS.has(candidate.reason)) return false;
  return reason === undefined || candidate.reason === reason;
}

/** `field: Invalid value: <value>: detail`, the shape of Kubernetes' `field.Invalid` message. */
export function invalid(field: string, value: unknown, detail: string): RolloutError {
  return new RolloutError('Invalid', `${field}: Invalid value: ${JSON.stringify(value)}: ${detail}`, field);
}
