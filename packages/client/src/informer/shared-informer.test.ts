import { ApiError, isApiError } from '@flotilla/api';
import { VirtualClock } from '@flotilla/clock';
import { Observable, type Subscriber } from 'rxjs';
import { describe, expect, it } from 'vitest';
import type { ApiObject, ListOptions, ObjectList, WatchEvent, WatchOptions } from '../types.js';
import { objectKey } from './cache.js';
import type { ListWatch } from './reflector.js';
import { type InformerEvent, SharedInformer } from './shared-informer.js';

/**
 * A list/watch source with fault injection, after client-go's `FakeControllerSource`: it assigns
 * resourceVersions, can change objects without telling watchers ("drop"), and can end watches with an
 * error or a completion.
 */
class FakeSource implements ListWatch<ApiObject> {
  readonly objects = new Map<string, ApiObject>();
  readonly calls: string[] = [];
  private revision = 0;
  private uid = 0;
  private readonly watchers = new Set<Subscriber<WatchEvent<ApiObject>>>();
  failLists = 0;

  constructor(private readonly clock: VirtualClock) {}

  get activeWatches(): number {
    return this.watchers.size;
  }

  put(name: string, data: Record<string, unknown> = {}, options: { drop?: boolean; newUid?: boolean } = {}) {
    const key = `default/${name}`;
    const old = this.objects.get(key);
    const uid = old === undefined || options.newUid ? `uid-${++this.uid}` : old.metadata?.uid;
    const obj = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { namespace: 'default', name, uid, resourceVersion: String(++this.revision) },
      ...data,
    };
    this.objects.set(key, obj);
    if (!options.drop) this.send({ type: old === undefined ? 'ADDED' : 'MODIFIED', object: obj });
    return obj;
  }

  remove(name: string, options: { drop?: boolean } = {}) {
    const key = `default/${name}`;
    const old = this.objects.get(key) as ApiObject;
    this.objects.delete(key);
    const last = { ...old, metadata: { ...old.metadata, resourceVersion: String(++this.revision) } };
    if (!options.drop) this.send({ type: 'DELETED', object: last });
  }

  breakWatches(error: unknown = new ApiError('InternalError', 'connection reset')) {
    for (const w of [...this.watchers]) w.error(error);
  }

  endWatches() {
    for (const w of [...this.watchers]) w.complete();
  }

  async list(options: ListOptions): Promise<ObjectList<ApiObject>> {
    this.calls.push(`list@${this.clock.now()}${options.limit ? ` limit=${options.limit}` : ''}`);
    if (this.failLists > 0) {
      this.failLists--;
      throw new ApiError('ServiceUnavailable', 'try later');
    }
    return {
      apiVersion: 'v1',
      kind: 'ConfigMapList',
      metadata: { resourceVersion: String(this.revision) },
      items: [...this.objects.values()],
    };
  }

  watch(options: WatchOptions): Observable<WatchEvent<ApiObject>> {
    return new Observable((subscriber) => {
      this.calls.push(`watch@${this.clock.now()} rv=${options.resourceVersion}`);
      this.watchers.add(subscriber);
      return () => this.watchers.delete(subscriber);
    });
  }

  send(event: WatchEvent<ApiObject>) {
    for (const w of this.watchers) w.next(event);
  }
}

function setup(options: { resyncMs?: number; watchTimeoutMs?: number } = {}) {
  const clock = new VirtualClock({ start: 0 });
  const source = new FakeSource(clock);
  const errors: string[] = [];
  const informer = new SharedInformer<ApiObject>('v1', 'ConfigMap', source, {
    clock,
    onError: (e) => errors.push(e.reason),
    ...options,
  });
  const events: string[] = [];
  const record = (e: InformerEvent<ApiObject>) => {
    const rv = (o: ApiObject | undefined) => o?.metadata?.resourceVersion;
    events.push(
      `${e.type} ${e.object.metadata?.name}@${rv(e.object)}${e.oldObject ? ` old@${rv(e.oldObject)}` : ''}`,
    );
  };
  return { clock, source, informer, events, record, errors };
}

