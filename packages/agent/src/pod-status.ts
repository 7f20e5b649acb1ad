import {
  type Container,
  type ContainerState,
  type ContainerStatus,
  compareQuantities,
  jsonEqual,
  type Pod,
  type PodCondition,
  type PodStatus,
} from '@flotilla/api';
import { toRFC3339 } from '@flotilla/clock';
import type { ContainerStatus as RuntimeContainerStatus } from '@flotilla/runtime';
import { formatDuration } from './backoff.js';
import { backoffWait, isTerminalPhase, shouldRestart } from './pod-actions.js';
import type { ContainerView, PodRuntimeState, ProbeState } from './types.js';

/** How a container id appears in a Pod's status: `flotilla://<runtime id>`. */
export const CONTAINER_ID_PREFIX = 'flotilla://';

export interface PodStatusOptions {
  readonly now: number;
}

/** The probe state of a container instance nothing has probed yet. */
export function initialProbeState(container: Container): ProbeState {
  return { started: container.startupProbe === undefined, ready: container.readinessProbe === undefined };
}

/** `name_namespace(uid)`, the kubelet's `format.Pod`. */
export function formatPod(pod: Pod): string {
  const m = pod.metadata ?? {};
  return `${m.name ?? ''}_${m.namespace ?? 'default'}(${m.uid ?? ''})`;
}

const time = (ms: number | undefined) => (ms === undefined ? undefined : toRFC3339(ms));

function terminated(c: RuntimeContainerStatus): ContainerState {
  const startedAt = time(c.startedAt);
  const finishedAt = time(c.finishedAt);
  return {
    terminated: {
      exitCode: c.exitCode ?? 0,
      reason: c.reason ?? (c.exitCode === 0 ? 'Completed' : 'Error'),
      ...(c.message ? { message: c.message } : {}),
      ...(startedAt ? { startedAt } : {}),
      ...(finishedAt ? { finishedAt } : {}),
      containerID: CONTAINER_ID_PREFIX + c.id,
    },
  };
}

interface ContainerContext {
  readonly pod: Pod;
  readonly policy: string;
  /** Nothing restarts any more: the pod terminates or reached a terminal phase. */
  readonly final: boolean;
  /** App containers wait on init containers (`PodInitializing`). */
  readonly initPending: boolean;
  readonly now: number;
}

function failureWaiting(view: ContainerView, image: string, now: number): ContainerState | undefined {
  const f = view.failure;
  if (f === undefined) return undefined;
  if (f.at < now && f.reason === 'ErrImagePull') {
    return {
      waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}": ${f.message}` },
    };
  }
  return { waiting: { reason: f.reason, message: f.message } };
}

/** One entry of `containerStatuses` / `initContainerStatuses`. */
export function containerStatusOf(
  c: Container,
  view: ContainerView | undefined,
  ctx: ContainerContext,
): ContainerStatus {
  const image = c.image ?? '';
  const current = view?.current;
  const previous = view?.previous;
  const lastState: ContainerState = previous?.state === 'EXITED' ? terminated(previous) : {};
  const base = { name: c.name, image, imageID: '', ready: false, started: false };
  if (current === undefined) {
    const state = (view && failureWaiting(view, image, ctx.now)) ?? {
      waiting: { reason: ctx.initPending ? 'PodInitializing' : 'ContainerCreating' },
    };
    return { ...base, restartCount: 0, state, lastState };
  }
  const withId = { ...base, imageID: image, containerID: CONTAINER_ID_PREFIX + current.id };
  const restartCount = current.attempt;
  if (current.state === 'RUNNING') {
    const probe = view?.probe ?? initialProbeState(c);
    const startedAt = time(current.startedAt);
    return {
      ...withId,
      restartCount,
      started: probe.started,
      ready: probe.started && probe.ready,
      state: { running: startedAt ? { startedAt } : {} },
      lastState,
    };
  }
  if (current.state !== 'EXITED') {
    return { ...withId, restartCount, state: { waiting: { reason: 'ContainerCreating' } }, lastState };
  }
  if (ctx.final || !shouldRestart(ctx.policy, current.exitCode)) {
    return { ...withId, restartCount, state: terminated(current), lastState };
  }
  // Exited and to be restarted: waiting, with the exit as lastState.
  const wait = backoffWait(view, ctx.policy, ctx.now);
  let state: ContainerState;
  if (wait?.kind === 'crash') {
    state = {
      waiting: {
        reason: 'CrashLoopBackOff',
        message: `back-off ${formatDuration(wait.delayMs)} restarting failed container=${c.name} pod=${formatPod(ctx.pod)}`,
      },
    };
  } else {
    state = (view && failureWaiting(view, image, ctx.now)) ?? { waiting: { reason: 'ContainerCreating' } };
  }
  return { ...withId, restartCount, state, lastState: terminated(current) };
}

