/** Builders for plain Deployment and ReplicaSet objects in tests. */
import {
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  POD_TEMPLATE_HASH_LABEL,
  REVISION_ANNOTATION,
} from '../constants.js';
import type { Deployment, DeploymentSpec, IntOrString, PodTemplateSpec, ReplicaSet } from '../shapes.js';
import { formatTime } from '../time.js';

export const T0 = Date.UTC(2016, 4, 20, 0, 0, 0);

export function template(
  image = 'nginx:1',
  labels: Record<string, string> = { app: 'web' },
): PodTemplateSpec {
  return { metadata: { labels }, spec: { containers: [{ name: 'app', image }] } };
}

export interface DeploymentOptions {
  replicas?: number;
  maxSurge?: IntOrString;
  maxUnavailable?: IntOrString;
  strategy?: 'RollingUpdate' | 'Recreate';
  revisionHistoryLimit?: number;
  progressDeadlineSeconds?: number;
  minReadySeconds?: number;
  paused?: boolean;
  image?: string;
  generation?: number;
  annotations?: Record<string, string>;
  status?: Deployment['status'];
}

export function deployment(options: DeploymentOptions = {}): Deployment {
  const strategy: DeploymentSpec['strategy'] =
    options.strategy === 'Recreate'
      ? { type: 'Recreate' }
      : {
          type: 'RollingUpdate',
          rollingUpdate: {
            maxSurge: options.maxSurge ?? '25%',
            maxUnavailable: options.maxUnavailable ?? '25%',
          },
        };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'default',
      uid: 'uid-web',
      resourceVersion: '100',
      generation: options.generation ?? 1,
      ...(options.annotations !== undefined ? { annotations: options.annotations } : {}),
    },
    spec: {
      replicas: options.replicas ?? 3,
      selector: { matchLabels: { app: 'web' } },
      template: template(options.image),
      strategy,
      revisionHistoryLimit: options.revisionHistoryLimit ?? 10,
      progressDeadlineSeconds: options.progressDeadlineSeconds ?? 600,
      ...(options.minReadySeconds !== undefined ? { minReadySeconds: options.minReadySeconds } : {}),
      ...(options.paused !== undefined ? { paused: options.paused } : {}),
    },
    ...(options.status !== undefined ? { status: options.status } : {}),
  };
}

export interface ReplicaSetOptions {
  name: string;
  replicas: number;
  available?: number;
  ready?: number;
  statusReplicas?: number;
  image?: string;
  revision?: number;
  /** Seconds after T0. */
  created?: number;
  /** desired-replicas / max-replicas annotations. */
  sizedFor?: { desired: number; max: number };
  annotations?: Record<string, string>;
  generation?: number;
  observedGeneration?: number;
}

export function replicaSet(options: ReplicaSetOptions): ReplicaSet {
  const hash = options.name.split('-').pop() ?? 'x';
  const tpl = template(options.image ?? `image-of-${options.name}`);
  const annotations: Record<string, string> = { ...(options.annotations ?? {}) };
  if (options.revision !== undefined) annotations[REVISION_ANNOTATION] = String(options.revision);
  if (options.sizedFor !== undefined) {
    annotations[DESIRED_REPLICAS_ANNOTATION] = String(options.sizedFor.desired);
    annotations[MAX_REPLICAS_ANNOTATION] = String(options.sizedFor.max);
  }
  const labels = { app: 'web', [POD_TEMPLATE_HASH_LABEL]: hash };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: options.name,
      namespace: 'default',
      uid: `uid-${options.name}`,
      resourceVersion: `rv-${options.name}`,
      generation: options.generation ?? 1,
      creationTimestamp: formatTime(T0 + (options.created ?? 0) * 1000),
      labels,
      annotations,
    },
    spec: {
      replicas: options.replicas,
      selector: { matchLabels: labels },
      template: { ...tpl, metadata: { labels } },
    },
    status: {
      replicas: options.statusReplicas ?? options.replicas,
      readyReplicas: options.ready ?? options.available ?? options.replicas,
      availableReplicas: options.available ?? options.replicas,
      observedGeneration: options.observedGeneration ?? options.generation ?? 1,
    },
  };
}
