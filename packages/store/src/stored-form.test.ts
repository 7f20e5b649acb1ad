import fc from 'fast-check';
import { firstValueFrom } from 'rxjs';
import { take, toArray } from 'rxjs/operators';
import { describe, expect, it } from 'vitest';
import { type Backend, textOf } from './backend.js';
import { deepFreeze } from './freeze.js';
import { MemoryBackend } from './memory-backend.js';
import { decodeObject, encodeObject } from './resource-cache.js';
import { storedForm } from './stored-form.js';
import { POD, pod, setup } from './test-helpers.js';
import type { StoreObject } from './types.js';

/** What the store used to do: parse the stored text back. */
const parsed = (obj: StoreObject, revision: number): StoreObject =>
  decodeObject({ key: 'k', value: encodeObject(obj), modRevision: revision, createRevision: 0, version: 0 });

/** Same properties in the same order, all the way down (JSON text compares order; toStrictEqual types). */
function expectSameStoredObject(actual: StoreObject, expected: StoreObject): void {
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
  expect(actual).toStrictEqual(expected);
}

function isDeepFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  return Object.isFrozen(value) && Object.values(value).every(isDeepFrozen);
}

const key = fc.constantFrom('a', 'b', 'c', 'metadata', 'spec', 'status', 'resourceVersion', '1', '0');
/** Plain JSON data with the extras JSON drops or changes: undefined properties, -0, NaN, Dates, holes. */
const value = fc.letrec((tie) => ({
  any: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.boolean(),
    fc.integer(),
    fc.double(),
    fc.constant(null),
    fc.constant(undefined),
    fc.constant(-0),
    fc.constant(new Date(0)),
    fc.array(tie('any')),
    fc.sparseArray(fc.integer(), { maxLength: 3 }),
    fc.dictionary(key, tie('any'), { maxKeys: 4 }),
  ),
})).any;
const object = fc.record(
  {
    apiVersion: fc.constant('v1'),
    kind: fc.constant('Pod'),
    metadata: fc.oneof(fc.constant(undefined), fc.dictionary(key, value, { maxKeys: 4 })),
    spec: value,
    status: value,
  },
  { requiredKeys: ['apiVersion', 'kind'] },
) as fc.Arbitrary<StoreObject>;

