/**
 * Informer figures, each with its baseline measured in the same run:
 * - initial sync of 100,000 Pods (informer start → hasSynced), against a warm `ObjectStore.list` of the
 *   same Pods — the read the informer cannot avoid;
 * - steady-state delivery of Pod updates written through the store, to an informer subscriber, against
 *   a raw store watch subscriber of the same kind of writes;
 * - the informer's own processing rate (cache, indexes, notification), fed pre-built watch events,
 *   against a bare rxjs Subject into a Map.
 *
 * The Pods are seeded straight into the backend in the store's documented format (key
 * `/registry/core/pods/<ns>/<name>`, JSON without resourceVersion), so the set-up takes a second, not
 * the minute 100,000 validated creates would.
 */
import { applyDefaults, type Pod } from '@flotilla/api';
import { toRFC3339, VirtualClock } from '@flotilla/clock';
import { MemoryBackend, ObjectStore } from '@flotilla/store';
import { Observable, Subject } from 'rxjs';
import { createInProcessClient } from '../src/in-process-client.js';
import { objectKey } from '../src/informer/cache.js';
import { SharedInformerFactory } from '../src/informer/factory.js';
import { type Informer, SharedInformer } from '../src/informer/shared-informer.js';
import type { ApiObject, ObjectList, WatchEvent } from '../src/types.js';

const PODS = 100_000;
const UPDATES = 20_000;
const BATCH = 500;

function bench(name: string, value: number, unit: string): number {
  console.log(`BENCH ${name} ${unit === 'x' ? value.toFixed(3) : Math.round(value)} ${unit}`);
  return value;
}

function podAt(i: number, clock: VirtualClock): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      namespace: `ns-${i % 50}`,
      name: `pod-${i}`,
      uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      creationTimestamp: toRFC3339(clock.now()),
      generation: 1,
      labels: { app: `app-${i % 500}`, tier: i % 2 === 0 ? 'fe' : 'be' },
    },
    spec: {
      nodeName: `node-${i % 5000}`,
      containers: [
        { name: 'c', image: 'nginx:1.27', resources: { requests: { cpu: '100m', memory: '64Mi' } } },
      ],
    },
  };
}

