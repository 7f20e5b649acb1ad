import { ApiError, type Pod } from '@flotilla/api';
import { parseSelector } from '@flotilla/labels';
import fc from 'fast-check';
import { produce } from 'immer';
import { Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { BackendEvent } from './backend.js';
import { MemoryBackend } from './memory-backend.js';
import { POD, pod, rejection, setup } from './test-helpers.js';
import { Collector } from './testing/collector.js';
import type { StoreObject, WatchEvent } from './types.js';

const names = (list: { items: readonly StoreObject[] }) =>
  list.items.map((o) => `${o.metadata?.namespace}/${o.metadata?.name}`);

async function seed() {
  const ctx = setup();
  const { store } = ctx;
  await store.create(pod('a1', { namespace: 'a', labels: { app: 'web', tier: 'fe' }, nodeName: 'n1' }));
  await store.create(pod('a2', { namespace: 'a', labels: { app: 'db' } }));
  await store.create(pod('b1', { namespace: 'b', labels: { app: 'web', tier: 'be' }, nodeName: 'n2' }));
  await store.create(pod('b2', { namespace: 'b' }));
  await store.create(pod('ab1', { namespace: 'ab', labels: { app: 'web' } }));
  return ctx;
}

describe('ObjectStore list', () => {
  it.each([
    { name: 'everything', options: {}, want: ['a/a1', 'a/a2', 'ab/ab1', 'b/b1', 'b/b2'] },
    { name: 'one namespace (not its prefix sibling)', options: { namespace: 'a' }, want: ['a/a1', 'a/a2'] },
    { name: 'a label selector', options: { labelSelector: 'app=web' }, want: ['a/a1', 'ab/ab1', 'b/b1'] },
    { name: 'labels in a namespace', options: { namespace: 'b', labelSelector: 'app=web' }, want: ['b/b1'] },
    { name: 'a set selector', options: { labelSelector: 'tier in (fe,be),app' }, want: ['a/a1', 'b/b1'] },
    { name: 'a negative selector', options: { labelSelector: 'app!=web' }, want: ['a/a2', 'b/b2'] },
    { name: 'a field selector', options: { fieldSelector: 'spec.nodeName=n2' }, want: ['b/b1'] },
    { name: 'metadata.name', options: { fieldSelector: 'metadata.name=a2' }, want: ['a/a2'] },
    {
      name: 'fields and labels',
      options: { labelSelector: 'app=web', fieldSelector: 'metadata.namespace!=b' },
      want: ['a/a1', 'ab/ab1'],
    },
  ])('filters by $name', async ({ options, want }) => {
    const { store } = await seed();
    expect(names(await store.list(POD, options))).toEqual(want);
  });

  it.each([
    {
      name: 'an unsupported field',
      options: { fieldSelector: 'spec.image=x' },
      match: /field label not supported/,
    },
    { name: 'a bad label selector', options: { labelSelector: 'app in (' }, match: /./ },
    { name: 'a bad resourceVersion', options: { resourceVersion: 'abc' }, match: /resourceVersion/ },
    { name: 'a bad continue token', options: { continue: 'garbage!' }, match: /continue key is not valid/ },
    { name: 'a negative limit', options: { limit: -1 }, match: /limit/ },
  ])('rejects $name with BadRequest', async ({ options, match }) => {
    const { store } = await seed();
    const error = await rejection(store.list(POD, options));
    expect(error.reason).toBe('BadRequest');
    expect(error.message).toMatch(match);
  });

  it('returns the kind, list kind and resourceVersion of the cache', async () => {
    const { store, backend } = await seed();
    const list = await store.list(POD);
    expect(list.kind).toBe('PodList');
    expect(list.apiVersion).toBe('v1');
    expect(list.metadata.resourceVersion).toBe(String(await backend.currentRevision()));
    expect(Object.isFrozen(list.items)).toBe(true);
  });

  it('pages with limit and continue at one consistent revision, even while objects change', async () => {
    const { store } = await seed();
    const first = await store.list(POD, { limit: 2 });
    expect(names(first)).toEqual(['a/a1', 'a/a2']);
    expect(first.metadata.continue).toBeDefined();
    await store.create(pod('a3', { namespace: 'a' }));
    await store.delete({ ...POD, namespace: 'b', name: 'b1' });
    const second = await store.list(POD, { limit: 2, continue: first.metadata.continue! });
    expect(names(second)).toEqual(['ab/ab1', 'b/b1']);
    expect(second.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
    const third = await store.list(POD, { limit: 2, continue: second.metadata.continue! });
    expect(names(third)).toEqual(['b/b2']);
    expect(third.metadata.continue).toBeUndefined();
  });

  it('pages through a label selector from the cache', async () => {
    const { store } = await seed();
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await store.list(POD, {
        labelSelector: 'app=web',
        limit: 1,
        ...(token ? { continue: token } : {}),
      });
      seen.push(...names(page));
      token = page.metadata.continue;
    } while (token);
    expect(seen).toEqual(['a/a1', 'ab/ab1', 'b/b1']);
  });

  it('fails a continue at a compacted revision with Gone and Kubernetes message', async () => {
    const { store, backend } = await seed();
    const first = await store.list(POD, { limit: 2 });
    await store.create(pod('later'));
    await backend.compact(await backend.currentRevision());
    const error = await rejection(store.list(POD, { limit: 2, continue: first.metadata.continue! }));
    expect(error.reason).toBe('Gone');
    expect(error.message).toMatch(/^The provided continue parameter is too old/);
  });

  it('resourceVersion "0" serves the cache as is; a future one is a Timeout', async () => {
    const { store, backend } = await seed();
    expect(names(await store.list(POD, { resourceVersion: '0' }))).toHaveLength(5);
    const current = await backend.currentRevision();
    expect(names(await store.list(POD, { resourceVersion: String(current) }))).toHaveLength(5);
    const error = await rejection(store.list(POD, { resourceVersion: String(current + 10) }));
    expect(error.reason).toBe('Timeout');
    expect(error.message).toMatch(/Too large resource version/);
  });

  it('reads at "not older than N" from storage when the cache lags behind', async () => {
    const backend = new MemoryBackend();
    const { store } = setup({ backend });
    await store.list(POD);
    // A write by someone else, not yet delivered to this store's cache (delivery is a microtask away).
    const other = setup({ backend, seed: 5 }).store;
    await other.create(pod('x'));
    const rv = String(await backend.currentRevision());
    expect(names(await store.list(POD, { resourceVersion: rv }))).toEqual(['default/x']);
  });
});

describe('ObjectStore watch', () => {
  const until = (c: Collector<WatchEvent<StoreObject>>, n: number) => c.until((v) => v.length >= n);
  const summary = (events: readonly WatchEvent<StoreObject>[]) =>
    events.map((e) => `${e.type} ${e.object.metadata?.name}`);

  it('without a resourceVersion starts with ADDED for the current state, then changes', async () => {
    const { store } = await seed();
    const w = new Collector(store.watch(POD, { namespace: 'a' }));
    await until(w, 2);
    const a1 = await store.get<Pod>({ ...POD, namespace: 'a', name: 'a1' });
    await store.update(
      produce(a1, (d) => {
        d.metadata!.labels = { app: 'changed' };
      }),
    );
    await store.create(pod('b9', { namespace: 'b' }));
    await store.create(pod('a9', { namespace: 'a' }));
    await store.delete({ ...POD, namespace: 'a', name: 'a2' });
    await until(w, 5);
    expect(summary(w.values)).toEqual(['ADDED a1', 'ADDED a2', 'MODIFIED a1', 'ADDED a9', 'DELETED a2']);
    w.unsubscribe();
  });

  it('from a resourceVersion replays exactly the later changes', async () => {
    const { store } = setup();
    const v1 = await store.create(pod('p'));
    const v2 = await store.update(
      produce(v1, (d) => {
        d.metadata!.labels = { n: '1' };
      }),
    );
    const v3 = await store.update(
      produce(v2, (d) => {
        d.metadata!.labels = { n: '2' };
      }),
    );
    const gone = await store.delete({ ...POD, namespace: 'default', name: 'p' });
    const w = new Collector(store.watch(POD, { resourceVersion: v1.metadata!.resourceVersion! }));
    await until(w, 3);
    expect(w.values.map((e) => [e.type, e.object.metadata?.resourceVersion])).toEqual([
      ['MODIFIED', v2.metadata!.resourceVersion],
      ['MODIFIED', v3.metadata!.resourceVersion],
      ['DELETED', gone.metadata!.resourceVersion],
    ]);
    // The DELETED event carries the last state with the deletion's resourceVersion.
    expect(w.values[2]!.object.metadata!.labels).toEqual({ n: '2' });
    expect(w.values[1]!.object).toBe(v3);
    w.unsubscribe();
  });

  it('turns selector transitions into ADDED and DELETED', async () => {
    const { store } = setup();
    const w = new Collector(store.watch(POD, { labelSelector: 'app=web', resourceVersion: '0' }));
    const v1 = await store.create(pod('p', { labels: { app: 'db' } }));
    const v2 = await store.update(
      produce(v1, (d) => {
        d.metadata!.labels = { app: 'web' };
      }),
    );
    const v3 = await store.update(
      produce(v2, (d) => {
        d.metadata!.labels = { app: 'web', x: '1' };
      }),
    );
    await store.update(
      produce(v3, (d) => {
        d.metadata!.labels = { app: 'db' };
      }),
    );
    await store.create(pod('q', { labels: { app: 'web' } }));
    await until(w, 4);
    expect(summary(w.values)).toEqual(['ADDED p', 'MODIFIED p', 'DELETED p', 'ADDED q']);
    expect(w.values[2]!.object.metadata!.labels).toEqual({ app: 'db' });
    w.unsubscribe();
  });

  it('filters by field selector with transitions (a Pod bound to a node appears)', async () => {
    const { store } = setup();
    const w = new Collector(store.watch(POD, { fieldSelector: 'spec.nodeName=n1' }));
    const v1 = await store.create(pod('p'));
    await store.update(
      produce(v1, (d) => {
        d.spec!.nodeName = 'n1';
      }),
    );
    await until(w, 1);
    expect(summary(w.values)).toEqual(['ADDED p']);
    w.unsubscribe();
  });

  it('fails with Gone from a resourceVersion older than the watch cache holds', async () => {
    const { store } = setup({ watchCacheSize: 4 });
    let p = await store.create(pod('p'));
    const first = p.metadata!.resourceVersion!;
    await store.list(POD);
    for (let i = 0; i < 600; i++)
      p = await store.update(
        produce(p, (d) => {
          d.metadata!.labels = { i: String(i) };
        }),
      );
    await store.list(POD);
    const w = new Collector(store.watch(POD, { resourceVersion: first }));
    await w.ended();
    expect((w.error as { reason?: string }).reason).toBe('Gone');
    expect((w.error as Error).message).toMatch(/too old resource version/);
  });

  it('errors watches when the store closes', async () => {
    const { store } = await seed();
    const w = new Collector(store.watch(POD));
    await until(w, 5);
    store.close();
    await w.ended();
    expect((w.error as { reason?: string }).reason).toBe('ServiceUnavailable');
    expect((await rejection(store.list(POD))).reason).toBe('ServiceUnavailable');
  });
});

describe('ObjectStore properties', () => {
  // Few names, mostly in the watched namespace, relabels weighted up: selector transitions are common.
  const name = fc.constantFrom('p0', 'p1', 'p2');
  const ns = fc.constantFrom('a', 'a', 'b');
  const app = fc.constantFrom('web', 'db', undefined);
  const op = fc.oneof(
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('create' as const), name, ns, app }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('relabel' as const), name, ns, app }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), name, ns }) },
  );

  it('list by selector equals a filtered full list, and a filtered watch replays to it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(op, { minLength: 5, maxLength: 40 }),
        fc.constantFrom('app=web', 'app!=web', 'app', '!app'),
        async (ops, selector) => {
          const { store } = setup();
          const w = new Collector(store.watch(POD, { labelSelector: selector, namespace: 'a' }));
          for (const o of ops) {
            const ref = { ...POD, namespace: o.ns, name: o.name };
            const labels = 'app' in o && o.app ? { app: o.app } : undefined;
            try {
              if (o.kind === 'create')
                await store.create(pod(o.name, { namespace: o.ns, ...(labels ? { labels } : {}) }));
              else if (o.kind === 'relabel')
                await store.guaranteedUpdate(ref, (c) =>
                  produce(c, (d) => {
                    if (labels) d.metadata!.labels = labels;
                    else delete d.metadata!.labels;
                  }),
                );
              else await store.delete(ref);
            } catch (error) {
              const reason = (error as { reason?: string }).reason;
              if (reason !== 'NotFound' && reason !== 'AlreadyExists') throw error;
            }
          }
          const all = await store.list(POD);
          const selected = await store.list(POD, { labelSelector: selector, namespace: 'a' });
          const sel = parseSelector(selector);
          expect(selected.items).toEqual(
            all.items.filter((p) => p.metadata?.namespace === 'a' && sel.matches(p.metadata?.labels ?? {})),
          );
          // The list waited for the cache to apply every write; the cache fed the watch as it did.
          const state = new Map<string, StoreObject>();
          for (const e of w.values) {
            if (e.type === 'DELETED') state.delete(e.object.metadata!.name!);
            else state.set(e.object.metadata!.name!, e.object);
          }
          expect(
            [...state.values()].sort((x, y) => (x.metadata!.name! < y.metadata!.name! ? -1 : 1)),
          ).toEqual(selected.items);
          w.unsubscribe();
          store.close();
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('ObjectStore watch cache restart', () => {
  /** A MemoryBackend whose watches can be made to fail, as an etcd watch overtaken by compaction. */
  class FlakyBackend extends MemoryBackend {
    private readonly failers = new Set<(error: unknown) => void>();
    override watch(prefix: string, afterRevision: number) {
      const inner = super.watch(prefix, afterRevision);
      return new Observable<readonly BackendEvent[]>((subscriber) => {
        const fail = (error: unknown) => subscriber.error(error);
        this.failers.add(fail);
        const sub = inner.subscribe(subscriber);
        return () => {
          this.failers.delete(fail);
          sub.unsubscribe();
        };
      });
    }
    failWatches(error: unknown): void {
      for (const fail of [...this.failers]) fail(error);
    }
  }

  it('re-lists after its backend watch fails; its watchers get the error, new reads see new writes', async () => {
    const backend = new FlakyBackend();
    const { store } = setup({ backend });
    await store.create(pod('a'));
    const w = new Collector(store.watch(POD));
    await w.until((v) => v.length >= 1);
    backend.failWatches(ApiError.gone(1, 5));
    await w.ended();
    expect((w.error as { reason?: string }).reason).toBe('Gone');
    // A write made by another store while the cache restarts is seen after the re-list.
    const other = setup({ backend, seed: 4 }).store;
    await other.create(pod('b'));
    await store.create(pod('c'));
    expect(names(await store.list(POD))).toEqual(['default/a', 'default/b', 'default/c']);
    const again = new Collector(store.watch(POD));
    await again.until((v) => v.length >= 3);
    expect(summaryOf(again.values)).toEqual(['ADDED a', 'ADDED b', 'ADDED c']);
    again.unsubscribe();
  });
});

function summaryOf(events: readonly WatchEvent<StoreObject>[]): string[] {
  return events.map((e) => `${e.type} ${e.object.metadata?.name}`);
}
