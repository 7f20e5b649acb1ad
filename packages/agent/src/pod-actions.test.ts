import type { Pod } from '@flotilla/api';
import { describe, expect, it } from 'vitest';
import { exited, instance, pod, state, T0 } from './core.test-support.js';
import { computePodActions, type PodPlan } from './pod-actions.js';
import type { PodRuntimeState } from './types.js';

interface Case {
  readonly name: string;
  readonly pod: Pod;
  readonly state: PodRuntimeState;
  readonly now?: number;
  readonly vanished?: boolean;
  readonly want: PodPlan;
}

const twoInits = pod({
  initContainers: [
    { name: 'first', image: 'init:v1' },
    { name: 'second', image: 'init:v1' },
  ],
});

const cases: Case[] = [
  {
    name: 'a new pod: sandbox first, then its containers',
    pod: pod(),
    state: state({}, { sandbox: undefined }),
    want: {
      actions: [{ type: 'createSandbox' }, { type: 'startContainer', name: 'web', init: false, attempt: 0 }],
    },
  },
  {
    name: 'a running container: nothing to do',
    pod: pod(),
    state: state({ web: { current: instance() } }),
    want: { actions: [] },
  },
  {
    name: 'a container being created: nothing to do',
    pod: pod(),
    state: state({ web: { current: instance({ state: 'CREATED' }) } }),
    want: { actions: [] },
  },
  {
    name: 'Always: the first crash restarts at once and starts the 10 s back-off',
    pod: pod(),
    state: state({ web: { current: exited(1, T0 + 5_000) } }),
    now: T0 + 5_000,
    want: {
      actions: [
        {
          type: 'startContainer',
          name: 'web',
          init: false,
          attempt: 1,
          backoff: { delayMs: 10_000, lastUpdate: T0 + 5_000 },
        },
      ],
    },
  },
  {
    name: 'Always: in back-off, wait until finishedAt + delay',
    pod: pod(),
    state: state({
      web: {
        current: exited(1, T0 + 8_000, { attempt: 1 }),
        backoff: { delayMs: 10_000, lastUpdate: T0 + 5_000 },
      },
    }),
    now: T0 + 11_000,
    want: { actions: [], requeueAfter: 7_000 },
  },
  {
    name: 'Always: back-off over, restart and double it',
    pod: pod(),
    state: state({
      web: {
        current: exited(1, T0 + 8_000, { attempt: 1 }),
        backoff: { delayMs: 10_000, lastUpdate: T0 + 5_000 },
      },
    }),
    now: T0 + 18_000,
    want: {
      actions: [
        {
          type: 'startContainer',
          name: 'web',
          init: false,
          attempt: 2,
          backoff: { delayMs: 20_000, lastUpdate: T0 + 8_000 },
        },
      ],
    },
  },
  {
    name: 'Always: the back-off is capped at 5 min',
    pod: pod(),
    state: state({
      web: {
        current: exited(1, T0 + 400_000, { attempt: 9 }),
        backoff: { delayMs: 300_000, lastUpdate: T0 + 100_000 },
      },
    }),
    now: T0 + 700_000,
    want: {
      actions: [
        {
          type: 'startContainer',
          name: 'web',
          init: false,
          attempt: 10,
          backoff: { delayMs: 300_000, lastUpdate: T0 + 400_000 },
        },
      ],
    },
  },
  {
    name: 'Always: a crash more than 10 min after the last one restarts at once (back-off reset)',
    pod: pod(),
    state: state({
      web: {
        current: exited(1, T0 + 700_001, { attempt: 5 }),
        backoff: { delayMs: 160_000, lastUpdate: T0 + 100_000 },
      },
    }),
    now: T0 + 700_001,
    want: {
      actions: [
        {
          type: 'startContainer',
          name: 'web',
          init: false,
          attempt: 6,
          backoff: { delayMs: 10_000, lastUpdate: T0 + 700_001 },
        },
      ],
    },
  },
  {
    name: 'OnFailure: exit 0 is done',
    pod: pod({ restartPolicy: 'OnFailure' }),
    state: state({ web: { current: exited(0, T0) } }),
    want: { actions: [] },
  },
  {
    name: 'OnFailure: exit 1 restarts',
    pod: pod({ restartPolicy: 'OnFailure' }),
    state: state({ web: { current: exited(1, T0) } }),
    want: {
      actions: [
        {
          type: 'startContainer',
          name: 'web',
          init: false,
          attempt: 1,
          backoff: { delayMs: 10_000, lastUpdate: T0 },
        },
      ],
    },
  },
  {
    name: 'Never: a failure is final',
    pod: pod({ restartPolicy: 'Never' }),
    state: state({ web: { current: exited(1, T0) } }),
    want: { actions: [] },
  },
  {
    name: 'a failed liveness probe kills the container with the probe grace period',
    pod: pod({ terminationGracePeriodSeconds: 30 }, [
      {
        name: 'web',
        image: 'web:v1',
        livenessProbe: { exec: { command: ['true'] }, terminationGracePeriodSeconds: 5 },
      },
    ]),
    state: state({ web: { current: instance(), probe: { started: true, ready: true, unhealthy: 'dead' } } }),
    want: {
      actions: [
        {
          type: 'killContainer',
          name: 'web',
          containerId: 'c-web-0',
          gracePeriodSeconds: 5,
          message: 'dead',
        },
      ],
    },
  },
  {
    name: 'terminating: kill everything with the deletion grace period, then remove and delete',
    pod: pod({ terminationGracePeriodSeconds: 30 }, undefined, {
      deletionTimestamp: '2024-01-01T00:00:20Z',
      deletionGracePeriodSeconds: 20,
    }),
    state: state({ web: { current: instance() } }),
    want: {
      actions: [
        { type: 'killPod', gracePeriodSeconds: 20 },
        { type: 'removePod', deleteObject: true },
      ],
    },
  },
  {
    name: 'terminating with nothing running: remove and delete',
    pod: pod({}, undefined, { deletionTimestamp: '2024-01-01T00:00:20Z', deletionGracePeriodSeconds: 20 }),
    state: state(
      { web: { current: exited(0, T0) } },
      { sandbox: { id: 's1', ip: '10.0.0.7', ready: false } },
    ),
    want: { actions: [{ type: 'removePod', deleteObject: true }] },
  },
  {
    name: 'vanished: kill with the least grace, remove, delete nothing',
    pod: pod(),
    vanished: true,
    state: state({ web: { current: instance() } }),
    want: {
      actions: [
        { type: 'killPod', gracePeriodSeconds: 2 },
        { type: 'removePod', deleteObject: false },
      ],
    },
  },
  {
    name: 'a pod in a terminal phase: nothing, ever',
    pod: { ...pod(), status: { phase: 'Failed' } },
    state: state({ web: { current: exited(1, T0) } }),
    want: { actions: [] },
  },
  {
    name: 'init containers: only the first starts',
    pod: twoInits,
    state: state(),
    want: { actions: [{ type: 'startContainer', name: 'first', init: true, attempt: 0 }] },
  },
  {
    name: 'init containers: the second waits for the first to exit',
    pod: twoInits,
    state: state({ first: { current: instance({ name: 'first' }) } }),
    want: { actions: [] },
  },
  {
    name: 'init containers: after the first succeeded, the second starts',
    pod: twoInits,
    state: state({ first: { current: exited(0, T0, { name: 'first' }) } }),
    want: { actions: [{ type: 'startContainer', name: 'second', init: true, attempt: 0 }] },
  },
  {
    name: 'init containers: all succeeded, the app container starts',
    pod: twoInits,
    state: state({
      first: { current: exited(0, T0, { name: 'first' }) },
      second: { current: exited(0, T0, { name: 'second' }) },
    }),
    want: { actions: [{ type: 'startContainer', name: 'web', init: false, attempt: 0 }] },
  },
  {
    name: 'init containers: a failure restarts it even under Always (as OnFailure)',
    pod: twoInits,
    state: state({ first: { current: exited(1, T0, { name: 'first' }) } }),
    want: {
      actions: [
        {
          type: 'startContainer',
          name: 'first',
          init: true,
          attempt: 1,
          backoff: { delayMs: 10_000, lastUpdate: T0 },
        },
      ],
    },
  },
  {
    name: 'init containers: a failure under Never stops the pod',
    pod: { ...twoInits, spec: { ...twoInits.spec!, restartPolicy: 'Never' } },
    state: state({ first: { current: exited(1, T0, { name: 'first' }) } }),
    want: { actions: [] },
  },
  {
    name: 'a failed pull in back-off: wait',
    pod: pod(),
    state: state({
      web: {
        failure: {
          reason: 'ErrImagePull',
          message: 'nope',
          at: T0,
          backoff: { delayMs: 10_000, lastUpdate: T0 },
        },
      },
    }),
    now: T0 + 1_000,
    want: { actions: [], requeueAfter: 9_000 },
  },
  {
    name: 'a failed pull after its back-off: try again',
    pod: pod(),
    state: state({
      web: {
        failure: {
          reason: 'ErrImagePull',
          message: 'nope',
          at: T0,
          backoff: { delayMs: 10_000, lastUpdate: T0 },
        },
      },
    }),
    now: T0 + 10_000,
    want: { actions: [{ type: 'startContainer', name: 'web', init: false, attempt: 0 }] },
  },
];

describe('computePodActions', () => {
  it.each(cases)('$name', (c) => {
    expect(computePodActions(c.pod, c.state, { now: c.now ?? T0, vanished: c.vanished ?? false })).toEqual(
      c.want,
    );
  });
});
