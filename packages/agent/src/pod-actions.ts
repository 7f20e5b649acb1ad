import type { Container, Pod } from '@flotilla/api';
import {
  type BackoffEntry,
  CRASH_LOOP_BACKOFF,
  IMAGE_PULL_BACKOFF,
  isInBackOffSince,
  isInBackOffSinceUpdate,
  nextBackoff,
} from './backoff.js';
import type { ContainerView, PodRuntimeState } from './types.js';

/** Kubernetes' default `terminationGracePeriodSeconds`. */
export const DEFAULT_GRACE_SECONDS = 30;
/** The kubelet's least grace for a pod that vanished from the API (`minimumGracePeriodInSeconds`). */
export const VANISHED_GRACE_SECONDS = 2;

/** One step the shell executes, in order. */
export type PodAction =
  /** Run the pod sandbox (its IP and port mappings). */
  | { readonly type: 'createSandbox' }
  /**
   * Create and start container `name` as `attempt` (its restart count). `backoff` is the crash-loop
   * entry to keep once it is started (present on restarts).
   */
  | {
      readonly type: 'startContainer';
      readonly name: string;
      readonly init: boolean;
      readonly attempt: number;
      readonly backoff?: BackoffEntry;
    }
  /** Kill one running container (a failed liveness or startup probe); the restart policy decides what next. */
  | {
      readonly type: 'killContainer';
      readonly name: string;
      readonly containerId: string;
      readonly gracePeriodSeconds: number;
      readonly message: string;
    }
  /** Stop every container of the pod with this grace period (a terminating or vanished pod). */
  | { readonly type: 'killPod'; readonly gracePeriodSeconds: number }
  /** Remove the sandbox and its containers; with `deleteObject`, then delete the Pod (grace 0, uid precondition). */
  | { readonly type: 'removePod'; readonly deleteObject: boolean };

export interface PodPlan {
  readonly actions: readonly PodAction[];
  /** Look again after this many ms (the end of a back-off); absent when only an event can change things. */
  readonly requeueAfter?: number;
}

export interface PodActionOptions {
  readonly now: number;
  /** The pod is gone from the API (deleted outright): stop and remove what runs, delete nothing. */
  readonly vanished?: boolean;
}

const isLive = (v: ContainerView | undefined) =>
  v?.current !== undefined && (v.current.state === 'RUNNING' || v.current.state === 'CREATED');

/** `Succeeded` or `Failed`: the kubelet never restarts anything of a pod in a terminal phase. */
export const isTerminalPhase = (phase: string | undefined) => phase === 'Succeeded' || phase === 'Failed';

/** Whether an exited container is restarted under the pod's policy (`Always`, `OnFailure`, `Never`). */
export function shouldRestart(restartPolicy: string | undefined, exitCode: number | undefined): boolean {
  const policy = restartPolicy ?? 'Always';
  if (policy === 'Always') return true;
  if (policy === 'OnFailure') return exitCode !== 0;
  return false;
}

/** The grace period a terminating pod's containers get: the deletion's, else the spec's, else 30 s. */
export function podGracePeriodSeconds(pod: Pod): number {
  return (
    pod.metadata?.deletionGracePeriodSeconds ??
    pod.spec?.terminationGracePeriodSeconds ??
    DEFAULT_GRACE_SECONDS
  );
}

/**
 * Why a container that is not running waits, if it waits on a back-off: `CrashLoopBackOff` (exited,
 * restart due later) or a failed start in back-off. `until` is when the next attempt may run.
 */
export type BackoffWait =
  | { readonly kind: 'crash'; readonly until: number; readonly delayMs: number }
  | { readonly kind: 'failure'; readonly until: number; readonly reason: string };

/** The back-off a container waits on at `now`, under the pod's restart policy; undefined when it may start. */
export function backoffWait(
  view: ContainerView | undefined,
  restartPolicy: string | undefined,
  now: number,
): BackoffWait | undefined {
  const current = view?.current;
  if (current?.state === 'EXITED' && shouldRestart(restartPolicy, current.exitCode)) {
    const finishedAt = current.finishedAt ?? now;
    if (isInBackOffSince(CRASH_LOOP_BACKOFF, view?.backoff, finishedAt, now)) {
      const delayMs = view!.backoff!.delayMs;
      return { kind: 'crash', until: finishedAt + delayMs, delayMs };
    }
  }
  const failure = view?.failure;
  if (
    failure !== undefined &&
    (current === undefined || (current.finishedAt ?? 0) <= failure.at) &&
    isInBackOffSinceUpdate(IMAGE_PULL_BACKOFF, failure.backoff, now)
  ) {
    return {
      kind: 'failure',
      until: failure.backoff.lastUpdate + failure.backoff.delayMs,
      reason: failure.reason,
    };
  }
  return undefined;
}

