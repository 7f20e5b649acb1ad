import { ApiError, type ConfigMap } from '@flotilla/api';
import { VirtualClock } from '@flotilla/clock';
import { MemoryBackend, ObjectStore } from '@flotilla/store';
import fc from 'fast-check';
import { Observable, type Subscriber } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { Client, ResourceClient } from '../client.js';
import { createInProcessClient } from '../in-process-client.js';
import type { ApiObject, ListOptions } from '../types.js';
import { objectKey } from './cache.js';
import { SharedInformerFactory } from './factory.js';
import type { Informer, InformerEvent, SharedInformer } from './shared-informer.js';

/*
 * The informer's contract as a property, on a VirtualClock over a real ObjectStore + MemoryBackend with
 * a tiny history (so compactions bite): random interleavings of creates, merge-patches and deletes
 * (awaited or left in flight), broken watches (error, Gone, or a stream that just ends), failed lists,
 * compactions, list latency with paging, and clock ticks. After the faults stop and the clock runs out:
 * - every informer's cache equals the store's list (for the selector-scoped one too);
 * - replaying its notifications on an empty map gives the cache, each one an exact difference
 *   (ADDED only for absent keys, MODIFIED/DELETED carrying the previous object, no empty MODIFIED);
 * - the informer is still watching: a new write reaches it.
 */

/**
 * Wraps a client so that a test can break every open watch and fail lists (fault injection); each list
 * request takes `latencyMs` on the clock, so that writes and compactions land between the pages of a list.
 */
class FlakyClient implements Client {
  private readonly watches = new Set<Subscriber<unknown>>();
  failLists = 0;

  constructor(
    private readonly inner: Client,
    private readonly clock: VirtualClock,
    private readonly latencyMs: number,
  ) {}

  resource<A extends string, K extends string>(apiVersion: A, kind: K) {
    return this.wrap(this.inner.resource(apiVersion, kind));
  }

  breakWatches(how: 'error' | 'gone' | 'complete'): void {
    for (const w of [...this.watches]) {
      if (how === 'complete') w.complete();
      else w.error(how === 'gone' ? ApiError.gone(1) : new ApiError('InternalError', 'connection reset'));
    }
  }

  private wrap<T extends ApiObject>(inner: ResourceClient<T>): ResourceClient<T> {
    return {
      apiVersion: inner.apiVersion,
      kind: inner.kind,
      namespaceName: inner.namespaceName,
      namespace: (ns) => this.wrap(inner.namespace(ns)),
      get: (name) => inner.get(name),
      list: async (options?: ListOptions) => {
        if (this.latencyMs > 0) await this.clock.sleep(this.latencyMs);
        if (this.failLists > 0) {
          this.failLists--;
          throw new ApiError('ServiceUnavailable', 'injected list failure');
        }
        return inner.list(options);
      },
      create: (obj) => inner.create(obj),
      update: (obj) => inner.update(obj),
      updateStatus: (obj) => inner.updateStatus(obj),
      patch: (name, patch, options) => inner.patch(name, patch, options),
      delete: (name, options) => inner.delete(name, options),
      watch: (options) =>
        new Observable((subscriber) => {
          this.watches.add(subscriber as Subscriber<unknown>);
          const sub = inner.watch(options).subscribe(subscriber);
          return () => {
            this.watches.delete(subscriber as Subscriber<unknown>);
            sub.unsubscribe();
          };
        }),
    };
  }
}

/** Replays notifications on a map, checking that each one is an exact difference of the map's state. */
function replay<T extends ApiObject>(informer: Informer<T>) {
  const map = new Map<string, T>();
  const problems: string[] = [];
  const subscription = informer.events$.subscribe((e: InformerEvent<T>) => {
    const key = objectKey(e.object);
    const before = map.get(key);
    if (e.type === 'ADDED') {
      if (before !== undefined) problems.push(`ADDED ${key} already present`);
      map.set(key, e.object);
    } else if (e.type === 'MODIFIED') {
      if (before === undefined || e.oldObject !== before)
        problems.push(`MODIFIED ${key} with a wrong oldObject`);
      if (e.object.metadata?.resourceVersion === before?.metadata?.resourceVersion) {
        problems.push(`MODIFIED ${key} without a change`);
      }
      map.set(key, e.object);
    } else {
      if (before === undefined || e.oldObject !== before)
        problems.push(`DELETED ${key} with a wrong oldObject`);
      map.delete(key);
    }
  });
  return { map, problems, subscription };
}

