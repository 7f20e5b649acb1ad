import type { Lease, Node, Pod } from '@flotilla/api';
import { toRFC3339, toRFC3339Micro } from '@flotilla/clock';
import { describe, expect, it } from 'vitest';
import { lastHeartbeat, planNodeLifecycle, TAINT_NODE_UNREACHABLE } from './plan.js';

const T0 = Date.UTC(2024, 0, 1);
const s = (seconds: number) => T0 + seconds * 1000;

function node(ready: 'True' | 'Unknown', taintedAt?: number): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'n1', resourceVersion: '7', creationTimestamp: toRFC3339(T0) },
    spec:
      taintedAt === undefined
        ? {}
        : {
            taints: [
              { key: TAINT_NODE_UNREACHABLE, effect: 'NoSchedule', timeAdded: toRFC3339(taintedAt) },
              { key: TAINT_NODE_UNREACHABLE, effect: 'NoExecute', timeAdded: toRFC3339(taintedAt) },
            ],
          },
    status: {
      conditions: [
        { type: 'Ready', status: ready, lastHeartbeatTime: toRFC3339(T0), lastTransitionTime: toRFC3339(T0) },
      ],
    },
  };
}
const lease = (renewedAt: number): Lease => ({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  metadata: { name: 'n1', namespace: 'kube-node-lease' },
  spec: { holderIdentity: 'n1', leaseDurationSeconds: 40, renewTime: toRFC3339Micro(renewedAt) },
});
const pod = (name: string, extra: Partial<Pod['spec']> = {}, deleting = false): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'default',
    uid: `uid-${name}`,
    ...(deleting ? { deletionTimestamp: toRFC3339(T0) } : {}),
  },
  spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'i' }], ...extra },
  status: { phase: 'Running' },
});