/**
 * What the agent does next for one pod on its node — the kubelet's `computePodActions`, pure:
 *
 * - A terminating pod (`deletionTimestamp`) or a vanished one: kill every container with the grace
 *   period, then remove the sandbox (and delete the Pod object, unless it vanished).
 * - A pod in a terminal phase: nothing.
 * - No sandbox: create it first.
 * - A running container whose liveness or startup probe failed: kill it.
 * - Init containers run one at a time, in order; each must exit 0 before the next (a failure restarts
 *   it with back-off, or fails the pod under `restartPolicy: Never`). App containers start once all
 *   init containers succeeded.
 * - An exited container restarts under `Always`, or `OnFailure` with a non-zero exit, after the
 *   CrashLoopBackOff delay (first restart at once, then 10 s doubling to 5 min, reset after 10 min);
 *   a failed start (`ErrImagePull`, …) retries after its own back-off.
 */
export function computePodActions(pod: Pod, state: PodRuntimeState, options: PodActionOptions): PodPlan {
  const { now } = options;
  const views = state.containers;

  if (options.vanished || pod.metadata?.deletionTimestamp) {
    const grace = options.vanished
      ? (pod.metadata?.deletionGracePeriodSeconds ?? VANISHED_GRACE_SECONDS)
      : podGracePeriodSeconds(pod);
    const actions: PodAction[] = [];
    if (anyLive(views) || state.sandbox?.ready) actions.push({ type: 'killPod', gracePeriodSeconds: grace });
    actions.push({ type: 'removePod', deleteObject: !options.vanished });
    return { actions };
  }
  if (isTerminalPhase(pod.status?.phase)) return { actions: [] };

  const spec = pod.spec;
  const policy = spec?.restartPolicy ?? 'Always';
  // Module-level helpers and this accumulator instead of closures: this runs on every pass of every pod.
  const acc: Accumulator = { actions: [], requeueAt: Number.POSITIVE_INFINITY, views, now };
  if (state.sandbox === undefined) acc.actions.push({ type: 'createSandbox' });

  for (const containers of [spec?.initContainers, spec?.containers]) {
    for (const c of containers ?? []) {
      const v = views.get(c.name);
      if (v?.current?.state === 'RUNNING' && v.probe?.unhealthy !== undefined) {
        acc.actions.push({
          type: 'killContainer',
          name: c.name,
          containerId: v.current.id,
          gracePeriodSeconds: containerGrace(c, spec),
          message: v.probe.unhealthy,
        });
      }
    }
  }

  // Init containers: in order, one at a time; `Always` counts as `OnFailure` for them.
  const initPolicy = policy === 'Never' ? 'Never' : 'OnFailure';
  for (const c of spec?.initContainers ?? []) {
    const current = views.get(c.name)?.current;
    if (current?.state === 'EXITED' && current.exitCode === 0) continue;
    if (current?.state === 'EXITED' && initPolicy === 'Never') return done(acc.actions, acc.requeueAt, now);
    plan(acc, c, true, initPolicy);
    return done(acc.actions, acc.requeueAt, now);
  }
  for (const c of spec?.containers ?? []) plan(acc, c, false, policy);
  return done(acc.actions, acc.requeueAt, now);
}

/** What `plan` adds to: the actions so far and the earliest time to look again. */
interface Accumulator {
  readonly actions: PodAction[];
  requeueAt: number;
  readonly views: PodRuntimeState['containers'];
  readonly now: number;
}

function anyLive(views: PodRuntimeState['containers']): boolean {
  for (const v of views.values()) if (isLive(v)) return true;
  return false;
}

function containerGrace(c: Container, spec: Pod['spec']): number {
  return (
    c.livenessProbe?.terminationGracePeriodSeconds ??
    spec?.terminationGracePeriodSeconds ??
    DEFAULT_GRACE_SECONDS
  );
}

/** Plans container `c`; true when it is running or done (exited and not to be restarted). */
function plan(acc: Accumulator, c: Container, init: boolean, restartPolicy: string): boolean {
  const v = acc.views.get(c.name);
  const current = v?.current;
  if (isLive(v)) return true;
  const wait = backoffWait(v, restartPolicy, acc.now);
  if (current?.state === 'EXITED') {
    if (!shouldRestart(restartPolicy, current.exitCode)) return true;
    if (wait !== undefined) {
      acc.requeueAt = Math.min(acc.requeueAt, wait.until);
      return false;
    }
    acc.actions.push({
      type: 'startContainer',
      name: c.name,
      init,
      attempt: current.attempt + 1,
      backoff: nextBackoff(CRASH_LOOP_BACKOFF, v?.backoff, current.finishedAt ?? acc.now),
    });
    return false;
  }
  if (wait !== undefined) {
    acc.requeueAt = Math.min(acc.requeueAt, wait.until);
    return false;
  }
  acc.actions.push({ type: 'startContainer', name: c.name, init, attempt: 0 });
  return false;
}

function done(actions: PodAction[], requeueAt: number, now: number): PodPlan {
  return Number.isFinite(requeueAt) ? { actions, requeueAfter: Math.max(0, requeueAt - now) } : { actions };
}
