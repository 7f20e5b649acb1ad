import { VirtualClock } from '@flotilla/clock';
import { describe, expect, it } from 'vitest';
import { MemoryBackend } from './memory-backend.js';
import { ObjectStore } from './object-store.js';
import type { StoreObject, WatchEvent } from './types.js';

const pod = (name: string, nodeName?: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'default' },
  spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', image: 'x' }] },
});

describe('watches routed by an exact field value', () => {
  it('see exactly the events a full selector check would give, for many nodes', async () => {
    const store = new ObjectStore({ backend: new MemoryBackend(), clock: new VirtualClock() });
    const seen = new Map<string, string[]>();
    const subs = ['n1', 'n2', 'n3'].map((node) =>
      store
        .watch({ apiVersion: 'v1', kind: 'Pod' }, { fieldSelector: `spec.nodeName=${node}` })
        .subscribe((e: WatchEvent<StoreObject>) => {
          const list = seen.get(node) ?? [];
          list.push(`${e.type} ${e.object.metadata?.name}`);
          seen.set(node, list);
        }),
    );
    const unbound: string[] = [];
    subs.push(
      store
        .watch({ apiVersion: 'v1', kind: 'Pod' }, { fieldSelector: 'spec.nodeName=' })
        .subscribe((e) => unbound.push(`${e.type} ${e.object.metadata?.name}`)),
    );
    const a = await store.create(pod('a'));
    await store.create(pod('b', 'n2'));
    await store.update({ ...a, spec: { ...a.spec, nodeName: 'n1' } });
    const current = await store.get({ apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'a' });
    await store.update({ ...current, metadata: { ...current.metadata, labels: { x: 'y' } } });
    await store.delete({ apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'b' });
    await new Promise((r) => setImmediate(r));
    expect(seen.get('n1')).toEqual(['ADDED a', 'MODIFIED a']);
    expect(seen.get('n2')).toEqual(['ADDED b', 'DELETED b']);
    expect(seen.get('n3')).toBeUndefined();
    expect(unbound).toEqual(['ADDED a', 'DELETED a']);
    for (const s of subs) s.unsubscribe();
    store.close();
  });
});
