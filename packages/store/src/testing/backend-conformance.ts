import { isAlreadyExists, isBadRequest, isConflict, isGone, isNotFound } from '@flotilla/api';
import { afterEach, describe, expect, it } from 'vitest';
import { type Backend, type BackendEvent, conflictModRevision, DeferredText } from '../backend.js';
import { runBackendModel } from './backend-model.js';
import { Collector } from './collector.js';

export interface BackendConformanceOptions {
  /** Runs of the model-based property (default 40). */
  readonly numRuns?: number;
  /** Writers racing on one key per round (default 8) and rounds (default 10). */
  readonly writers?: number;
  readonly rounds?: number;
  /** Size of the large-value test in bytes (default 1 MiB; etcd's request limit is 1.5 MiB). */
  readonly largeValueBytes?: number;
  /** Keys in the many-keys test (default 2,000). */
  readonly manyKeys?: number;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the operation to fail, it succeeded');
}

const flat = (batches: readonly (readonly BackendEvent[])[]) => batches.flat();
const lastRev = (batches: readonly (readonly BackendEvent[])[]) => {
  const batch = batches[batches.length - 1];
  return batch?.[batch.length - 1]?.kv.modRevision ?? 0;
};

/**
 * The contract every `Backend` must pass, as a vitest suite. Call it from the adapter's test file:
 *
 * ```ts
 * describeBackendConformance('MemoryBackend', () => new MemoryBackend());
 * ```
 *
 * `createBackend` must return a fresh, empty backend each time (an adapter over a shared server
 * gives each call its own key namespace); the suite closes it after each test. The suite never
 * assumes revisions start at 0 or step by 1, only that they grow.
 */
