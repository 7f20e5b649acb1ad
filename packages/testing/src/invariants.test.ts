import type { Deployment, Node, Pod, ReplicaSet } from '@flotilla/api';
import { toRFC3339 } from '@flotilla/clock';
import { describe, expect, it } from 'vitest';
import {
  type ClusterState,
  checkInvariants,
  everyDeploymentConverges,
  noNodeOvercommitted,
  noPodOnNotReadyNode,
  rolloutBudgetsRespected,
} from './invariants.js';

const T0 = Date.UTC(2024, 0, 1);
const node = (name: string, ready: 'True' | 'Unknown' = 'True', since = T0): Node => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name },
  status: {
    allocatable: { cpu: '1', memory: '1Gi', pods: '3' },
    conditions: [{ type: 'Ready', status: ready, lastTransitionTime: toRFC3339(since) }],
  },
});
const pod = (name: string, nodeName: string, cpu = '100m', extra: Partial<Pod> = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'default',
    uid: `uid-${name}`,
    ownerReferences: [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'rs-2', controller: true },
    ],
  },
  spec: {
    nodeName,
    containers: [{ name: 'c', image: 'i', resources: { requests: { cpu, memory: '64Mi' } } }],
  },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
  ...extra,
});
const deployment = (replicas: number, status: Deployment['status'], generation = 1): Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', uid: 'd-1', generation },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'i' }] } },
  },
  status,
});
const rs = (uid: string, replicas: number, revision: number): ReplicaSet => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: {
    name: uid,
    namespace: 'default',
    uid,
    annotations: { 'deployment.kubernetes.io/revision': String(revision) },
    ownerReferences: [
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd-1', controller: true },
    ],
  },
  spec: { replicas, selector: { matchLabels: { app: 'web' } } },
});
const state = (s: Partial<ClusterState>): ClusterState => ({
  now: T0,
  nodes: [],
  pods: [],
  deployments: [],
  replicaSets: [],
  ...s,
});
const converged = { observedGeneration: 1, replicas: 2, updatedReplicas: 2, availableReplicas: 2 };

describe('invariants', () => {
  it.each([
    {
      name: 'fits',
      invariant: noNodeOvercommitted,
      s: state({ nodes: [node('n1')], pods: [pod('a', 'n1', '500m'), pod('b', 'n1', '500m')] }),
      want: [],
    },
    {
      name: 'cpu over allocatable',
      invariant: noNodeOvercommitted,
      s: state({ nodes: [node('n1')], pods: [pod('a', 'n1', '600m'), pod('b', 'n1', '500m')] }),
      want: ['node n1: cpu requested 1100 > allocatable 1000'],
    },
    {
      name: 'too many pods',
      invariant: noNodeOvercommitted,
      s: state({ nodes: [node('n1')], pods: ['a', 'b', 'c', 'd'].map((n) => pod(n, 'n1', '1m')) }),
      want: ['node n1: pods requested 4 > allocatable 3'],
    },
    {
      name: 'finished pods do not count',
      invariant: noNodeOvercommitted,
      s: state({
        nodes: [node('n1')],
        pods: [pod('a', 'n1', '900m'), pod('b', 'n1', '900m', { status: { phase: 'Succeeded' } })],
      }),
      want: [],
    },
    {
      name: 'NotReady within the timeout',
      invariant: noPodOnNotReadyNode,
      s: state({ now: T0 + 300_000, nodes: [node('n1', 'Unknown')], pods: [pod('a', 'n1')] }),
      want: [],
    },
    {
      name: 'NotReady past the timeout',
      invariant: noPodOnNotReadyNode,
      s: state({ now: T0 + 316_000, nodes: [node('n1', 'Unknown')], pods: [pod('a', 'n1')] }),
      want: ['pod default/a still on node n1, NotReady for 316000 ms (limit 315000 ms)'],
    },
    {
      name: 'terminating pods are on their way out',
      invariant: noPodOnNotReadyNode,
      s: state({
        now: T0 + 900_000,
        nodes: [node('n1', 'Unknown')],
        pods: [pod('a', 'n1', '1m', { metadata: { name: 'a', deletionTimestamp: toRFC3339(T0) } })],
      }),
      want: [],
    },
    {
      name: 'within surge',
      invariant: rolloutBudgetsRespected,
      s: state({
        deployments: [deployment(2, converged)],
        replicaSets: [rs('rs-1', 1, 1), rs('rs-2', 2, 2)],
      }),
      want: [],
    },
    {
      name: 'over surge',
      invariant: rolloutBudgetsRespected,
      s: state({
        deployments: [deployment(2, converged)],
        replicaSets: [rs('rs-1', 2, 1), rs('rs-2', 2, 2)],
      }),
      want: ['deployment default/web: ReplicaSets ask for 4 > replicas 2 + maxSurge 1'],
    },
    {
      name: 'under the availability floor',
      invariant: rolloutBudgetsRespected,
      s: state({
        deployments: [deployment(3, converged)],
        replicaSets: [rs('rs-1', 0, 1), rs('rs-2', 1, 2)],
      }),
      want: ['deployment default/web: ReplicaSets ask for 1 < replicas 3 − maxUnavailable 1'],
    },
    {
      name: 'generation not yet observed: no budget applies',
      invariant: rolloutBudgetsRespected,
      s: state({ deployments: [deployment(2, converged, 2)], replicaSets: [rs('rs-1', 5, 1)] }),
      want: [],
    },
  ])('$name', ({ invariant, s, want }) => {
    expect(checkInvariants([invariant()], s).map((v) => v.message)).toEqual(want);
  });

  it.each([
    { name: 'converged', status: converged, pods: [pod('a', 'n1'), pod('b', 'n1')], want: 0 },
    {
      name: 'status short of replicas',
      status: { ...converged, availableReplicas: 1 },
      pods: [pod('a', 'n1'), pod('b', 'n1')],
      want: 1,
    },
    {
      name: 'status fine but a pod is not Ready',
      status: converged,
      pods: [pod('a', 'n1'), pod('b', 'n1', '1m', { status: { phase: 'Running' } })],
      want: 1,
    },
  ])('every Deployment converges: $name', ({ status, pods, want }) => {
    const s = state({
      deployments: [deployment(2, status)],
      replicaSets: [rs('rs-1', 0, 1), rs('rs-2', 2, 2)],
      pods,
    });
    expect(checkInvariants([everyDeploymentConverges()], s, 'final')).toHaveLength(want);
    expect(checkInvariants([everyDeploymentConverges()], s, 'check')).toHaveLength(0);
  });
});
