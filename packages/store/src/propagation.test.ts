import { VirtualClock } from '@flotilla/clock';
import { describe, expect, it } from 'vitest';
import { MemoryBackend } from './memory-backend.js';
import { ObjectStore } from './object-store.js';

const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'default', name: 'cm' } as const;
const configMap = (finalizers?: string[]) => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'cm', namespace: 'default', ...(finalizers ? { finalizers } : {}) },
});

async function storeWith(finalizers?: string[]) {
  const store = new ObjectStore({ backend: new MemoryBackend(), clock: new VirtualClock() });
  await store.create(configMap(finalizers));
  return store;
}

describe('delete with propagationPolicy', () => {
  it.each([
    { policy: 'Foreground' as const, before: undefined, want: ['foregroundDeletion'] },
    { policy: 'Orphan' as const, before: undefined, want: ['orphan'] },
    {
      policy: 'Foreground' as const,
      before: ['example.com/x', 'orphan'],
      want: ['example.com/x', 'foregroundDeletion'],
    },
    { policy: 'Background' as const, before: ['example.com/x', 'orphan'], want: ['example.com/x'] },
  ])('$policy on $before leaves $want and marks the object deleted', async ({ policy, before, want }) => {
    const store = await storeWith(before);
    const marked = await store.delete(ref, { propagationPolicy: policy });
    expect(marked.metadata?.finalizers).toEqual(want);
    expect(marked.metadata?.deletionTimestamp).toBeTruthy();
    expect((await store.get(ref)).metadata?.finalizers).toEqual(want);
  });

  it('Background with no finalizers left removes the object at once', async () => {
    const store = await storeWith(['orphan']);
    await store.delete(ref, { propagationPolicy: 'Background' });
    await expect(store.get(ref)).rejects.toMatchObject({ reason: 'NotFound' });
  });

  it('the object goes when the garbage collector removes the last finalizer', async () => {
    const store = await storeWith();
    const marked = await store.delete(ref, { propagationPolicy: 'Orphan' });
    await store.update({ ...marked, metadata: { ...marked.metadata, finalizers: [] } });
    await expect(store.get(ref)).rejects.toMatchObject({ reason: 'NotFound' });
  });

  it('rejects an unknown policy with a BadRequest naming the field', async () => {
    const store = await storeWith();
    await expect(store.delete(ref, { propagationPolicy: 'Sometimes' as never })).rejects.toMatchObject({
      reason: 'BadRequest',
      message: expect.stringContaining('propagationPolicy: Unsupported value: "Sometimes"'),
    });
  });
});

describe('graceful Pod deletion', () => {
  it('keeps a terminating Pod through status updates until it is deleted again', async () => {
    const store = new ObjectStore({ backend: new MemoryBackend(), clock: new VirtualClock() });
    const pod = await store.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default' },
      spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x' }] },
      status: { phase: 'Running' },
    });
    const podRef = { apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'p' };
    await store.update({ ...pod, status: { phase: 'Running' } }, { subresource: 'status' });
    const terminating = await store.delete(podRef, { gracePeriodSeconds: 30 });
    expect(terminating.metadata?.deletionTimestamp).toBeTruthy();
    const stopped = await store.update(
      { ...terminating, status: { phase: 'Succeeded' } } as typeof terminating,
      { subresource: 'status' },
    );
    expect((stopped as { status?: { phase?: string } }).status?.phase).toBe('Succeeded');
    expect((await store.get(podRef)).metadata?.deletionTimestamp).toBeTruthy();
    await store.delete(podRef, { gracePeriodSeconds: 0 });
    await expect(store.get(podRef)).rejects.toMatchObject({ reason: 'NotFound' });
  });
});
