import type { Container, ContainerStatus, Pod, ResourceRequirements } from '@flotilla/api';
import { describe, expect, it } from 'vitest';
import { exited, instance, pod, state, T0 } from './core.test-support.js';
import { computePodStatus, podPhase, qosClass } from './pod-status.js';
import type { PodRuntimeState } from './types.js';

const cond = (
  p: { conditions?: { type: string; status: string; reason?: string; message?: string }[] },
  type: string,
) => p.conditions?.find((c) => c.type === type);

describe('computePodStatus', () => {
  it('a pod nothing ran for yet: Pending, ContainerCreating, no IP', () => {
    const status = computePodStatus(pod(), state({}, { sandbox: undefined }), { now: T0 });
    expect(status.phase).toBe('Pending');
    expect(status.podIP).toBeUndefined();
    expect(status.hostIP).toBe('10.255.0.1');
    expect(status.containerStatuses).toEqual([
      {
        name: 'web',
        image: 'web:v1',
        imageID: '',
        ready: false,
        started: false,
        restartCount: 0,
        state: { waiting: { reason: 'ContainerCreating' } },
        lastState: {},
      },
    ]);
    expect(cond(status, 'PodReadyToStartContainers')?.status).toBe('False');
    expect(cond(status, 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [web]',
    });
  });

  it('a running container without probes: Running and Ready, with IPs and ids', () => {
    const status = computePodStatus(pod(), state({ web: { current: instance() } }), { now: T0 + 1_000 });
    expect(status).toMatchObject({
      phase: 'Running',
      podIP: '10.0.0.7',
      podIPs: [{ ip: '10.0.0.7' }],
      hostIPs: [{ ip: '10.255.0.1' }],
      startTime: '2024-01-01T00:00:00Z',
      qosClass: 'BestEffort',
    });
    expect(status.containerStatuses?.[0]).toEqual({
      name: 'web',
      image: 'web:v1',
      imageID: 'web:v1',
      containerID: 'flotilla://c-web-0',
      ready: true,
      started: true,
      restartCount: 0,
      state: { running: { startedAt: '2024-01-01T00:00:00Z' } },
      lastState: {},
    });
    for (const type of [
      'PodReadyToStartContainers',
      'Initialized',
      'Ready',
      'ContainersReady',
      'PodScheduled',
    ])
      expect(cond(status, type)?.status).toBe('True');
  });

  it.each([
    { name: 'nothing probed yet: neither started nor ready', probe: undefined, ready: false, started: false },
    { name: 'readiness succeeded', probe: { started: true, ready: true }, ready: true, started: true },
    { name: 'startup not yet passed', probe: { started: false, ready: true }, ready: false, started: false },
  ])('probes: $name', ({ probe, ready, started }) => {
    const containers: Container[] = [
      {
        name: 'web',
        image: 'web:v1',
        readinessProbe: { tcpSocket: { port: 80 } },
        startupProbe: { tcpSocket: { port: 80 } },
      },
    ];
    const p = pod({}, containers);
    const s = computePodStatus(p, state({ web: { current: instance(), ...(probe ? { probe } : {}) } }), {
      now: T0,
    });
    expect(s.containerStatuses?.[0]).toMatchObject({ ready, started });
  });

  it('a crash loop: waiting CrashLoopBackOff with the kubelet message, the exit as lastState, phase Running', () => {
    const s = computePodStatus(
      pod(),
      state({
        web: {
          current: exited(1, T0 + 30_000, { attempt: 2, startedAt: T0 + 20_000 }),
          previous: exited(1, T0 + 10_000, { attempt: 1 }),
          backoff: { delayMs: 20_000, lastUpdate: T0 + 10_000 },
        },
      }),
      { now: T0 + 31_000 },
    );
    expect(s.phase).toBe('Running');
    expect(s.containerStatuses?.[0]).toMatchObject({
      restartCount: 2,
      ready: false,
      state: {
        waiting: {
          reason: 'CrashLoopBackOff',
          message: 'back-off 20s restarting failed container=web pod=web-abc_default(uid-1)',
        },
      },
      lastState: {
        terminated: {
          exitCode: 1,
          reason: 'Error',
          startedAt: '2024-01-01T00:00:20Z',
          finishedAt: '2024-01-01T00:00:30Z',
          containerID: 'flotilla://c-web-2',
        },
      },
    });
  });

  it.each([
    { policy: 'Never', codes: [0, 0], phase: 'Succeeded' },
    { policy: 'Never', codes: [0, 1], phase: 'Failed' },
    { policy: 'OnFailure', codes: [0, 0], phase: 'Succeeded' },
    { policy: 'Always', codes: [0, 0], phase: 'Running' },
  ])('all exited under $policy with $codes → $phase', ({ policy, codes, phase }) => {
    const containers = [
      { name: 'a', image: 'x' },
      { name: 'b', image: 'x' },
    ];
    const s = computePodStatus(
      pod({ restartPolicy: policy }, containers),
      state({
        a: { current: exited(codes[0]!, T0, { name: 'a' }) },
        b: { current: exited(codes[1]!, T0, { name: 'b' }) },
      }),
      { now: T0 },
    );
    expect(s.phase).toBe(phase);
    if (phase === 'Succeeded')
      expect(cond(s, 'Ready')).toMatchObject({ status: 'False', reason: 'PodCompleted' });
  });

  it('image pulls: ErrImagePull when it just failed, ImagePullBackOff after', () => {
    const failure = {
      reason: 'ErrImagePull',
      message: 'no such image',
      at: T0,
      backoff: { delayMs: 10_000, lastUpdate: T0 },
    };
    const st = state({ web: { failure } });
    expect(computePodStatus(pod(), st, { now: T0 }).containerStatuses?.[0]?.state).toEqual({
      waiting: { reason: 'ErrImagePull', message: 'no such image' },
    });
    expect(computePodStatus(pod(), st, { now: T0 + 1_000 }).containerStatuses?.[0]?.state).toEqual({
      waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "web:v1": no such image' },
    });
  });

  it('a terminating pod reports exits as terminated, never as a crash loop', () => {
    const p = pod({}, undefined, { deletionTimestamp: '2024-01-01T00:01:00Z' });
    const s = computePodStatus(p, state({ web: { current: exited(143, T0 + 5_000) } }), { now: T0 + 6_000 });
    expect(s.containerStatuses?.[0]?.state?.terminated).toMatchObject({ exitCode: 143, reason: 'Error' });
    expect(s.phase).toBe('Failed');
    const clean = computePodStatus(p, state({ web: { current: exited(0, T0 + 5_000) } }), {
      now: T0 + 6_000,
    });
    expect(clean.phase).toBe('Succeeded');
    const stopping = computePodStatus(p, state({ web: { current: instance() } }), { now: T0 + 6_000 });
    expect(stopping.phase).toBe('Running');
  });

  it('keeps lastTransitionTime while a condition holds and moves it when it flips', () => {
    const running: PodRuntimeState = state({ web: { current: instance() } });
    const first = computePodStatus(pod(), running, { now: T0 });
    const withStatus: Pod = { ...pod(), status: first };
    const same = computePodStatus(withStatus, running, { now: T0 + 60_000 });
    expect(same).toEqual(first);
    const crashed = computePodStatus(
      withStatus,
      state({ web: { current: exited(1, T0 + 60_000), backoff: { delayMs: 10_000, lastUpdate: T0 } } }),
      { now: T0 + 60_000 },
    );
    expect(cond(crashed, 'Ready')).toMatchObject({
      status: 'False',
      lastTransitionTime: '2024-01-01T00:01:00Z',
    });
    expect(cond(crashed, 'PodScheduled')).toMatchObject({ lastTransitionTime: '2024-01-01T00:00:00Z' });
  });

  it('keeps a terminal phase and fields it does not own', () => {
    const p: Pod = {
      ...pod(),
      status: { phase: 'Succeeded', nominatedNodeName: 'n2', qosClass: 'Burstable' },
    };
    const s = computePodStatus(p, state({ web: { current: instance() } }), { now: T0 });
    expect(s).toMatchObject({ phase: 'Succeeded', nominatedNodeName: 'n2', qosClass: 'Burstable' });
  });
});

