import type { Node, Pod } from '@flotilla/api';
import {
  type ApiObject,
  type Client,
  createInProcessClient,
  type ResourceClient,
  SharedInformerFactory,
} from '@flotilla/client';
import { VirtualClock } from '@flotilla/clock';
import { MemoryBackend, ObjectStore } from '@flotilla/store';
import { describe, expect, it } from 'vitest';
import { Scheduler } from './scheduler.js';

function node(name: string, cpu = '4', labels: Record<string, string> = {}): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } },
    status: {
      capacity: { cpu, memory: '8Gi', pods: '110' },
      allocatable: { cpu, memory: '8Gi', pods: '110' },
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  };
}

function pod(name: string, cpu = '1', extra: Partial<Pod['spec']> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: 'web' } },
    spec: {
      containers: [{ name: 'c', image: 'nginx', resources: { requests: { cpu, memory: '100Mi' } } }],
      ...extra,
    },
  };
}

/** `inner` with every write reported to `seen` (by verb) before it is made. */
function recording<T extends ApiObject>(
  inner: ResourceClient<T>,
  seen: (verb: string) => void,
): ResourceClient<T> {
  const writes = new Set(['create', 'update', 'updateStatus', 'patch', 'delete']);
  return new Proxy(inner, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (key === 'namespace') return (ns: string) => recording(target.namespace(ns), seen);
      if (typeof key !== 'string' || !writes.has(key) || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        seen(key);
        return value.apply(target, args);
      };
    },
  });
}

async function start(options: { preemption?: boolean; wrap?: (client: Client) => Client } = {}) {
  const clock = new VirtualClock();
  const store = new ObjectStore({ backend: new MemoryBackend(), clock });
  const client = createInProcessClient(store);
  const informers = new SharedInformerFactory(client, { clock });
  const errors: unknown[] = [];
  const { wrap, ...rest } = options;
  const scheduler = new Scheduler({
    client: wrap ? wrap(client) : client,
    informers,
    clock,
    seed: 1,
    ...rest,
    onError: (e) => errors.push(e),
  });
  informers.start();
  scheduler.start();
  const settle = async (ms = 2_000) => {
    for (let t = 0; t < ms; t += 10) await clock.advance(10);
  };
  const nodes = client.resource('v1', 'Node');
  const pods = client.resource('v1', 'Pod').namespace('default');
  const events = client.resource('v1', 'Event').namespace('default');
  const stop = async () => {
    await scheduler.stop();
    informers.stop();
  };
  return { clock, client, scheduler, settle, nodes, pods, events, errors, stop };
}

