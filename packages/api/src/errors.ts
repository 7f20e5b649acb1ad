import { CAUSE_REASON, type FieldError, formatFieldErrors } from './field-errors.js';

/** Kubernetes' `metav1.StatusReason` values that Flotilla produces, with their HTTP codes. */
export const STATUS_CODES = {
  BadRequest: 400,
  Unauthorized: 401,
  Forbidden: 403,
  NotFound: 404,
  MethodNotAllowed: 405,
  NotAcceptable: 406,
  AlreadyExists: 409,
  Conflict: 409,
  Gone: 410,
  RequestEntityTooLarge: 413,
  UnsupportedMediaType: 415,
  Invalid: 422,
  TooManyRequests: 429,
  InternalError: 500,
  ServiceUnavailable: 503,
  Timeout: 504,
} as const;

export type StatusReason = keyof typeof STATUS_CODES;

/** A `metav1.StatusCause`. */
export interface StatusCause {
  readonly reason: string;
  readonly message: string;
  readonly field?: string;
}

/** A `metav1.StatusDetails`. */
export interface StatusDetails {
  readonly name?: string;
  readonly group?: string;
  readonly kind?: string;
  readonly uid?: string;
  readonly causes?: readonly StatusCause[];
  readonly retryAfterSeconds?: number;
}

/** The `v1 Status` object an API server returns for a failure. */
export interface Status {
  readonly apiVersion: 'v1';
  readonly kind: 'Status';
  readonly metadata: Record<string, never>;
  readonly status: 'Failure';
  readonly message: string;
  readonly reason: StatusReason;
  readonly details?: StatusDetails;
  readonly code: number;
}

/** Identifies a resource in messages: `deployments.apps` / `pods`, or `Deployment.apps` / `Pod`. */
export interface GroupResource {
  readonly group: string;
  readonly resource: string;
}

export interface GroupKind {
  readonly group: string;
  readonly kind: string;
}

const qualify = (name: string, group: string) => (group ? `${name}.${group}` : name);

/**
 * The one error type that crosses package boundaries: a Kubernetes Status reason, its HTTP code,
 * a message in Kubernetes' wording and structured details (field causes for Invalid).
 * Check it with the guards (`isNotFound(e)`, …), which look at `name` and `reason` and so also work
 * across package copies and after a round trip through JSON.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly code: number;

  constructor(
    readonly reason: StatusReason,
    message: string,
    readonly details: StatusDetails = {},
  ) {
    super(message);
    this.code = STATUS_CODES[reason];
  }

  toStatus(): Status {
    const status: Status = {
      apiVersion: 'v1',
      kind: 'Status',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    return Object.keys(this.details).length ? { ...status, details: this.details } : status;
  }

  /** Rebuilds an ApiError from a Status body (unknown reasons become InternalError, keeping the message). */
  static fromStatus(status: {
    readonly message?: string;
    readonly reason?: string;
    readonly code?: number;
    readonly details?: StatusDetails;
  }): ApiError {
    const reason =
      status.reason && status.reason in STATUS_CODES
        ? (status.reason as StatusReason)
        : reasonForCode(status.code ?? 500);
    return new ApiError(reason, status.message ?? reason, status.details ?? {});
  }

  static badRequest(message: string): ApiError {
    return new ApiError('BadRequest', message);
  }

  static notFound(gr: GroupResource, name: string): ApiError {
    return new ApiError('NotFound', `${qualify(gr.resource, gr.group)} "${name}" not found`, {
      name,
      group: gr.group,
      kind: gr.resource,
    });
  }

  static alreadyExists(gr: GroupResource, name: string): ApiError {
    return new ApiError('AlreadyExists', `${qualify(gr.resource, gr.group)} "${name}" already exists`, {
      name,
      group: gr.group,
      kind: gr.resource,
    });
  }

  static conflict(
    gr: GroupResource,
    name: string,
    why = 'the object has been modified; please apply your changes to the latest version and try again',
  ): ApiError {
    return new ApiError(
      'Conflict',
      `Operation cannot be fulfilled on ${qualify(gr.resource, gr.group)} "${name}": ${why}`,
      {
        name,
        group: gr.group,
        kind: gr.resource,
      },
    );
  }

  /** 410 Gone for a watch or read at a compacted revision: `too old resource version: 5 (10)`. */
  static gone(requested: number | string, oldest?: number | string): ApiError {
    const suffix = oldest === undefined ? '' : ` (${oldest})`;
    return new ApiError('Gone', `too old resource version: ${requested}${suffix}`);
  }

  /** 422 with every field error as a cause: `Deployment.apps "web" is invalid: spec.replicas: …`. */
  static invalid(gk: GroupKind, name: string, errors: readonly FieldError[]): ApiError {
    const causes = errors.map((e) => ({
      reason: CAUSE_REASON[e.type],
      message: messageOfCause(e),
      field: e.field,
    }));
    return new ApiError(
      'Invalid',
      `${qualify(gk.kind, gk.group)} "${name}" is invalid: ${formatFieldErrors(errors)}`,
      {
        name,
        group: gk.group,
        kind: gk.kind,
        causes,
      },
    );
  }

  static forbidden(gr: GroupResource, name: string, why: string): ApiError {
    return new ApiError('Forbidden', `${qualify(gr.resource, gr.group)} "${name}" is forbidden: ${why}`, {
      name,
      group: gr.group,
      kind: gr.resource,
    });
  }

  static tooManyRequests(message: string, retryAfterSeconds: number): ApiError {
    return new ApiError('TooManyRequests', message, { retryAfterSeconds });
  }

  static internal(message: string): ApiError {
    return new ApiError('InternalError', `Internal error occurred: ${message}`);
  }
}

function messageOfCause(e: FieldError): string {
  const text = formatFieldErrors([e]);
  const prefix = `${e.field}: `;
  return e.field && text.startsWith(prefix) ? text.slice(prefix.length) : text;
}

function reasonForCode(code: number): StatusReason {
  const match = (Object.entries(STATUS_CODES) as [StatusReason, number][]).find(([, c]) => c === code);
  return match ? match[0] : 'InternalError';
}

/** True for an ApiError (or its JSON/structured clone) of the given reason. */
export function hasReason(error: unknown, reason: StatusReason): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { name?: unknown }).name === 'ApiError' &&
    (error as { reason?: unknown }).reason === reason
  );
}

export const isApiError = (e: unknown): e is ApiError =>
  typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'ApiError';
export const isNotFound = (e: unknown): e is ApiError => hasReason(e, 'NotFound');
export const isAlreadyExists = (e: unknown): e is ApiError => hasReason(e, 'AlreadyExists');
export const isConflict = (e: unknown): e is ApiError => hasReason(e, 'Conflict');
export const isGone = (e: unknown): e is ApiError => hasReason(e, 'Gone');
export const isInvalid = (e: unknown): e is ApiError => hasReason(e, 'Invalid');
export const isBadRequest = (e: unknown): e is ApiError => hasReason(e, 'BadRequest');
export const isTooManyRequests = (e: unknown): e is ApiError => hasReason(e, 'TooManyRequests');
export const isForbidden = (e: unknown): e is ApiError => hasReason(e, 'Forbidden');
