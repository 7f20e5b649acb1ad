import { ApiError } from '@flotilla/api';
import { backendErrors } from '@flotilla/store';
import { isBrokenCircuitError } from 'cockatiel';
import { ClientClosedError, GRPCDeadlineExceededError, isRecoverableError } from 'etcd3';

/**
 * How etcd3's errors become the store's ApiErrors. The one rule that matters: a write whose request
 * may have reached etcd is never reported as failed — it is `unknownOutcome` (Timeout) unless etcd's
 * answer proves it was not applied.
 */

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export const isCompacted = (error: unknown) =>
  message(error).includes('required revision has been compacted');
export const isFutureRevision = (error: unknown) =>
  message(error).includes('required revision is a future revision');

/**
 * True when the request certainly never left this process, so trying another member cannot apply it
 * twice: every member's circuit is open, or gRPC failed the call before it had a connection.
 */
export function neverSent(error: unknown): boolean {
  return isBrokenCircuitError(error) || message(error).includes('No connection established');
}

/** Errors worth retrying for a read (network, member down, leader change). */
export function isTransient(error: unknown): boolean {
  return (
    neverSent(error) ||
    (typeof error === 'object' && error !== null && isRecoverableError(error as Error)) ||
    /etcdserver: (leader changed|no leader|request timed out|too many requests|server stopped)/.test(
      message(error),
    )
  );
}

/** Maps a failed read. */
export function readError(error: unknown): unknown {
  if (error instanceof ApiError) return error;
  if (error instanceof ClientClosedError) return backendErrors.closed();
  if (error instanceof GRPCDeadlineExceededError || /timed out/.test(message(error))) {
    return new ApiError('Timeout', `etcd read timed out: ${message(error)}`);
  }
  if (isTransient(error)) return new ApiError('ServiceUnavailable', `etcd unavailable: ${message(error)}`);
  return ApiError.internal(`etcd: ${message(error)}`);
}

/** Maps a failed write of `key`: definite failures keep their reason, everything else is unknown. */
export function writeError(operation: string, key: string, error: unknown): unknown {
  if (error instanceof ApiError) return error;
  if (error instanceof ClientClosedError) return backendErrors.closed();
  const text = message(error);
  if (neverSent(error)) return new ApiError('ServiceUnavailable', `etcd unavailable: ${text}`);
  if (text.includes('request is too large')) {
    return new ApiError('RequestEntityTooLarge', `etcd rejected the ${operation} of key "${key}": ${text}`);
  }
  if (/etcdserver: (no leader|too many requests)/.test(text)) {
    // etcd refuses these before proposing the request to raft: nothing was applied.
    return new ApiError('ServiceUnavailable', `etcd unavailable: ${text}`);
  }
  return backendErrors.unknownOutcome(operation, key);
}