/**
 * The kubelet's `getPhase`: Pending until every app container started (and init containers succeeded),
 * Running while any runs or restarts, Succeeded / Failed once all terminated for good — or, with
 * `podIsTerminal` (a deleted pod whose containers stopped), whatever the restart policy.
 */
export function podPhase(
  pod: Pod,
  initStatuses: readonly ContainerStatus[],
  statuses: readonly ContainerStatus[],
  podIsTerminal = false,
): string {
  const policy = pod.spec?.restartPolicy ?? 'Always';
  let initFailed = false;
  let initPending = false;
  for (const s of initStatuses) {
    const t = s.state?.terminated;
    if (t?.exitCode === 0) continue;
    initPending = true;
    if ((t && t.exitCode !== 0) || (s.state?.waiting && (s.lastState?.terminated?.exitCode ?? 0) !== 0))
      initFailed = true;
  }
  if (initFailed && policy === 'Never') return 'Failed';
  if (initPending) return 'Pending';
  let running = 0;
  let waiting = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const s of statuses) {
    if (s.state?.running) running++;
    else if (s.state?.terminated) {
      stopped++;
      if (s.state.terminated.exitCode === 0) succeeded++;
    } else if (s.state?.waiting) {
      if (s.lastState?.terminated) stopped++;
      else waiting++;
    } else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    // A deleted pod whose containers all stopped ends Succeeded or Failed whatever its policy.
    if (podIsTerminal) return stopped === succeeded ? 'Succeeded' : 'Failed';
    if (policy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (policy === 'Never') return 'Failed';
    return 'Running';
  }
  return 'Pending';
}