describe('Scheduler loop', () => {
  it('binds pending pods, spreads them, and records Scheduled events', async () => {
    const h = await start();
    for (const n of ['n1', 'n2', 'n3']) await h.nodes.create(node(n));
    for (let i = 0; i < 6; i++) await h.pods.create(pod(`p${i}`));
    await h.settle();
    const bound = (await h.pods.list()).items.map((p) => p.spec?.nodeName);
    expect(bound.every(Boolean)).toBe(true);
    const perNode = new Map<string, number>();
    for (const n of bound) perNode.set(n ?? '', (perNode.get(n ?? '') ?? 0) + 1);
    expect([...perNode.values()]).toEqual([2, 2, 2]);
    const scheduled = (await h.events.list()).items.filter((e) => e.reason === 'Scheduled');
    expect(scheduled).toHaveLength(6);
    expect(scheduled[0]?.message).toMatch(/^Successfully assigned default\/p\d to n\d$/);
    expect(h.errors).toEqual([]);
    await h.stop();
  });

  it('explains why a pod fits nowhere, and schedules it once a node that fits appears', async () => {
    const h = await start();
    await h.nodes.create(node('small', '1'));
    await h.pods.create(pod('big', '3'));
    await h.settle();
    let big = await h.pods.get('big');
    expect(big.spec?.nodeName).toBeUndefined();
    const condition = big.status?.conditions?.find((c) => c.type === 'PodScheduled');
    expect(condition).toMatchObject({
      status: 'False',
      reason: 'Unschedulable',
      message: '0/1 nodes are available: 1 Insufficient cpu.',
    });
    const failed = (await h.events.list()).items.find((e) => e.reason === 'FailedScheduling');
    expect(failed).toMatchObject({
      type: 'Warning',
      message: '0/1 nodes are available: 1 Insufficient cpu.',
    });

    await h.nodes.create(node('large', '8'));
    await h.settle(15_000);
    big = await h.pods.get('big');
    expect(big.spec?.nodeName).toBe('large');
    // Bound through a Binding: the condition turns True, the spec's generation stays.
    expect(big.status?.conditions?.filter((c) => c.type === 'PodScheduled')).toEqual([
      { type: 'PodScheduled', status: 'True', lastTransitionTime: expect.any(String) },
    ]);
    expect(big.metadata?.generation).toBe(1);
    await h.stop();
  });

  it('frees room when a pod is deleted and binds the waiting pod', async () => {
    const h = await start();
    await h.nodes.create(node('only', '2'));
    await h.pods.create(pod('first', '2'));
    await h.settle();
    await h.pods.create(pod('second', '2'));
    await h.settle();
    expect((await h.pods.get('second')).spec?.nodeName).toBeUndefined();
    await h.pods.delete('first');
    await h.settle(15_000);
    expect((await h.pods.get('second')).spec?.nodeName).toBe('only');
    await h.stop();
  });

  it('binds with one Binding per pod: no patch or update of the pod', async () => {
    const writes: string[] = [];
    const h = await start({
      wrap: (client) => ({
        resource: (apiVersion, kind) =>
          recording(client.resource(apiVersion, kind), (verb) => writes.push(`${verb} ${kind}`)),
      }),
    });
    await h.nodes.create(node('n1'));
    const created = await h.pods.create(pod('solo'));
    await h.settle();
    const bound = await h.pods.get('solo');
    expect(bound.spec?.nodeName).toBe('n1');
    expect(bound.metadata?.generation).toBe(created.metadata?.generation);
    expect(writes.filter((w) => !w.endsWith(' Event'))).toEqual(['create Binding']);
    await h.stop();
  });

  it('never binds a pod that someone else bound first', async () => {
    const h = await start();
    await h.nodes.create(node('n1'));
    await h.nodes.create(node('n2'));
    const created = await h.pods.create(pod('taken'));
    await h.pods.update({ ...created, spec: { ...created.spec!, nodeName: 'n2' } });
    await h.settle();
    expect((await h.pods.get('taken')).spec?.nodeName).toBe('n2');
    await h.stop();
  });

  it('preempts lower-priority pods for a higher-priority one and nominates the node', async () => {
    const h = await start();
    await h.nodes.create(node('n1', '2'));
    await h.pods.create(pod('low', '2', { priority: 1 }));
    await h.settle();
    await h.pods.create(pod('high', '2', { priority: 1000 }));
    await h.settle(15_000);
    const names = (await h.pods.list()).items.map((p) => [p.metadata?.name, p.spec?.nodeName]);
    expect(names).toEqual([['high', 'n1']]);
    const reasons = (await h.events.list()).items.map((e) => e.reason);
    expect(reasons).toContain('Preempted');
    await h.stop();
  });

  it('never preempts a pod of equal or higher priority', async () => {
    const h = await start();
    await h.nodes.create(node('n1', '2'));
    await h.pods.create(pod('incumbent', '2', { priority: 1000 }));
    await h.settle();
    await h.pods.create(pod('newcomer', '2', { priority: 1000 }));
    await h.settle(15_000);
    expect((await h.pods.get('incumbent')).spec?.nodeName).toBe('n1');
    expect((await h.pods.get('newcomer')).spec?.nodeName).toBeUndefined();
    await h.stop();
  });

  it('keeps a bound pod in the snapshot across status updates, and recompiles it when its labels change', async () => {
    const h = await start();
    await h.nodes.create(node('n1'));
    await h.pods.create(pod('p'));
    await h.settle();
    const bound = await h.pods.get('p');
    const uid = bound.metadata?.uid ?? '';
    const info = () => h.scheduler.snapshot.nodeOf(uid)?.pods.find((p) => p.uid === uid);
    const before = info();
    expect(before?.labels).toEqual({ app: 'web' });
    await h.pods.updateStatus({ ...bound, status: { ...bound.status, phase: 'Running' } });
    await h.settle(100);
    expect(info()).toBe(before); // a status write: nothing the scheduler reads changed
    const running = await h.pods.get('p');
    await h.pods.update({ ...running, metadata: { ...running.metadata, labels: { app: 'api' } } });
    await h.settle(100);
    expect(info()).not.toBe(before);
    expect(info()?.labels).toEqual({ app: 'api' });
    expect(h.scheduler.snapshot.nodeOf(uid)?.name).toBe('n1');
    expect(h.scheduler.snapshot.node('n1')?.podCount).toBe(1);
    await h.stop();
  });
});