const NAMES = ['a', 'b', 'c', 'd'];
const NAMESPACES = ['ns1', 'ns2'];

const action = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constantFrom('create' as const, 'update' as const, 'delete' as const),
      ns: fc.constantFrom(...NAMESPACES),
      name: fc.constantFrom(...NAMES),
      app: fc.constantFrom('web', 'db'),
      wait: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('break' as const),
      how: fc.constantFrom('error' as const, 'gone' as const, 'complete' as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('failList' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('compact' as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({ op: fc.constant('yield' as const), n: fc.integer({ min: 1, max: 8 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('tick' as const),
      ms: fc.constantFrom(0, 1, 50, 100, 200, 1000, 40_000),
    }),
  },
);

type Action = typeof action extends fc.Arbitrary<infer A> ? A : never;

interface Scenario {
  /** Objects (`ns/name`) that exist before the informers start. */
  readonly initial: readonly string[];
  readonly actions: readonly Action[];
  /** List page size (undefined: one request). */
  readonly pageSize: number | undefined;
  /** Virtual time each list request takes. */
  readonly latencyMs: number;
}

async function run({ initial, actions, pageSize, latencyMs }: Scenario) {
  const clock = new VirtualClock();
  const backend = new MemoryBackend({ historyLimit: 4 });
  const store = new ObjectStore({ backend, clock, watchCacheSize: 8 });
  const writes = createInProcessClient(store).resource('v1', 'ConfigMap');
  for (const key of initial) {
    const [namespace, name] = key.split('/') as [string, string];
    await writes.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { namespace, name, labels: { app: 'web' } },
    });
  }
  const flaky = new FlakyClient(createInProcessClient(store), clock, latencyMs);
  const errors: string[] = [];
  const factory = new SharedInformerFactory(flaky, {
    clock,
    onWatchError: (e) => errors.push(`${e.reason}: ${e.message}`),
    ...(pageSize === undefined ? {} : { pageSize }),
  });
  const all = factory.informerFor('v1', 'ConfigMap');
  const web = factory.informerFor('v1', 'ConfigMap', { labelSelector: 'app=web' });
  const allReplay = replay(all);
  const webReplay = replay(web);
  factory.start();

  const pending: Promise<unknown>[] = [];
  for (const a of actions) {
    let p: Promise<unknown> | undefined;
    switch (a.op) {
      case 'create': {
        const cm: ConfigMap = {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { namespace: a.ns, name: a.name, labels: { app: a.app } },
        };
        p = writes.create(cm);
        break;
      }
      case 'update':
        p = writes
          .namespace(a.ns)
          .patch(a.name, { metadata: { labels: { app: a.app } }, data: { t: String(clock.now()) } });
        break;
      case 'delete':
        p = writes.namespace(a.ns).delete(a.name);
        break;
      case 'break':
        flaky.breakWatches(a.how);
        break;
      case 'failList':
        flaky.failLists++;
        break;
      case 'compact':
        p = backend.currentRevision().then((rev) => backend.compact(rev));
        break;
      case 'tick':
        await clock.advance(a.ms);
        break;
      case 'yield':
        // A few microtask turns: lets a paged list or a write advance by a step, interleaving finely.
        for (let i = 0; i < a.n; i++) await Promise.resolve();
        break;
    }
    if (p !== undefined) {
      const settled = p.catch(() => undefined);
      if ('wait' in a && a.wait) await settled;
      else pending.push(settled);
    }
  }

  // Settle: faults stop, every write lands, every back-off runs out.
  flaky.failLists = 0;
  await Promise.all(pending);
  await clock.runUntilIdle();

  const truth = async (labelSelector?: string) =>
    new Map(
      (await writes.list(labelSelector === undefined ? {} : { labelSelector })).items.map((o) => [
        objectKey(o),
        o,
      ]),
    );
  const cached = (informer: Informer<ConfigMap>) =>
    new Map(
      informer
        .lister()
        .list()
        .map((o) => [objectKey(o), o]),
    );

  expect(all.hasSynced() && web.hasSynced()).toBe(true);
  expect(cached(all)).toEqual(await truth());
  expect(cached(web)).toEqual(await truth('app=web'));
  expect(allReplay.problems).toEqual([]);
  expect(webReplay.problems).toEqual([]);
  expect(allReplay.map).toEqual(cached(all));
  expect(webReplay.map).toEqual(cached(web));

  // Still alive: a write after the storm reaches both caches (the watch never silently stopped).
  const probe = await writes.namespace('ns1').create({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'probe', labels: { app: 'web' } },
  });
  await clock.runUntilIdle();
  expect(all.lister().get('ns1', 'probe')).toBe(probe);
  expect(web.lister().get('ns1', 'probe')).toBe(probe);
  factory.stop();
  store.close();
  return { lists: (all as SharedInformer<ConfigMap>).stats.lists, errors };
}

