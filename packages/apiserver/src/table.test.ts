import { describe, expect, it } from 'vitest';
import { humanDuration, toTable } from './table.js';

describe('humanDuration (Kubernetes duration.HumanDuration)', () => {
  it.each([
    [-5_000, '<invalid>'],
    [-1_000, '0s'],
    [0, '0s'],
    [119_000, '119s'],
    [120_000, '2m'],
    [125_000, '2m5s'],
    [600_000, '10m'],
    [3 * 3600_000 - 1, '179m'],
    [3 * 3600_000, '3h'],
    [3 * 3600_000 + 60_000, '3h1m'],
    [10 * 3600_000, '10h'],
    [50 * 3600_000, '2d2h'],
    [9 * 86400_000, '9d'],
    [3 * 365 * 86400_000, '3y'],
    [3 * 365 * 86400_000 + 5 * 86400_000, '3y5d'],
    [9 * 365 * 86400_000, '9y'],
  ])('%i ms → %s', (ms, want) => {
    expect(humanDuration(ms)).toBe(want);
  });
});

describe('pod STATUS column', () => {
  const now = Date.UTC(2026, 0, 1, 0, 10);
  const pod = (status: object, meta: object = {}) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', creationTimestamp: '2026-01-01T00:00:00Z', ...meta },
    spec: { containers: [{ name: 'c', image: 'i' }] },
    status,
  });
  it.each([
    ['Pending without statuses', pod({ phase: 'Pending' }), 'Pending', '0/1'],
    [
      'ContainerCreating while waiting',
      pod({
        phase: 'Pending',
        containerStatuses: [
          { name: 'c', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } },
        ],
      }),
      'ContainerCreating',
      '0/1',
    ],
    [
      'Running and ready',
      pod({
        phase: 'Running',
        containerStatuses: [{ name: 'c', ready: true, restartCount: 0, state: { running: {} } }],
      }),
      'Running',
      '1/1',
    ],
    [
      'CrashLoopBackOff',
      pod({
        phase: 'Running',
        containerStatuses: [
          { name: 'c', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } },
        ],
      }),
      'CrashLoopBackOff',
      '0/1',
    ],
    [
      'exit code without reason',
      pod({
        phase: 'Failed',
        containerStatuses: [
          { name: 'c', ready: false, restartCount: 0, state: { terminated: { exitCode: 3 } } },
        ],
      }),
      'ExitCode:3',
      '0/1',
    ],
    [
      'Terminating',
      pod({ phase: 'Running' }, { deletionTimestamp: '2026-01-01T00:09:00Z' }),
      'Terminating',
      '0/1',
    ],
  ])('%s', (_name, obj, status, ready) => {
    const table = toTable({ apiVersion: 'v1', kind: 'Pod' }, [obj], {}, now, 'Metadata');
    expect(table.rows[0]?.cells.slice(1, 5)).toEqual([ready, status, expect.any(String), '10m']);
  });

  it('shows restarts with the time since the last one', () => {
    const obj = pod({
      phase: 'Running',
      containerStatuses: [
        {
          name: 'c',
          ready: true,
          restartCount: 2,
          state: { running: {} },
          lastState: { terminated: { exitCode: 1, finishedAt: '2026-01-01T00:09:30Z' } },
        },
      ],
    });
    expect(toTable({ apiVersion: 'v1', kind: 'Pod' }, [obj], {}, now, 'None').rows[0]?.cells[3]).toBe(
      '2 (30s ago)',
    );
  });
});

describe('other printers', () => {
  const now = Date.UTC(2026, 0, 1, 1);
  const meta = { name: 'x', creationTimestamp: '2026-01-01T00:00:00Z' };
  it.each([
    [
      'a NodePort service',
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: meta,
        spec: {
          type: 'NodePort',
          clusterIP: '10.96.0.5',
          selector: { app: 'web' },
          ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }],
        },
      },
      ['x', 'NodePort', '10.96.0.5', '<none>', '80:30080/TCP', '60m', 'app=web'],
    ],
    [
      'a ready control-plane node',
      {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { ...meta, labels: { 'node-role.kubernetes.io/control-plane': '' } },
        status: {
          conditions: [{ type: 'Ready', status: 'True' }],
          nodeInfo: { kubeletVersion: 'v1.32.0' },
          addresses: [{ type: 'InternalIP', address: '10.0.0.1' }],
        },
      },
      [
        'x',
        'Ready',
        'control-plane',
        '60m',
        'v1.32.0',
        '10.0.0.1',
        '<none>',
        '<unknown>',
        '<unknown>',
        '<unknown>',
      ],
    ],
    [
      'an event',
      {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: meta,
        type: 'Normal',
        reason: 'Scheduled',
        message: 'ok ',
        lastTimestamp: '2026-01-01T00:59:00Z',
        involvedObject: { kind: 'Pod', name: 'p' },
      },
      ['60s', 'Normal', 'Scheduled', 'pod/p', 'ok'],
    ],
    [
      'a replica set',
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: meta,
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'a' } },
          template: { spec: { containers: [{ name: 'c', image: 'i' }] } },
        },
        status: { replicas: 2, readyReplicas: 1 },
      },
      ['x', 2, 2, 1, '60m', 'c', 'i', 'app=a'],
    ],
  ])('%s', (_name, obj, cells) => {
    expect(toTable(obj, [obj], {}, now, 'None').rows[0]?.cells).toEqual(cells);
  });
});