describe('planNodeLifecycle', () => {
  it.each([
    {
      name: 'fresh lease: nothing to do, look again when it would expire',
      node: node('True'),
      lease: lease(s(10)),
      now: s(20),
      want: [],
      requeueAfter: 30_000,
    },
    {
      name: 'silent for 40 s: Ready becomes Unknown',
      node: node('True'),
      lease: lease(s(10)),
      now: s(50),
      want: ['markUnknown'],
      requeueAfter: 1,
    },
    {
      name: 'Unknown and untainted: taint unreachable',
      node: node('Unknown'),
      lease: lease(s(10)),
      now: s(51),
      want: ['setTaints'],
      requeueAfter: 1,
    },
    {
      name: 'tainted, before the eviction timeout: wait',
      node: node('Unknown', s(51)),
      lease: lease(s(10)),
      now: s(100),
      pods: [pod('a')],
      want: [],
      requeueAfter: 251_000,
    },
    {
      name: 'tainted, past the eviction timeout: evict',
      node: node('Unknown', s(51)),
      lease: lease(s(10)),
      now: s(351),
      pods: [pod('a')],
      want: ['evictPod:a'],
    },
    {
      name: 'terminating pods and forever-tolerating pods stay',
      node: node('Unknown', s(51)),
      lease: lease(s(10)),
      now: s(400),
      pods: [
        pod('a', {}, true),
        pod('b', { tolerations: [{ key: TAINT_NODE_UNREACHABLE, operator: 'Exists', effect: 'NoExecute' }] }),
      ],
      want: [],
    },
    {
      name: 'tolerationSeconds shortens the wait',
      node: node('Unknown', s(51)),
      lease: lease(s(10)),
      now: s(62),
      pods: [
        pod('c', {
          tolerations: [
            { key: TAINT_NODE_UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 },
          ],
        }),
      ],
      want: ['evictPod:c'],
    },
    {
      name: 'back and Ready: taints removed',
      node: node('True', s(51)),
      lease: lease(s(400)),
      now: s(401),
      want: ['setTaints'],
      requeueAfter: 39_000,
    },
    {
      name: 'back but still Unknown: keep the taints until the agent reports',
      node: node('Unknown', s(51)),
      lease: lease(s(400)),
      now: s(401),
      want: [],
      requeueAfter: 39_000,
    },
  ])('$name', ({ node: n, lease: l, now, pods, want, requeueAfter }) => {
    const plan = planNodeLifecycle(n, l, pods ?? [], { now });
    expect(plan.actions.map((a) => (a.type === 'evictPod' ? `evictPod:${a.name}` : a.type))).toEqual(want);
    if (requeueAfter !== undefined) expect(plan.requeueAfter).toBe(requeueAfter);
  });

  it('writes Kubernetes’ Unknown condition and both unreachable taints', () => {
    const unknown = planNodeLifecycle(node('True'), lease(s(0)), [], { now: s(60) }).actions[0];
    expect(unknown?.type === 'markUnknown' && unknown.status.conditions?.[0]).toMatchObject({
      type: 'Ready',
      status: 'Unknown',
      reason: 'NodeStatusUnknown',
      lastTransitionTime: toRFC3339(s(60)),
    });
    const taint = planNodeLifecycle(node('Unknown'), lease(s(0)), [], { now: s(61) }).actions[0];
    expect(taint?.type === 'setTaints' && taint.taints.map((t) => `${t.key}:${t.effect}`)).toEqual([
      `${TAINT_NODE_UNREACHABLE}:NoSchedule`,
      `${TAINT_NODE_UNREACHABLE}:NoExecute`,
    ]);
    const untaint = planNodeLifecycle(node('True', s(61)), lease(s(100)), [], { now: s(101) }).actions[0];
    expect(untaint?.type === 'setTaints' && untaint.taints).toEqual([]);
  });

  it('MarkPodsNotReady: once the node is Unknown, pods Ready since before become Ready=False', () => {
    const readyPod = (name: string, since: number): Pod => ({
      ...pod(name),
      metadata: { ...pod(name).metadata, resourceVersion: '3' },
      status: {
        phase: 'Running',
        conditions: [
          { type: 'PodScheduled', status: 'True', lastTransitionTime: toRFC3339(T0) },
          { type: 'Ready', status: 'True', lastTransitionTime: toRFC3339(since) },
        ],
      },
    });
    const unknownAt50: Node = {
      ...node('Unknown'),
      status: {
        conditions: [
          {
            type: 'Ready',
            status: 'Unknown',
            reason: 'NodeStatusUnknown',
            lastHeartbeatTime: toRFC3339(T0),
            lastTransitionTime: toRFC3339(s(50)),
          },
        ],
      },
    };
    const pods = [readyPod('a', s(5)), readyPod('b', s(60)), { ...pod('c'), status: { phase: 'Pending' } }];
    const plan = planNodeLifecycle(unknownAt50, lease(s(10)), pods, { now: s(51) });
    // Only `a`: `b` was reported Ready by its agent after the node went Unknown, `c` was never Ready.
    expect(plan.actions.map((a) => a.type)).toEqual(['markPodNotReady', 'setTaints']);
    const marked = plan.actions[0];
    expect(marked?.type === 'markPodNotReady' && marked.pod.metadata).toMatchObject({
      name: 'a',
      resourceVersion: '3',
    });
    expect(marked?.type === 'markPodNotReady' && marked.pod.status?.conditions).toEqual([
      { type: 'PodScheduled', status: 'True', lastTransitionTime: toRFC3339(T0) },
      { type: 'Ready', status: 'False', lastTransitionTime: toRFC3339(s(51)) },
    ]);
    // Not before the node is Unknown, and not again once marked.
    expect(planNodeLifecycle(node('True'), lease(s(10)), pods, { now: s(20) }).actions).toEqual([]);
    const after = marked?.type === 'markPodNotReady' ? marked.pod : pods[0]!;
    expect(
      planNodeLifecycle(unknownAt50, lease(s(10)), [after], { now: s(52) }).actions.map((a) => a.type),
    ).toEqual(['setTaints']);
  });

  it('takes the latest of lease renewal, Ready heartbeat and creation as the last heartbeat', () => {
    expect(lastHeartbeat(node('True'), undefined)).toBe(T0);
    expect(lastHeartbeat(node('True'), lease(s(30)))).toBe(s(30));
  });
});