const keys = NAMESPACES.flatMap((ns) => NAMES.map((name) => `${ns}/${name}`));

describe('informer convergence (property)', () => {
  it('converges to the store and its notifications replay to its cache, under faults and compactions', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          initial: fc.subarray(keys),
          actions: fc.array(action, { minLength: 5, maxLength: 60 }),
          pageSize: fc.constantFrom(undefined, 1, 2),
          latencyMs: fc.constantFrom(0, 100),
        }),
        async (scenario) => {
          await run(scenario);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('recovers from a Gone watch and a failed list, re-listing (the path the property relies on)', async () => {
    const { lists, errors } = await run({
      initial: ['ns1/a'],
      actions: [
        { op: 'tick', ms: 0 },
        { op: 'break', how: 'gone' },
        { op: 'delete', ns: 'ns1', name: 'a', app: 'web', wait: true },
        { op: 'failList' },
        { op: 'tick', ms: 1000 },
      ],
      pageSize: 1,
      latencyMs: 0,
    });
    expect(lists).toBe(3);
    expect(errors).toEqual([
      'Gone: too old resource version: 1',
      'Gone: too old resource version: 1',
      'ServiceUnavailable: injected list failure',
    ]);
  });

  it('re-lists when a resumed watch is too old for the store’s watch cache (a real Gone)', async () => {
    const updates: Action[] = Array.from({ length: 300 }, (_, i) => ({
      op: 'update' as const,
      ns: 'ns1',
      name: 'a',
      app: i % 2 === 0 ? ('web' as const) : ('db' as const),
      wait: true,
    }));
    const { errors, lists } = await run({
      initial: ['ns1/a', 'ns1/b'],
      actions: [
        { op: 'tick', ms: 0 },
        { op: 'break', how: 'complete' }, // resumed from its resourceVersion after 200 ms …
        ...updates, // … by which time the store's watch cache no longer reaches back that far
        { op: 'delete', ns: 'ns1', name: 'b', app: 'web', wait: true },
      ],
      pageSize: undefined,
      latencyMs: 0,
    });
    expect(errors.filter((e) => e.startsWith('Gone: too old resource version'))).toHaveLength(2);
    expect(lists).toBe(2);
  });

  it('starts a paged list over when the store compacted its continue token (a real Gone)', async () => {
    const { errors } = await run({
      initial: ['ns1/a', 'ns1/b', 'ns1/c'],
      actions: [
        { op: 'tick', ms: 100 }, // first page arrives
        { op: 'create', ns: 'ns2', name: 'c', app: 'web', wait: true },
        { op: 'compact' },
        { op: 'tick', ms: 100 }, // second page: its revision is gone
      ],
      pageSize: 1,
      latencyMs: 100,
    });
    expect(errors.filter((e) => e.includes('continue parameter is too old'))).toHaveLength(2);
  });
});