export function describeBackendConformance(
  name: string,
  createBackend: () => Backend | Promise<Backend>,
  options: BackendConformanceOptions = {},
): void {
  describe(`Backend conformance: ${name}`, () => {
    let open: Backend[] = [];
    const fresh = async () => {
      const backend = await createBackend();
      open.push(backend);
      return backend;
    };
    afterEach(async () => {
      const closing = open;
      open = [];
      await Promise.all(closing.map((b) => b.close()));
    });

    describe('CRUD', () => {
      it('creates, reads, updates and deletes a key with its revisions', async () => {
        const b = await fresh();
        const r0 = await b.currentRevision();
        expect(await b.get('/k')).toBeUndefined();
        const r1 = await b.create('/k', 'one');
        expect(r1).toBeGreaterThan(r0);
        expect(await b.currentRevision()).toBe(r1);
        expect(await b.get('/k')).toEqual({
          key: '/k',
          value: 'one',
          createRevision: r1,
          modRevision: r1,
          version: 1,
        });
        const r2 = await b.update('/k', 'two', r1);
        expect(r2).toBeGreaterThan(r1);
        expect(await b.get('/k')).toEqual({
          key: '/k',
          value: 'two',
          createRevision: r1,
          modRevision: r2,
          version: 2,
        });
        const r3 = await b.delete('/k', r2);
        expect(r3).toBeGreaterThan(r2);
        expect(await b.get('/k')).toBeUndefined();
        const r4 = await b.create('/k', 'again');
        expect(await b.get('/k')).toMatchObject({ createRevision: r4, modRevision: r4, version: 1 });
      });

      it.each([
        {
          name: 'create of an existing key',
          op: (b: Backend) => b.create('/k', 'x'),
          guard: isAlreadyExists,
        },
        {
          name: 'update of a missing key',
          op: (b: Backend) => b.update('/missing', 'x', 1),
          guard: isNotFound,
        },
        { name: 'delete of a missing key', op: (b: Backend) => b.delete('/missing'), guard: isNotFound },
        {
          name: 'conditional delete of a missing key',
          op: (b: Backend) => b.delete('/missing', 1),
          guard: isNotFound,
        },
      ])('fails a $name without moving the revision', async ({ op, guard }) => {
        const b = await fresh();
        await b.create('/k', 'v');
        const before = await b.currentRevision();
        expect(guard(await rejection(op(b)))).toBe(true);
        expect(await b.currentRevision()).toBe(before);
        expect(await b.get('/k')).toMatchObject({ value: 'v' });
      });

      it('stores the empty string and unicode values exactly', async () => {
        const b = await fresh();
        const values = ['', ' ', 'ünïcødé ✓ 𝄞', '{"json":[1,2,{"x":null}]}', 'line\nbreak\u0000nul'];
        for (const [i, v] of values.entries()) await b.create(`/v/${i}`, v);
        const { items } = await b.range('/v/');
        expect(items.map((kv) => kv.value)).toEqual(values);
      });

      it('stores a DeferredText as its text, in reads and watch events alike', async () => {
        const b = await fresh();
        const made: string[] = [];
        const deferred = (text: string) =>
          new DeferredText(() => {
            made.push(text);
            return text;
          });
        const events = new Collector(b.watch('/d/', await b.currentRevision()));
        const rev1 = await b.create('/d/k', deferred('{"v":1}'));
        const rev2 = await b.update('/d/k', deferred('{"v":2}'), rev1);
        expect((await b.get('/d/k'))?.value).toBe('{"v":2}');
        expect((await b.range('/d/', { revision: rev1 })).items[0]?.value).toBe('{"v":1}');
        await events.until((batches) => lastRev(batches) >= rev2);
        expect(flat(events.values).map((e) => [e.kv.value, e.prevKv?.value])).toEqual([
          ['{"v":1}', undefined],
          ['{"v":2}', '{"v":1}'],
        ]);
        // Each text is made at most once, however often it is read.
        expect([...made].sort()).toEqual(['{"v":1}', '{"v":2}']);
        events.unsubscribe();
      });
    });

    describe('conditional writes', () => {
      it('update with a stale mod revision fails with Conflict carrying the current one', async () => {
        const b = await fresh();
        const r1 = await b.create('/k', 'a');
        const r2 = await b.update('/k', 'b', r1);
        const error = await rejection(b.update('/k', 'c', r1));
        expect(isConflict(error)).toBe(true);
        expect(conflictModRevision(error)).toBe(r2);
        expect(await b.get('/k')).toMatchObject({ value: 'b', modRevision: r2 });
      });

      it('delete with a stale mod revision fails with Conflict and keeps the key', async () => {
        const b = await fresh();
        const r1 = await b.create('/k', 'a');
        const r2 = await b.update('/k', 'b', r1);
        const error = await rejection(b.delete('/k', r1));
        expect(isConflict(error)).toBe(true);
        expect(conflictModRevision(error)).toBe(r2);
        expect(await b.get('/k')).toMatchObject({ value: 'b' });
        await b.delete('/k', r2);
        expect(await b.get('/k')).toBeUndefined();
      });

      it(`exactly one of N concurrent writers wins each round`, async () => {
        const b = await fresh();
        const writers = options.writers ?? 8;
        const rounds = options.rounds ?? 10;
        await b.create('/race', 'start');
        for (let round = 0; round < rounds; round++) {
          const seen = await Promise.all(Array.from({ length: writers }, () => b.get('/race')));
          const results = await Promise.allSettled(
            seen.map((kv, w) => b.update('/race', `round ${round} writer ${w}`, kv!.modRevision)),
          );
          const won = results.flatMap((r, w) => (r.status === 'fulfilled' ? [w] : []));
          expect(won).toHaveLength(1);
          for (const r of results) if (r.status === 'rejected') expect(isConflict(r.reason)).toBe(true);
          expect(await b.get('/race')).toMatchObject({ value: `round ${round} writer ${won[0]}` });
        }
        expect(await b.get('/race')).toMatchObject({ version: rounds + 1 });
      });

      it('concurrent creates of one key: exactly one succeeds, the rest get AlreadyExists', async () => {
        const b = await fresh();
        const writers = options.writers ?? 8;
        const results = await Promise.allSettled(
          Array.from({ length: writers }, (_, w) => b.create('/once', String(w))),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results) if (r.status === 'rejected') expect(isAlreadyExists(r.reason)).toBe(true);
      });
    });

    describe('revisions', () => {
      it('grow strictly with every write and match what get reports', async () => {
        const b = await fresh();
        let last = await b.currentRevision();
        const revisions: number[] = [];
        for (let i = 0; i < 20; i++) {
          const key = `/r/${i % 4}`;
          const current = await b.get(key);
          const rev =
            current === undefined
              ? await b.create(key, String(i))
              : i % 3 === 0
                ? await b.delete(key, current.modRevision)
                : await b.update(key, String(i), current.modRevision);
          expect(rev).toBeGreaterThan(last);
          expect(await b.currentRevision()).toBe(rev);
          last = rev;
          revisions.push(rev);
        }
        expect(new Set(revisions).size).toBe(revisions.length);
      });
    });

    describe('range', () => {
      it('returns keys in order and pages with limit and startAfter at one revision', async () => {
        const b = await fresh();
        const keys = ['/p/c', '/p/a', '/p/e', '/p/b', '/p/d'];
        for (const k of keys) await b.create(k, k);
        const first = await b.range('/p/', { limit: 2 });
        expect(first.items.map((kv) => kv.key)).toEqual(['/p/a', '/p/b']);
        expect(first.more).toBe(true);
        await b.create('/p/bb', 'late');
        const second = await b.range('/p/', { limit: 2, startAfter: '/p/b', revision: first.revision });
        expect(second.items.map((kv) => kv.key)).toEqual(['/p/c', '/p/d']);
        expect(second.more).toBe(true);
        expect(second.revision).toBe(first.revision);
        const third = await b.range('/p/', { limit: 2, startAfter: '/p/d', revision: first.revision });
        expect(third.items.map((kv) => kv.key)).toEqual(['/p/e']);
        expect(third.more).toBe(false);
        const now = await b.range('/p/');
        expect(now.items.map((kv) => kv.key)).toEqual(['/p/a', '/p/b', '/p/bb', '/p/c', '/p/d', '/p/e']);
        expect(now.more).toBe(false);
      });

      it('reads past states at an older revision', async () => {
        const b = await fresh();
        const r1 = await b.create('/h/a', 'a1');
        const r2 = await b.create('/h/b', 'b1');
        const r3 = await b.update('/h/a', 'a2', r1);
        await b.delete('/h/b', r2);
        await b.create('/h/c', 'c1');
        const at = async (revision: number) =>
          (await b.range('/h/', { revision })).items.map((kv) => `${kv.key}=${kv.value}`);
        expect(await at(r1)).toEqual(['/h/a=a1']);
        expect(await at(r2)).toEqual(['/h/a=a1', '/h/b=b1']);
        expect(await at(r3)).toEqual(['/h/a=a2', '/h/b=b1']);
        expect(await at(await b.currentRevision())).toEqual(['/h/a=a2', '/h/c=c1']);
      });

      it('rejects a revision in the future with BadRequest', async () => {
        const b = await fresh();
        const rev = await b.create('/k', 'v');
        expect(isBadRequest(await rejection(b.range('/', { revision: rev + 100 })))).toBe(true);
      });

      it('isolates prefixes: /a/ never sees /ab/ nor /a itself', async () => {
        const b = await fresh();
        for (const k of ['/a', '/a/1', '/a/2', '/ab/1', '/ab', '/a0', '/b/1']) await b.create(k, k);
        const { items } = await b.range('/a/');
        expect(items.map((kv) => kv.key)).toEqual(['/a/1', '/a/2']);
        expect((await b.range('/ab/')).items.map((kv) => kv.key)).toEqual(['/ab/1']);
        expect((await b.range('/c/')).items).toEqual([]);
      });
    });

    describe('watch', () => {
      it('delivers puts and deletes with previous values, in order, exactly once', async () => {
        const b = await fresh();
        const start = await b.currentRevision();
        const w = new Collector(b.watch('/w/', start));
        const r1 = await b.create('/w/a', '1');
        const r2 = await b.update('/w/a', '2', r1);
        const r3 = await b.create('/w/b', 'x');
        const r4 = await b.delete('/w/a', r2);
        await w.until((batches) => lastRev(batches) >= r4);
        const events = flat(w.values);
        expect(events).toEqual([
          { type: 'put', kv: { key: '/w/a', value: '1', createRevision: r1, modRevision: r1, version: 1 } },
          {
            type: 'put',
            kv: { key: '/w/a', value: '2', createRevision: r1, modRevision: r2, version: 2 },
            prevKv: { key: '/w/a', value: '1', createRevision: r1, modRevision: r1, version: 1 },
          },
          { type: 'put', kv: { key: '/w/b', value: 'x', createRevision: r3, modRevision: r3, version: 1 } },
          {
            type: 'delete',
            kv: { key: '/w/a', value: '', createRevision: 0, modRevision: r4, version: 0 },
            prevKv: { key: '/w/a', value: '2', createRevision: r1, modRevision: r2, version: 2 },
          },
        ]);
        for (const batch of w.values) expect(batch.length).toBeGreaterThan(0);
        w.unsubscribe();
      });

      it('replays exactly the changes after any revision', async () => {
        const b = await fresh();
        const starts = [await b.currentRevision()];
        const all: number[] = [];
        for (let i = 0; i < 12; i++) {
          const key = `/w/${i % 3}`;
          const current = await b.get(key);
          const rev =
            current === undefined
              ? await b.create(key, String(i))
              : i % 5 === 4
                ? await b.delete(key, current.modRevision)
                : await b.update(key, String(i), current.modRevision);
          all.push(rev);
          starts.push(rev);
        }
        for (const from of starts) {
          const w = new Collector(b.watch('/w/', from));
          const sentinel = await b.create(`/w/z-${from}`, '');
          all.push(sentinel);
          await w.until((batches) => lastRev(batches) >= sentinel);
          expect(flat(w.values).map((e) => e.kv.modRevision)).toEqual(all.filter((r) => r > from));
          w.unsubscribe();
        }
      });

      it('isolates prefixes: a watch on /a/ never sees /ab/', async () => {
        const b = await fresh();
        const w = new Collector(b.watch('/a/', await b.currentRevision()));
        await b.create('/ab/1', 'x');
        await b.create('/a', 'x');
        await b.create('/a0', 'x');
        const mine = await b.create('/a/1', 'x');
        await w.until((batches) => lastRev(batches) >= mine);
        expect(flat(w.values).map((e) => e.kv.key)).toEqual(['/a/1']);
        w.unsubscribe();
      });

      it('waits for a future revision, then delivers only what follows it', async () => {
        const b = await fresh();
        const now = await b.currentRevision();
        const r1 = await b.create('/f/a', '1');
        const w = new Collector(b.watch('/f/', r1 + 1));
        const r2 = await b.create('/f/b', '2');
        const r3 = await b.create('/f/c', '3');
        await w.until((batches) => lastRev(batches) >= r3);
        expect(flat(w.values).map((e) => e.kv.modRevision)).toEqual([r2, r3].filter((r) => r > r1 + 1));
        expect(now).toBeLessThan(r1);
        w.unsubscribe();
      });

      it('stops delivering after unsubscribe; other watches are unaffected', async () => {
        const b = await fresh();
        const from = await b.currentRevision();
        const a = new Collector(b.watch('/u/', from));
        const c = new Collector(b.watch('/u/', from));
        const r1 = await b.create('/u/1', '1');
        await a.until((batches) => lastRev(batches) >= r1);
        a.unsubscribe();
        const r2 = await b.create('/u/2', '2');
        await c.until((batches) => lastRev(batches) >= r2);
        expect(flat(a.values).map((e) => e.kv.modRevision)).toEqual([r1]);
        expect(flat(c.values).map((e) => e.kv.modRevision)).toEqual([r1, r2]);
        c.unsubscribe();
      });

      it('delivers to many watchers, each the full ordered stream', async () => {
        const b = await fresh();
        const from = await b.currentRevision();
        const watchers = Array.from({ length: 20 }, () => new Collector(b.watch('/m/', from)));
        let last = from;
        for (let i = 0; i < 50; i++) last = await b.create(`/m/${String(i).padStart(3, '0')}`, String(i));
        for (const w of watchers) {
          await w.until((batches) => lastRev(batches) >= last);
          const keys = flat(w.values).map((e) => e.kv.key);
          expect(keys).toEqual(Array.from({ length: 50 }, (_, i) => `/m/${String(i).padStart(3, '0')}`));
          w.unsubscribe();
        }
      });

      it('a watch resumed from its last seen revision continues without gaps or repeats', async () => {
        const b = await fresh();
        const from = await b.currentRevision();
        const first = new Collector(b.watch('/s/', from));
        const r1 = await b.create('/s/1', '1');
        const r2 = await b.create('/s/2', '2');
        await first.until((batches) => lastRev(batches) >= r2);
        first.unsubscribe();
        const r3 = await b.create('/s/3', '3');
        const resumed = new Collector(b.watch('/s/', lastRev(first.values)));
        const r4 = await b.create('/s/4', '4');
        await resumed.until((batches) => lastRev(batches) >= r4);
        expect(flat(first.values).map((e) => e.kv.modRevision)).toEqual([r1, r2]);
        expect(flat(resumed.values).map((e) => e.kv.modRevision)).toEqual([r3, r4]);
        resumed.unsubscribe();
      });
    });

    describe('compaction', () => {
      it('fails reads and watches before the compacted revision with Gone, keeps later ones', async () => {
        const b = await fresh();
        const revs: number[] = [];
        for (let i = 0; i < 6; i++) revs.push(await b.create(`/c/${i}`, String(i)));
        const c = revs[3]!;
        await b.compact(c);
        expect(await b.compactedRevision()).toBe(c);
        const gone = await rejection(b.range('/c/', { revision: revs[1]! }));
        expect(isGone(gone)).toBe(true);
        expect((gone as Error).message).toMatch(/too old resource version/);
        expect((await b.range('/c/', { revision: c })).items).toHaveLength(4);

        const old = new Collector(b.watch('/c/', revs[1]!));
        await old.ended();
        expect(isGone(old.error)).toBe(true);

        const ok = new Collector(b.watch('/c/', c));
        await ok.until((batches) => lastRev(batches) >= revs[5]!);
        expect(flat(ok.values).map((e) => e.kv.modRevision)).toEqual([revs[4], revs[5]]);
        ok.unsubscribe();
      });

      it('ignores compaction at or below the compacted revision; rejects the future', async () => {
        const b = await fresh();
        const r1 = await b.create('/c/a', '1');
        const r2 = await b.create('/c/b', '2');
        await b.compact(r2);
        await b.compact(r1);
        expect(await b.compactedRevision()).toBe(r2);
        expect(isBadRequest(await rejection(b.compact(r2 + 100)))).toBe(true);
      });

      it('does not disturb a live watch that is keeping up', async () => {
        const b = await fresh();
        const w = new Collector(b.watch('/l/', await b.currentRevision()));
        const r1 = await b.create('/l/1', '1');
        await w.until((batches) => lastRev(batches) >= r1);
        const r2 = await b.create('/l/2', '2');
        await w.until((batches) => lastRev(batches) >= r2);
        await b.compact(r2);
        const r3 = await b.create('/l/3', '3');
        await w.until((batches) => lastRev(batches) >= r3);
        expect(flat(w.values).map((e) => e.kv.modRevision)).toEqual([r1, r2, r3]);
        expect(w.error).toBeUndefined();
        w.unsubscribe();
      });
    });

    describe('size', () => {
      it('stores and returns a large value intact', async () => {
        const b = await fresh();
        const bytes = options.largeValueBytes ?? 1024 * 1024;
        const big = JSON.stringify({ data: 'x'.repeat(bytes - 20) });
        const from = await b.currentRevision();
        const w = new Collector(b.watch('/big/', from));
        const rev = await b.create('/big/1', big);
        expect((await b.get('/big/1'))?.value).toBe(big);
        await w.until((batches) => lastRev(batches) >= rev);
        expect(flat(w.values)[0]?.kv.value).toBe(big);
        w.unsubscribe();
      });

      it('holds many keys and pages through all of them in order', async () => {
        const b = await fresh();
        const n = options.manyKeys ?? 2000;
        const names = Array.from({ length: n }, (_, i) => `/many/${String((i * 7919) % n).padStart(6, '0')}`);
        await Promise.all(names.map((k) => b.create(k, k)));
        const seen: string[] = [];
        let startAfter: string | undefined;
        const revision = await b.currentRevision();
        for (;;) {
          const page = await b.range('/many/', {
            limit: 333,
            revision,
            ...(startAfter === undefined ? {} : { startAfter }),
          });
          seen.push(...page.items.map((kv) => kv.key));
          if (!page.more) break;
          startAfter = page.items[page.items.length - 1]!.key;
        }
        expect(seen).toEqual([...names].sort());
      });
    });

    describe('close', () => {
      it('completes watches and fails later calls with ServiceUnavailable', async () => {
        const b = await fresh();
        const w = new Collector(b.watch('/', await b.currentRevision()));
        await b.close();
        await w.ended();
        expect(w.completed).toBe(true);
        const error = await rejection(b.get('/k'));
        expect((error as { reason?: string }).reason).toBe('ServiceUnavailable');
        await b.close();
      });
    });

    describe('model', () => {
      it('agrees with a reference model on random operation sequences; watches replay to the final state', async () => {
        await runBackendModel(createBackend, options.numRuns ?? 40);
      });
    });
  });
}