describe('SharedInformer', () => {
  it('lists, reports synced, then watches from the list resourceVersion', async () => {
    const { clock, source, informer, events, record } = setup();
    source.put('a');
    source.put('b');
    informer.events$.subscribe(record);
    expect(informer.hasSynced()).toBe(false);
    informer.start();
    await informer.whenSynced();
    expect(informer.hasSynced()).toBe(true);
    expect(informer.lastSyncResourceVersion).toBe('2');
    expect(source.calls).toEqual(['list@0', 'watch@0 rv=2']);
    expect(events).toEqual(['ADDED a@1', 'ADDED b@2']);
    source.put('a', { data: { x: '1' } });
    source.remove('b');
    await clock.runUntilIdle();
    expect(events.slice(2)).toEqual(['MODIFIED a@3 old@1', 'DELETED b@4 old@2']);
    expect(informer.lister().list().map(objectKey)).toEqual(['default/a']);
    expect(informer.lastSyncResourceVersion).toBe('4');
  });

  it('gives a late subscriber ADDED for the cached objects first, then live changes', async () => {
    const { clock, source, informer, events, record } = setup();
    source.put('a');
    informer.start();
    await informer.whenSynced();
    source.put('b');
    await clock.runUntilIdle();
    informer.events$.subscribe(record);
    expect(events).toEqual(['ADDED a@1', 'ADDED b@2']);
    source.put('c');
    expect(events).toEqual(['ADDED a@1', 'ADDED b@2', 'ADDED c@3']);
  });

  it('re-lists after a watch error and emits exactly the differences, deletions included', async () => {
    const { clock, source, informer, events, record, errors } = setup();
    for (const name of ['same', 'changed', 'deleted', 'recreated']) source.put(name);
    informer.events$.subscribe(record);
    informer.start();
    await informer.whenSynced();
    events.length = 0;
    // Changes the watch never delivers (a dropped connection), then the watch fails.
    source.put('changed', { data: { v: '2' } }, { drop: true });
    source.remove('deleted', { drop: true });
    source.put('recreated', {}, { drop: true, newUid: true });
    source.put('new', {}, { drop: true });
    source.breakWatches();
    await clock.advance(199);
    expect(source.calls).toEqual(['list@0', 'watch@0 rv=4']);
    await clock.advance(1);
    expect(source.calls).toEqual(['list@0', 'watch@0 rv=4', 'list@200', 'watch@200 rv=8']);
    expect(errors).toEqual(['InternalError']);
    expect(events).toEqual([
      'MODIFIED changed@5 old@2',
      'DELETED recreated@4 old@4',
      'ADDED recreated@7',
      'ADDED new@8',
      'DELETED deleted@3 old@3',
    ]);
    const cached = new Map(
      informer
        .lister()
        .list()
        .map((o) => [objectKey(o), o]),
    );
    expect(cached).toEqual(source.objects);
  });

  it('turns a watch event for a re-created object whose deletion was never delivered into DELETED + ADDED', async () => {
    const { source, informer, events, record } = setup();
    source.put('a');
    informer.events$.subscribe(record);
    informer.start();
    await informer.whenSynced();
    source.remove('a', { drop: true });
    const again = source.put('a');
    source.send({ type: 'MODIFIED', object: again }); // the same state delivered twice: no notification
    source.put('a');
    expect(events).toEqual(['ADDED a@1', 'DELETED a@1 old@1', 'ADDED a@3', 'MODIFIED a@4 old@3']);
  });

  it('resumes a watch that ended without error from the last resourceVersion, without re-listing', async () => {
    const { clock, source, informer, events, record } = setup();
    source.put('a');
    informer.events$.subscribe(record);
    informer.start();
    await informer.whenSynced();
    source.endWatches();
    expect(source.activeWatches).toBe(0);
    source.put('b', {}, { drop: true }); // happens while no watch runs
    await clock.advance(200);
    expect(source.calls).toEqual(['list@0', 'watch@0 rv=1', 'watch@200 rv=1']);
    expect(source.activeWatches).toBe(1);
    // A watch that lived past resetAfterMs (60 s) is resumed at once.
    await clock.advance(60_000);
    source.endWatches();
    expect(source.calls.at(-1)).toBe('watch@60200 rv=1');
    expect(events).toEqual(['ADDED a@1']);
  });

  it('ends each watch after watchTimeoutMs and resumes it, so a silently dead stream cannot stall it', async () => {
    const { clock, source, informer, events, record } = setup({ watchTimeoutMs: 5000 });
    source.put('a');
    informer.events$.subscribe(record);
    informer.start();
    await informer.whenSynced();
    source.put('b');
    await clock.advance(5000);
    await clock.advance(5000);
    expect(source.calls).toEqual(['list@0', 'watch@0 rv=1', 'watch@5000 rv=2', 'watch@10000 rv=2']);
    expect(source.activeWatches).toBe(1);
    expect(events).toEqual(['ADDED a@1', 'ADDED b@2']);
    informer.stop();
    expect(source.activeWatches).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('backs off between failures, doubling to 30 s, and resets after a healthy watch', async () => {
    const { clock, source, informer } = setup();
    source.failLists = 9;
    informer.start();
    await clock.runUntilIdle();
    expect(informer.hasSynced()).toBe(true);
    const listTimes = source.calls.filter((c) => c.startsWith('list')).map((c) => Number(c.slice(5)));
    const gaps = listTimes.slice(1).map((t, i) => t - (listTimes[i] as number));
    expect(gaps).toEqual([200, 400, 800, 1600, 3200, 6400, 12800, 25600, 30000]);
    // A watch that failed quickly keeps growing the delay …
    source.breakWatches();
    await clock.runUntilIdle();
    expect(clock.now() - (listTimes.at(-1) as number)).toBe(30_000);
    // … one that lived a minute starts again at 200 ms.
    await clock.advance(60_000);
    const before = clock.now();
    source.breakWatches();
    await clock.runUntilIdle();
    expect(source.calls.at(-2)).toBe(`list@${before + 200}`);
  });

  it('re-emits every cached object on resync, with object === oldObject', async () => {
    const { clock, source, informer } = setup({ resyncMs: 1000 });
    source.put('a');
    source.put('b');
    const seen: InformerEvent<ApiObject>[] = [];
    informer.start();
    await informer.whenSynced();
    informer.events$.subscribe((e) => seen.push(e));
    seen.length = 0;
    await clock.advance(1000);
    expect(seen.map((e) => `${e.type} ${e.object.metadata?.name}`)).toEqual(['MODIFIED a', 'MODIFIED b']);
    expect(seen.every((e) => e.object === e.oldObject)).toBe(true);
    await clock.advance(1000);
    expect(seen).toHaveLength(4);
    informer.stop();
    expect(clock.pendingTimers).toBe(0);
  });

  it('stops for good: events$ completes, no further calls, an unsynced whenSynced rejects', async () => {
    const { clock, source, informer } = setup();
    source.failLists = 1;
    let completed = false;
    informer.events$.subscribe({ complete: () => (completed = true) });
    informer.start();
    const synced = informer.whenSynced();
    await clock.advance(0);
    informer.stop();
    await expect(synced).rejects.toSatisfy(isApiError);
    expect(completed).toBe(true);
    await clock.runUntilIdle();
    informer.start();
    expect(source.calls).toEqual(['list@0']);
    expect(clock.pendingTimers).toBe(0);
  });
});
