import type { Pod, ReplicaSet } from '@flotilla/api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Expectations } from './expectations.js';
import { planReplicaSet, type ReplicaSetAction } from './plan.js';

const T0 = Date.UTC(2024, 0, 1);
const iso = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

function rs(
  replicas: number,
  extra: { minReadySeconds?: number; deleting?: boolean; status?: ReplicaSet['status'] } = {},
): ReplicaSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: 'web-abc',
      namespace: 'default',
      uid: 'rs-uid',
      generation: 2,
      resourceVersion: '10',
      ...(extra.deleting ? { deletionTimestamp: iso(T0) } : {}),
    },
    spec: {
      replicas,
      ...(extra.minReadySeconds ? { minReadySeconds: extra.minReadySeconds } : {}),
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web', tier: 'fe' } },
        spec: { containers: [{ name: 'web', image: 'nginx' }] },
      },
    },
    ...(extra.status ? { status: extra.status } : {}),
  };
}

let serial = 0;
function pod(
  o: {
    owner?: string | null;
    labels?: Record<string, string>;
    ready?: number;
    node?: string;
    phase?: string;
  } = {},
): Pod {
  const n = serial++;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `p${n}`,
      namespace: 'default',
      uid: `pod-${n}`,
      resourceVersion: String(100 + n),
      creationTimestamp: iso(T0 + n * 1000),
      labels: o.labels ?? { app: 'web', tier: 'fe' },
      ...(o.owner === null
        ? {}
        : {
            ownerReferences: [
              {
                apiVersion: 'apps/v1',
                kind: 'ReplicaSet',
                name: 'x',
                uid: o.owner ?? 'rs-uid',
                controller: true,
              },
            ],
          }),
    },
    spec: { containers: [{ name: 'web', image: 'nginx' }], ...(o.node ? { nodeName: o.node } : {}) },
    status: {
      phase: o.phase ?? 'Running',
      conditions: [
        o.ready !== undefined
          ? { type: 'Ready', status: 'True', lastTransitionTime: iso(o.ready) }
          : { type: 'Ready', status: 'False' },
      ],
    },
  };
}

const types = (actions: readonly ReplicaSetAction[]) => actions.map((a) => a.type);

