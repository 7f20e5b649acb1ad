import { type ConfigMap, isBadRequest, isNotFound, type Pod } from '@flotilla/api';
import { VirtualClock } from '@flotilla/clock';
import { MemoryBackend, ObjectStore } from '@flotilla/store';
import { Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { Client, ResourceClient } from '../client.js';
import { createInProcessClient } from '../in-process-client.js';
import type { ApiObject } from '../types.js';
import { WorkQueue } from '../work-queue.js';
import { splitObjectKey } from './cache.js';
import { SharedInformerFactory } from './factory.js';

/** Counts list and watch calls per kind, to show that informers share them. */
function counting(inner: Client) {
  const calls: string[] = [];
  const client: Client = {
    resource(apiVersion, kind) {
      const wrap = <T extends ApiObject>(r: ResourceClient<T>): ResourceClient<T> =>
        Object.assign(Object.create(r) as ResourceClient<T>, {
          namespace: (ns: string) => wrap(r.namespace(ns)),
          list: (o?: object) => {
            calls.push(`list ${kind}`);
            return r.list(o);
          },
          watch: (o?: object) =>
            new Observable<never>((s) => {
              calls.push(`watch ${kind}`);
              return r.watch(o).subscribe(s as never);
            }),
        });
      return wrap(inner.resource(apiVersion, kind));
    },
  };
  return { client, calls };
}

function setup() {
  const clock = new VirtualClock();
  const store = new ObjectStore({ backend: new MemoryBackend(), clock });
  const { client, calls } = counting(createInProcessClient(store));
  const factory = new SharedInformerFactory(client, { clock });
  return { clock, store, client, calls, factory };
}

function pod(namespace: string, name: string, nodeName?: string, labels: Record<string, string> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace, name, labels },
    spec: { containers: [{ name: 'c', image: 'nginx:1.27' }], ...(nodeName ? { nodeName } : {}) },
  };
}