/** Kubernetes' QoS class: Guaranteed (limits = requests for cpu and memory everywhere), BestEffort, Burstable. */
export function qosClass(pod: Pod): string {
  const all = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of all) {
    const requests = c.resources?.requests ?? {};
    const limits = c.resources?.limits ?? {};
    for (const name of ['cpu', 'memory']) {
      const req = requests[name] ?? limits[name];
      const lim = limits[name];
      if (req !== undefined && compareQuantities(req, 0) !== 0) any = true;
      if (lim !== undefined && compareQuantities(lim, 0) !== 0) any = true;
      if (lim === undefined || req === undefined || compareQuantities(req, lim) !== 0) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** The condition as wanted, keeping `lastTransitionTime` when its status did not change. */
function condition(
  existing: readonly PodCondition[],
  type: string,
  status: boolean,
  now: number,
  reason?: string,
  message?: string,
): PodCondition {
  const old = existing.find((c) => c.type === type);
  const text = status ? 'True' : 'False';
  const lastTransitionTime =
    old?.status === text && old.lastTransitionTime ? old.lastTransitionTime : toRFC3339(now);
  const wanted: PodCondition = {
    type,
    status: text,
    lastTransitionTime,
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  };
  return reuse(wanted, old);
}

/**
 * `fresh`, or `old` when they are equal: what did not change stays the stored object itself, so the
 * comparisons that follow (is there anything to write? is this event my own write's echo?) and the
 * store's copy of the written status meet it by identity instead of walking it again.
 */
function reuse<T>(fresh: T, old: T | undefined): T {
  return old !== undefined && jsonEqual(fresh, old) ? old : fresh;
}

/** The stored status of container `name` in `list`. */
const statusNamed = (list: readonly ContainerStatus[] | undefined, name: string) =>
  list?.find((s) => s.name === name);

const names = (list: readonly ContainerStatus[]) => `[${list.map((s) => s.name).join(' ')}]`;

/**
 * The Pod status the agent reports — pure, so that writing it only when it differs from the stored one
 * keeps a steady pod at zero writes:
 *
 * - phase by `podPhase`; `containerStatuses` / `initContainerStatuses` in spec order with state
 *   (running / waiting with reason / terminated), lastState, ready, started, restartCount, image,
 *   imageID and containerID `flotilla://<id>`;
 * - conditions PodReadyToStartContainers, Initialized, Ready, ContainersReady (and PodScheduled when
 *   the scheduler did not set it), each keeping its `lastTransitionTime` while its status holds;
 * - podIP(s), hostIP(s), startTime, qosClass; other fields of the stored status are kept.
 */
export function computePodStatus(pod: Pod, state: PodRuntimeState, options: PodStatusOptions): PodStatus {
  const { now } = options;
  const old = pod.status ?? {};
  const spec = pod.spec;
  const policy = spec?.restartPolicy ?? 'Always';
  const final = !!pod.metadata?.deletionTimestamp || isTerminalPhase(old.phase);
  const initPolicy = policy === 'Never' ? 'Never' : 'OnFailure';
  const inits = spec?.initContainers ?? [];
  const initStatuses = inits.map((c) =>
    reuse(
      containerStatusOf(c, state.containers.get(c.name), {
        pod,
        policy: initPolicy,
        final,
        initPending: false,
        now,
      }),
      statusNamed(old.initContainerStatuses, c.name),
    ),
  );
  const initDone = initStatuses.every((s) => s.state?.terminated?.exitCode === 0);
  const statuses = (spec?.containers ?? []).map((c) =>
    reuse(
      containerStatusOf(c, state.containers.get(c.name), { pod, policy, final, initPending: !initDone, now }),
      statusNamed(old.containerStatuses, c.name),
    ),
  );
  const stoppedForGood =
    !!pod.metadata?.deletionTimestamp &&
    [...state.containers.values()].every((v) => v.current === undefined || v.current.state === 'EXITED');
  const phase = isTerminalPhase(old.phase)
    ? (old.phase as string)
    : podPhase(pod, initStatuses, statuses, stoppedForGood);

  const existing = old.conditions ?? [];
  const unready = statuses.filter((s) => !s.ready);
  const completed = phase === 'Succeeded';
  const readyReason = completed ? 'PodCompleted' : unready.length > 0 ? 'ContainersNotReady' : undefined;
  const readyMessage =
    !completed && unready.length > 0 ? `containers with unready status: ${names(unready)}` : undefined;
  const incomplete = initStatuses.filter((s) => s.state?.terminated?.exitCode !== 0);
  const ours = [
    condition(existing, 'PodReadyToStartContainers', state.sandbox?.ready ?? false, now),
    condition(
      existing,
      'Initialized',
      incomplete.length === 0,
      now,
      incomplete.length > 0 ? 'ContainersNotInitialized' : undefined,
      incomplete.length > 0 ? `containers with incomplete status: ${names(incomplete)}` : undefined,
    ),
    condition(existing, 'Ready', unready.length === 0 && !completed, now, readyReason, readyMessage),
    condition(
      existing,
      'ContainersReady',
      unready.length === 0 && !completed,
      now,
      readyReason,
      readyMessage,
    ),
  ];
  const ourTypes = new Set(ours.map((c) => c.type));
  const others = existing.filter((c) => !ourTypes.has(c.type));
  if (!others.some((c) => c.type === 'PodScheduled'))
    others.push(condition(existing, 'PodScheduled', true, now));

  const ip = state.sandbox?.ip;
  const startTime = state.startTime === undefined ? old.startTime : toRFC3339(state.startTime);
  const status: PodStatus = {
    ...old,
    phase,
    conditions: reuse([...ours, ...others], old.conditions),
    hostIP: state.hostIP,
    hostIPs: reuse([{ ip: state.hostIP }], old.hostIPs),
    ...(ip ? { podIP: ip, podIPs: reuse([{ ip }], old.podIPs) } : {}),
    ...(startTime ? { startTime } : {}),
    ...(inits.length > 0 ? { initContainerStatuses: reuse(initStatuses, old.initContainerStatuses) } : {}),
    containerStatuses: reuse(statuses, old.containerStatuses),
    qosClass: old.qosClass ?? qosClass(pod),
  };
  return reuse(status, pod.status);
}