async function main(): Promise<void> {
  const clock = new VirtualClock();
  const backend = new MemoryBackend({ historyLimit: 100_000 });
  const seeding: Promise<number>[] = [];
  for (let i = 0; i < PODS; i++) {
    const pod = applyDefaults(podAt(i, clock));
    seeding.push(
      backend.create(
        `/registry/core/pods/${pod.metadata?.namespace}/${pod.metadata?.name}`,
        JSON.stringify(pod),
      ),
    );
  }
  await Promise.all(seeding);
  const store = new ObjectStore({ backend, clock });
  const client = createInProcessClient(store);
  await store.list({ apiVersion: 'v1', kind: 'Pod' }); // builds the store's watch cache (its cold start)

  // --- initial sync ---------------------------------------------------------------------------
  let listMs = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now();
    const list = await store.list({ apiVersion: 'v1', kind: 'Pod' });
    listMs = Math.min(listMs, performance.now() - t0);
    if (list.items.length !== PODS) throw new Error(`listed ${list.items.length} pods`);
  }
  bench('client.baseline.store_list_100k_pods', listMs, 'ms');

  let syncMs = Number.POSITIVE_INFINITY;
  let lastFactory: SharedInformerFactory | undefined;
  for (let round = 0; round < 3; round++) {
    lastFactory?.stop();
    const factory = new SharedInformerFactory(client, { clock });
    const informer = factory.informerFor('v1', 'Pod');
    informer.addIndexer('byNode', (p) => (p.spec?.nodeName ? [p.spec.nodeName] : []));
    let added = 0;
    informer.events$.subscribe(() => added++);
    const t0 = performance.now();
    factory.start();
    await informer.whenSynced();
    syncMs = Math.min(syncMs, performance.now() - t0);
    if (added !== PODS || informer.lister().size !== PODS) throw new Error(`synced ${added} pods`);
    lastFactory = factory;
  }
  bench('client.informer.initial_sync_100k_pods', syncMs, 'ms');
  bench('client.informer.initial_sync_vs_store_list', syncMs / listMs, 'x');
  bench('client.informer.initial_sync_pods_per_s', PODS / (syncMs / 1000), 'pods/s');

  // --- steady state through the store ------------------------------------------------------------
  // Alternating rounds, best of three each: the baseline rounds run with no informer at all.
  lastFactory?.stop();
  const pods = client.resource('v1', 'Pod');
  let round = 0;
  /** Writes UPDATES label changes (BATCH at a time) and resolves when `count()` saw them all. */
  async function updates(count: () => number): Promise<number> {
    round++;
    const start = count();
    const t0 = performance.now();
    for (let b = 0; b < UPDATES; b += BATCH) {
      const writes: Promise<unknown>[] = [];
      for (let j = b; j < b + BATCH; j++) {
        const i = (j * 7919) % PODS;
        writes.push(
          pods
            .namespace(`ns-${i % 50}`)
            .patch(`pod-${i}`, { metadata: { labels: { round: String(round) } } }),
        );
      }
      await Promise.all(writes);
    }
    while (count() - start < UPDATES) await new Promise((resolve) => setImmediate(resolve));
    return UPDATES / ((performance.now() - t0) / 1000);
  }
  let rawRate = 0;
  let informerRate = 0;
  let informer: Informer<Pod> | undefined;
  for (let r = 0; r < 3; r++) {
    let rawSeen = 0;
    const raw = store
      .watch({ apiVersion: 'v1', kind: 'Pod' }, { resourceVersion: '0' })
      .subscribe(() => rawSeen++);
    await new Promise((resolve) => setImmediate(resolve));
    rawSeen = 0;
    rawRate = Math.max(rawRate, await updates(() => rawSeen));
    raw.unsubscribe();

    const factory = new SharedInformerFactory(client, { clock });
    informer = factory.informerFor('v1', 'Pod');
    factory.start();
    await informer.whenSynced();
    let informerSeen = 0;
    informer.events$.subscribe((e) => {
      if (e.type === 'MODIFIED') informerSeen++;
    });
    informerRate = Math.max(informerRate, await updates(() => informerSeen));
    factory.stop();
  }
  bench('client.baseline.store_watch_updates_per_s', rawRate, 'events/s');
  bench('client.informer.updates_per_s', informerRate, 'events/s');
  bench('client.informer.updates_vs_store_watch', informerRate / rawRate, 'x');

  // --- the informer's own processing, fed pre-built events --------------------------------------
  const cached = [...(informer as Informer<Pod>).lister().list()];
  const events: WatchEvent<ApiObject>[] = cached.map((object, i) => ({
    type: 'MODIFIED',
    object: { ...object, metadata: { ...object.metadata, resourceVersion: String(10_000_000 + i) } },
  }));
  const baseline = (() => {
    const subject = new Subject<WatchEvent<ApiObject>>();
    const map = new Map<string, ApiObject>();
    for (const object of cached) map.set(objectKey(object), object);
    let seen = 0;
    subject.subscribe((e) => {
      map.set(objectKey(e.object), e.object);
      seen++;
    });
    const t0 = performance.now();
    for (const e of events) subject.next(e);
    if (seen !== events.length) throw new Error('baseline lost events');
    return events.length / ((performance.now() - t0) / 1000);
  })();
  bench('client.baseline.subject_into_map_per_s', baseline, 'events/s');

  const feed = new Subject<WatchEvent<ApiObject>>();
  const synthetic = new SharedInformer<ApiObject>(
    'v1',
    'Pod',
    {
      list: async (): Promise<ObjectList<ApiObject>> => ({
        apiVersion: 'v1',
        kind: 'PodList',
        metadata: { resourceVersion: '1' },
        items: cached,
      }),
      watch: () => new Observable<WatchEvent<ApiObject>>((s) => feed.subscribe(s)),
    },
    { clock },
  );
  synthetic.addIndexer('byNode', (p) => {
    const nodeName = (p as Pod).spec?.nodeName;
    return nodeName ? [nodeName] : [];
  });
  synthetic.start();
  await synthetic.whenSynced();
  let processed = 0;
  synthetic.events$.subscribe((e) => {
    if (e.type === 'MODIFIED') processed++;
  });
  const t0 = performance.now();
  for (const e of events) feed.next(e);
  const processing = events.length / ((performance.now() - t0) / 1000);
  if (processed !== events.length) throw new Error(`informer processed ${processed} of ${events.length}`);
  bench('client.informer.process_events_per_s', processing, 'events/s');
  bench('client.informer.process_vs_subject_into_map', processing / baseline, 'x');
  synthetic.stop();
  store.close();
}

await main();