describe('SharedInformerFactory', () => {
  it('hands out one informer per kind and scope, comparing selectors canonically', () => {
    const { factory } = setup();
    const a = factory.informerFor('v1', 'Pod', { labelSelector: 'b=2,a=1' });
    expect(factory.informerFor('v1', 'Pod', { labelSelector: 'a=1, b=2' })).toBe(a);
    expect(factory.informerFor('v1', 'Pod', { labelSelector: 'a=1' })).not.toBe(a);
    expect(factory.informerFor('v1', 'Pod')).toBe(factory.informerFor('v1', 'Pod', { namespace: '' }));
    expect(factory.informerFor('v1', 'Pod', { namespace: 'x' })).not.toBe(factory.informerFor('v1', 'Pod'));
    const error = (() => {
      try {
        factory.informerFor('v1', 'Pod', { labelSelector: 'a in (' });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(isBadRequest(error)).toBe(true);
  });

  it('shares one list and one watch between two controllers watching Pods', async () => {
    const { factory, calls, client, clock } = setup();
    await client.resource('v1', 'Pod').create(pod('default', 'p1'));
    const seenByA: string[] = [];
    const seenByB: string[] = [];
    factory
      .informerFor('v1', 'Pod')
      .events$.subscribe((e) => seenByA.push(`${e.type} ${e.object.metadata?.name}`));
    factory
      .informerFor('v1', 'Pod')
      .events$.subscribe((e) => seenByB.push(`${e.type} ${e.object.metadata?.name}`));
    factory.start();
    await factory.whenSynced();
    expect(factory.hasSynced()).toBe(true);
    await client.resource('v1', 'Pod').create(pod('default', 'p2'));
    await clock.runUntilIdle();
    expect(calls).toEqual(['list Pod', 'watch Pod']);
    expect(seenByA).toEqual(['ADDED p1', 'ADDED p2']);
    expect(seenByB).toEqual(seenByA);
    // An informer handed out after start() starts at once.
    const nodes = factory.informerFor('v1', 'Node');
    await nodes.whenSynced();
    expect(calls).toEqual(['list Pod', 'watch Pod', 'list Node', 'watch Node']);
    factory.stop();
  });

  it('scopes informers by namespace and by field selector (a node agent’s pods)', async () => {
    const { factory, client, clock } = setup();
    const pods = client.resource('v1', 'Pod');
    await pods.create(pod('a', 'p1', 'n1'));
    await pods.create(pod('b', 'p2', 'n1'));
    await pods.create(pod('a', 'p3', 'n2'));
    const inA = factory.informerFor('v1', 'Pod', { namespace: 'a' });
    const onN1 = factory.informerFor('v1', 'Pod', { fieldSelector: 'spec.nodeName=n1' });
    factory.start();
    await factory.whenSynced();
    const names = (list: Pod[]) => list.map((p) => p.metadata?.name).sort();
    expect(names(inA.lister().list())).toEqual(['p1', 'p3']);
    expect(names(onN1.lister().list())).toEqual(['p1', 'p2']);
    await pods.namespace('a').delete('p1');
    await clock.runUntilIdle();
    expect(names(inA.lister().list())).toEqual(['p3']);
    expect(names(onN1.lister().list())).toEqual(['p2']);
    factory.stop();
  });

  it('keeps user-defined indexes current: pods by node, pods by owner uid', async () => {
    const { factory, client, clock } = setup();
    const informer = factory.informerFor('v1', 'Pod');
    const byNode = (p: Pod) => (p.spec?.nodeName ? [p.spec.nodeName] : []);
    informer.addIndexer('byNode', byNode);
    informer.addIndexer('byOwner', (p) => (p.metadata?.ownerReferences ?? []).map((o) => o.uid));
    informer.addIndexer('byNode', byNode); // a second controller registering the same index
    factory.start();
    const pods = client.resource('v1', 'Pod').namespace('default');
    await pods.create(pod('default', 'p1', 'n1'));
    const p2 = await pods.create({
      ...pod('default', 'p2', 'n2'),
      metadata: {
        name: 'p2',
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'rs-uid', controller: true },
        ],
      },
    });
    await clock.runUntilIdle();
    const names = (list: Pod[]) => list.map((p) => p.metadata?.name).sort();
    expect(names(informer.lister().byIndex('byNode', 'n1'))).toEqual(['p1']);
    expect(names(informer.lister().byIndex('byOwner', 'rs-uid'))).toEqual(['p2']);
    await pods.delete(p2.metadata?.name as string);
    await clock.runUntilIdle();
    expect(informer.lister().byIndex('byOwner', 'rs-uid')).toEqual([]);
    factory.stop();
  });
});

describe('a controller built from an informer, a work queue and the client', () => {
  /**
   * The shape every Flotilla controller has: notifications push keys, a worker pops a key, reads the
   * lister, and acts through the client. This one keeps a `<name>-copy` of every ConfigMap labelled
   * `copy=yes`, with the same data, and deletes copies whose source is gone.
   */
  it('converges, level-triggered, including deletions', async () => {
    const { factory, client, clock } = setup();
    const cms = client.resource('v1', 'ConfigMap');
    const informer = factory.informerFor('v1', 'ConfigMap');
    const queue = new WorkQueue<string>({ clock });
    informer.events$.subscribe((e) => {
      const name = e.object.metadata?.name ?? '';
      const source = name.endsWith('-copy') ? name.slice(0, -'-copy'.length) : name;
      queue.add(`${e.object.metadata?.namespace}/${source}`);
    });

    async function reconcile(key: string): Promise<void> {
      const { namespace, name } = splitObjectKey(key);
      const lister = informer.lister();
      const source = lister.get(namespace, name);
      const copy = lister.get(namespace, `${name}-copy`);
      const api = cms.namespace(namespace);
      if (source === undefined || source.metadata?.labels?.copy !== 'yes') {
        if (copy !== undefined)
          await api.delete(`${name}-copy`).catch((e) => (isNotFound(e) ? undefined : Promise.reject(e)));
        return;
      }
      const want: ConfigMap = {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `${name}-copy` },
        data: source.data ?? {},
      };
      if (copy === undefined) await api.create(want);
      else if (JSON.stringify(copy.data ?? {}) !== JSON.stringify(want.data)) {
        await api.update({ ...copy, data: want.data ?? {} });
      }
    }

    const worker = (async () => {
      for (;;) {
        const key = await queue.get();
        if (key === undefined) return;
        try {
          await reconcile(key);
          queue.forget(key);
        } catch {
          queue.addRateLimited(key);
        } finally {
          queue.done(key);
        }
      }
    })();

    factory.start();
    const ns = cms.namespace('default');
    await ns.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'a', labels: { copy: 'yes' } },
      data: { x: '1' },
    });
    await ns.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b' }, data: { y: '1' } });
    await clock.runUntilIdle();
    const state = async () =>
      Object.fromEntries((await ns.list()).items.map((c) => [c.metadata?.name, c.data]));
    expect(await state()).toEqual({ a: { x: '1' }, 'a-copy': { x: '1' }, b: { y: '1' } });

    await ns.patch('a', { data: { x: '2' } });
    await ns.patch('b', { metadata: { labels: { copy: 'yes' } } });
    await ns.delete('a-copy'); // someone deletes the copy: it comes back
    await clock.runUntilIdle();
    expect(await state()).toEqual({
      a: { x: '2' },
      'a-copy': { x: '2' },
      b: { y: '1' },
      'b-copy': { y: '1' },
    });

    await ns.delete('a');
    await clock.runUntilIdle();
    expect(await state()).toEqual({ b: { y: '1' }, 'b-copy': { y: '1' } });

    queue.shutDown();
    await worker;
    factory.stop();
  });
});