describe('podPhase', () => {
  const status = (
    state: ContainerStatus['state'],
    lastState: ContainerStatus['lastState'] = {},
  ): ContainerStatus => ({
    name: 'x',
    image: 'x',
    imageID: '',
    ready: false,
    restartCount: 0,
    state,
    lastState,
  });
  it.each([
    { name: 'waiting, never ran', statuses: [status({ waiting: {} })], want: 'Pending' },
    {
      name: 'one running, one waiting',
      statuses: [status({ running: {} }), status({ waiting: {} })],
      want: 'Pending',
    },
    {
      name: 'waiting after a crash counts as stopped',
      statuses: [status({ waiting: {} }, { terminated: { exitCode: 1 } })],
      want: 'Running',
    },
    { name: 'running', statuses: [status({ running: {} })], want: 'Running' },
    { name: 'no containers', statuses: [], want: 'Pending' },
  ])('$name → $want', ({ statuses, want }) => {
    expect(podPhase(pod(), [], statuses)).toBe(want);
  });

  it('an unfinished init container keeps the pod Pending', () => {
    expect(podPhase(pod(), [status({ running: {} })], [status({ waiting: {} })])).toBe('Pending');
  });
});

describe('qosClass', () => {
  it.each<{ name: string; resources: ResourceRequirements | undefined; want: string }>([
    { name: 'no resources', resources: undefined, want: 'BestEffort' },
    { name: 'requests only', resources: { requests: { cpu: '100m' } }, want: 'Burstable' },
    {
      name: 'limits for cpu and memory (requests default to limits)',
      resources: { limits: { cpu: '1', memory: '1Gi' } },
      want: 'Guaranteed',
    },
    {
      name: 'requests below limits',
      resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } },
      want: 'Burstable',
    },
    {
      name: 'equal in other units',
      resources: { requests: { cpu: '1000m', memory: '1024Mi' }, limits: { cpu: '1', memory: '1Gi' } },
      want: 'Guaranteed',
    },
  ])('$name → $want', ({ resources, want }) => {
    expect(qosClass(pod({}, [{ name: 'web', image: 'x', ...(resources ? { resources } : {}) }]))).toBe(want);
  });
});