describe('storedForm', () => {
  it('is exactly what parsing the stored text gives, deeply frozen (or undefined for unusual input)', () => {
    fc.assert(
      fc.property(object, fc.option(object, { nil: undefined }), fc.nat(), (obj, prevInput, revision) => {
        const prev = prevInput === undefined ? undefined : parsed(prevInput, 1);
        let text: string;
        try {
          text = encodeObject(obj);
        } catch {
          return; // not storable at all (the write fails before this point)
        }
        const form = storedForm(obj, prev);
        if (form === undefined) return; // unusual: the store parses `text`, as before
        // The deferred text is the stored text, made before or after the object is built.
        expect(form.encode()).toBe(text);
        const stored = form.build(revision);
        expect(form.encode()).toBe(text);
        expectSameStoredObject(stored, parsed(obj, revision));
        expect(encodeObject(stored)).toBe(text);
        expect(isDeepFrozen(stored)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('is the same when the new version shares parts with the previous one (a status update)', () => {
    fc.assert(
      fc.property(object, value, fc.dictionary(key, value, { maxKeys: 3 }), (input, status, extra) => {
        const prev = parsed(input, 3) as StoreObject & { status?: unknown; spec?: unknown };
        const next = {
          ...prev,
          metadata: { ...prev.metadata, ...extra },
          status: { before: prev.status, after: status, spec: prev.spec },
        } as StoreObject;
        try {
          encodeObject(next);
        } catch {
          return;
        }
        const form = storedForm(next, prev);
        if (form === undefined) return;
        const stored = form.build(4) as typeof prev;
        expect(form.encode()).toBe(encodeObject(next));
        expectSameStoredObject(stored, parsed(next, 4));
        expect(isDeepFrozen(stored)).toBe(true);
        if (prev.spec !== undefined) expect(stored.spec).toBe(prev.spec);
      }),
      { numRuns: 1000 },
    );
  });

  it('handles plain data itself, and leaves what JSON would transform to parsing', () => {
    const base = pod('p', { labels: { a: 'b' } }) as StoreObject;
    expect(storedForm(base, undefined)).toBeDefined();
    expect(storedForm({ ...base, spec: { x: undefined } } as StoreObject, undefined)).toBeDefined();
    const holey: number[] = [1];
    holey[2] = 2;
    for (const odd of [new Date(0), Number.NaN, -0, [undefined], holey, () => 1, { toJSON: () => 1 }]) {
      expect(storedForm({ ...base, spec: { odd } } as StoreObject, undefined)).toBeUndefined();
    }
  });

  it('shares with the previous version every subtree that did not change', () => {
    const prev = parsed(
      {
        ...pod('p', { labels: { app: 'web' } }),
        spec: { containers: [{ name: 'c', image: 'nginx' }] },
        status: { phase: 'Pending', conditions: [{ type: 'Ready', status: 'False' }] },
      } as StoreObject,
      5,
    ) as StoreObject & { spec: unknown; status: { conditions: unknown[] } };
    // A status update as the agent writes it: new objects, some with the same content.
    const next = {
      ...prev,
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }] },
    } as StoreObject;
    const stored = storedForm(next, prev)?.build(6) as typeof prev;
    expectSameStoredObject(stored, parsed(next, 6));
    expect(stored.spec).toBe(prev.spec);
    expect(stored.metadata?.labels).toBe(prev.metadata?.labels);
    expect(stored.metadata).not.toBe(prev.metadata);
    expect(stored.metadata?.resourceVersion).toBe('6');
    expect(stored.status).not.toBe(prev.status);
    expect(stored.status.conditions).toBe(prev.status.conditions);
  });

  // A backend that stores text only (as SQLite and etcd do): the store then matches its own writes in
  // watch events by their text instead of by the DeferredText the memory backend hands back.
  const textOnly = (inner: Backend): Backend => ({
    currentRevision: () => inner.currentRevision(),
    get: (key) => inner.get(key),
    range: (prefix, options) => inner.range(prefix, options),
    create: (key, value) => inner.create(key, textOf(value)),
    update: (key, value, rev) => inner.update(key, textOf(value), rev),
    delete: (key, rev) => inner.delete(key, rev),
    watch: (prefix, after) => inner.watch(prefix, after),
    compact: (rev) => inner.compact(rev),
    compactedRevision: () => inner.compactedRevision(),
    close: () => inner.close(),
  });

  it.each([
    ['a backend that keeps the deferred text', () => new MemoryBackend()],
    ['a backend that stores text', () => textOnly(new MemoryBackend())],
  ])('gives the write and its watch event one object, on %s', async (_, backend) => {
    const { store, backend: b } = setup({ backend: backend() });
    const before = await store.create(pod('other'));
    const from = { resourceVersion: before.metadata?.resourceVersion as string };
    const events = firstValueFrom(store.watch(POD, from).pipe(take(2), toArray()));
    const created = await store.create(pod('web', { labels: { app: 'web' } }));
    const updated = await store.updateStatus({ ...created, status: { phase: 'Running' } } as StoreObject);
    const [added, modified] = await events;
    expect(added?.object).toBe(created);
    expect(modified?.object).toBe(updated);
    // The text stored is the JSON of the object handed out (without resourceVersion).
    const kv = await b.get(store.keyOf({ ...POD, namespace: 'default', name: 'web' }));
    expect(kv?.value).toBe(encodeObject(updated));
    expect(decodeObject(kv as never)).toEqual(updated);
  });

  it('is what the store hands out and what watchers receive', async () => {
    const { store } = setup();
    const created = await store.create(pod('web', { labels: { app: 'web' } }));
    const updated = await store.updateStatus({ ...created, status: { phase: 'Running' } } as StoreObject);
    expect((updated as { spec?: unknown }).spec).toBe((created as { spec?: unknown }).spec);
    expect(updated.metadata?.labels).toBe(created.metadata?.labels);
    expect(await store.get({ ...updated, name: 'web', namespace: 'default' })).toBe(updated);
  });

  it.each([
    ['a backend that keeps the deferred text', () => new MemoryBackend()],
    ['a backend that stores text', () => textOnly(new MemoryBackend())],
  ])('shares one stored spec among pods created from one deeply frozen spec, on %s', async (_, backend) => {
    const { store, backend: b } = setup({ backend: backend() });
    const spec = deepFreeze({ containers: [{ name: 'c', image: 'nginx:1.27' }] });
    const make = (name: string) => ({ ...pod(name), spec }) as StoreObject;
    const one = (await store.create(make('one'))) as StoreObject & { spec: { containers: unknown } };
    const two = (await store.create(make('two'))) as typeof one;
    expect(two.spec).toBe(one.spec);
    expect(isDeepFrozen(one)).toBe(true);
    // Stored exactly as its text says, and parsed back the same.
    for (const obj of [one, two]) {
      const kv = await b.get(
        store.keyOf({ ...POD, namespace: 'default', name: obj.metadata?.name as string }),
      );
      expect(kv?.value).toBe(encodeObject(obj));
      expectSameStoredObject(decodeObject(kv as never), obj);
    }
    // A later write of one pod leaves the other's spec as it was.
    const bound = (await store.update({
      ...one,
      spec: { ...one.spec, nodeName: 'n1' },
    } as StoreObject)) as typeof one;
    expect(bound.spec.containers).toBe(one.spec.containers);
    expect((await store.get({ ...POD, namespace: 'default', name: 'two' })) as typeof one).toBe(two);
    expect(two.spec).not.toHaveProperty('nodeName');
  });
});
