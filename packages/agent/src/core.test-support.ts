import type { Container, Pod, PodSpec } from '@flotilla/api';
import type { ContainerStatus } from '@flotilla/runtime';
import type { ContainerView, PodRuntimeState } from './types.js';

/** 2024-01-01T00:00:00Z, the VirtualClock's default start. */
export const T0 = Date.UTC(2024, 0, 1);

export function instance(over: Partial<ContainerStatus> = {}): ContainerStatus {
  return {
    id: `c-${over.name ?? 'web'}-${over.attempt ?? 0}`,
    sandboxId: 's1',
    name: 'web',
    attempt: 0,
    image: 'web:v1',
    state: 'RUNNING',
    createdAt: T0,
    startedAt: T0,
    ports: [],
    labels: {},
    annotations: {},
    ...over,
  };
}

export function exited(
  exitCode: number,
  finishedAt: number,
  over: Partial<ContainerStatus> = {},
): ContainerStatus {
  return instance({
    state: 'EXITED',
    exitCode,
    reason: exitCode === 0 ? 'Completed' : 'Error',
    finishedAt,
    ...over,
  });
}

export function pod(spec: Partial<PodSpec> = {}, containers?: Container[], meta: Pod['metadata'] = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-abc', namespace: 'default', uid: 'uid-1', ...meta },
    spec: { nodeName: 'n1', containers: containers ?? [{ name: 'web', image: 'web:v1' }], ...spec },
  };
}

export function state(
  containers: Record<string, ContainerView> = {},
  over: Partial<PodRuntimeState> = {},
): PodRuntimeState {
  return {
    sandbox: { id: 's1', ip: '10.0.0.7', ready: true },
    hostIP: '10.255.0.1',
    startTime: T0,
    containers: new Map(Object.entries(containers)),
    ...over,
  };
}
