import type { Clock, Random } from '@flotilla/clock';

/** The object a work item names: level-triggered controllers reconcile keys, never events. */
export interface Request {
  /** Empty for cluster-scoped objects. */
  readonly namespace: string;
  readonly name: string;
}

/** What a reconcile pass asks for next: nothing (done until the next change), or a check after a delay. */
export interface Result {
  readonly requeueAfter?: number;
}

/** What a reconciler gets besides the request: injected time and randomness, and a stop signal. */
export interface ReconcileContext {
  readonly clock: Clock;
  readonly random: Random;
  /** Aborted when the controller stops; long operations should give up. */
  readonly signal: AbortSignal;
}

/**
 * A reconciler brings one object's world to its desired state, one bounded step per call.
 *
 * Contract (controller-runtime's):
 * - Level-triggered: read the whole observed state again; never trust that every event was seen.
 * - Idempotent: a second call on the same state changes nothing.
 * - Return `{ requeueAfter }` to be called again later, `{}`/`undefined` when done.
 * - Throw to retry with per-key exponential back-off; throw a `TerminalError` to record the failure
 *   and not retry until the object changes. Success resets the back-off.
 */
export interface Reconciler {
  // biome-ignore lint/suspicious/noConfusingVoidType: lets `async () => {}` be a reconciler that never requeues.
  reconcile(request: Request, context: ReconcileContext): Promise<Result | undefined | void>;
}

/** An error that retrying cannot fix (a malformed object): the controller logs it and forgets the key. */
export class TerminalError extends Error {
  override readonly name = 'TerminalError';
}

export const isTerminalError = (e: unknown): e is TerminalError =>
  typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'TerminalError';

/** `namespace/name`, or `name` for cluster-scoped objects: the work-queue key of a request. */
export function requestKey(request: Request): string {
  return request.namespace ? `${request.namespace}/${request.name}` : request.name;
}

/** The inverse of `requestKey`. */
export function parseRequestKey(key: string): Request {
  const slash = key.indexOf('/');
  return slash < 0
    ? { namespace: '', name: key }
    : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

/** The request for an object's own key. */
export function requestFor(object: {
  readonly metadata?: { readonly namespace?: string; readonly name?: string };
}): Request {
  return { namespace: object.metadata?.namespace ?? '', name: object.metadata?.name ?? '' };
}