describe('planReplicaSet', () => {
  it('creates the missing pods from the template, owned by the ReplicaSet', () => {
    const plan = planReplicaSet(rs(3), [pod()], { now: T0 });
    const create = plan.actions.find((a) => a.type === 'createPods');
    expect(create).toMatchObject({ count: 2 });
    if (create?.type !== 'createPods') throw new Error('no create');
    expect(create.pod.metadata).toMatchObject({
      generateName: 'web-abc-',
      namespace: 'default',
      labels: { app: 'web', tier: 'fe' },
      ownerReferences: [
        { kind: 'ReplicaSet', name: 'web-abc', uid: 'rs-uid', controller: true, blockOwnerDeletion: true },
      ],
    });
  });

  it("gives the pods the template's spec object itself (the store defaults a frozen one once for all)", () => {
    const set = rs(3);
    const create = planReplicaSet(set, [], { now: T0 }).actions.find((a) => a.type === 'createPods');
    if (create?.type !== 'createPods') throw new Error('no create');
    expect(create.pod.spec).toBe(set.spec?.template?.spec);
  });

  it('caps creations at the burst size', () => {
    const plan = planReplicaSet(rs(2000), [], { now: T0 });
    expect(plan.actions[0]).toMatchObject({ type: 'createPods', count: 500 });
  });

  it('deletes the surplus in preference order', () => {
    const ready = pod({ node: 'n1', ready: T0 });
    const notReady = pod({ node: 'n1' });
    const unscheduled = pod({ phase: 'Pending' });
    const plan = planReplicaSet(rs(1), [ready, notReady, unscheduled], { now: T0 });
    const deleted = plan.actions
      .filter((a) => a.type === 'deletePod')
      .map((a) => (a.type === 'deletePod' ? a.name : ''));
    expect(deleted).toEqual([unscheduled.metadata?.name, notReady.metadata?.name]);
  });

  it('ignores finished and terminating pods when counting', () => {
    const plan = planReplicaSet(rs(2), [pod({ phase: 'Succeeded' }), pod({ phase: 'Failed' }), pod()], {
      now: T0,
    });
    expect(plan.actions.find((a) => a.type === 'createPods')).toMatchObject({ count: 1 });
    expect(plan.status.replicas).toBe(1);
  });

  it('adopts matching orphans and releases owned pods that stopped matching', () => {
    const orphan = pod({ owner: null });
    const strayed = pod({ labels: { app: 'other' } });
    const foreign = pod({ owner: 'someone-else' });
    const plan = planReplicaSet(rs(1), [orphan, strayed, foreign], { now: T0 });
    expect(types(plan.actions)).toEqual(['adoptPod', 'releasePod', 'updateStatus']);
    expect(plan.status.replicas).toBe(1);
  });

  it('neither adopts nor scales while being deleted', () => {
    const plan = planReplicaSet(rs(3, { deleting: true }), [pod({ owner: null }), pod()], { now: T0 });
    expect(types(plan.actions)).toEqual(['updateStatus']);
  });

  it('waits for expectations before creating or deleting again', () => {
    const plan = planReplicaSet(rs(3), [], { now: T0, expectationsSatisfied: false });
    expect(types(plan.actions)).toEqual(['updateStatus']);
  });

  it('counts ready, available and fully labelled pods, and requeues for minReadySeconds', () => {
    const pods = [
      pod({ ready: T0 - 20_000 }),
      pod({ ready: T0 - 2_000 }),
      pod(),
      pod({ labels: { app: 'web' } }),
    ];
    const plan = planReplicaSet(rs(4, { minReadySeconds: 10 }), pods, { now: T0 });
    expect(plan.status).toEqual({
      replicas: 4,
      fullyLabeledReplicas: 3,
      readyReplicas: 2,
      availableReplicas: 1,
      observedGeneration: 2,
    });
    expect(plan.requeueAfter).toBe(8_000);
  });

  it('writes nothing when the world already matches', () => {
    const pods = [pod({ ready: T0 }), pod({ ready: T0 })];
    const status = {
      replicas: 2,
      fullyLabeledReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      observedGeneration: 2,
    };
    expect(planReplicaSet(rs(2, { status }), pods, { now: T0 }).actions).toEqual([]);
  });

  it('property: one pass fixes the pods, the next records status, and a third writes nothing', () => {
    const podArb = fc.record({
      owned: fc.constantFrom<'mine' | 'orphan' | 'foreign'>('mine', 'orphan', 'foreign'),
      matching: fc.boolean(),
      ready: fc.boolean(),
      phase: fc.constantFrom('Pending', 'Running', 'Succeeded', 'Failed'),
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 30 }), fc.array(podArb, { maxLength: 40 }), (replicas, specs) => {
        let pods = specs.map((s) =>
          pod({
            owner: s.owned === 'mine' ? 'rs-uid' : s.owned === 'orphan' ? null : 'other',
            labels: s.matching ? { app: 'web', tier: 'fe' } : { app: 'nope' },
            ...(s.ready ? { ready: T0 } : {}),
            phase: s.phase,
          }),
        );
        let current = rs(replicas);
        for (let round = 0; round < 3; round++) {
          const plan = planReplicaSet(current, pods, { now: T0 });
          if (round === 1) expect(plan.actions.filter((a) => a.type !== 'updateStatus')).toEqual([]);
          if (round === 2) {
            expect(plan.actions).toEqual([]);
            break;
          }
          for (const a of plan.actions) {
            if (a.type === 'createPods')
              for (let i = 0; i < a.count; i++)
                pods.push({ ...a.pod, metadata: { ...a.pod.metadata, name: `new-${i}`, uid: `new-${i}` } });
            else if (a.type === 'deletePod') pods = pods.filter((p) => p.metadata?.uid !== a.uid);
            else if (a.type === 'adoptPod')
              pods = pods.map((p) =>
                p.metadata?.name === a.name
                  ? { ...p, metadata: { ...p.metadata, ownerReferences: [a.ownerReference] } }
                  : p,
              );
            else if (a.type === 'releasePod')
              pods = pods.map((p) =>
                p.metadata?.name === a.name ? { ...p, metadata: { ...p.metadata, ownerReferences: [] } } : p,
              );
            else current = { ...current, status: a.status };
          }
          const mine = pods.filter(
            (p) =>
              p.metadata?.ownerReferences?.[0]?.uid === 'rs-uid' &&
              p.status?.phase !== 'Succeeded' &&
              p.status?.phase !== 'Failed',
          );
          expect(mine.length).toBe(replicas);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('Expectations', () => {
  it('is satisfied once every expected creation and deletion was observed', () => {
    const e = new Expectations();
    e.expect('ns/rs', T0, 2, ['u1']);
    expect(e.satisfied('ns/rs', T0)).toBe(false);
    e.creationObserved('ns/rs');
    e.creationObserved('ns/rs');
    expect(e.satisfied('ns/rs', T0)).toBe(false);
    e.deletionObserved('ns/rs', 'other');
    expect(e.satisfied('ns/rs', T0)).toBe(false);
    e.deletionObserved('ns/rs', 'u1');
    expect(e.satisfied('ns/rs', T0)).toBe(true);
  });

  it('expires so that a lost event never wedges the controller', () => {
    const e = new Expectations(1000);
    e.expect('k', T0, 1);
    expect(e.satisfied('k', T0 + 1000)).toBe(false);
    expect(e.satisfied('k', T0 + 1001)).toBe(true);
  });
});
