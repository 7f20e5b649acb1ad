import { isGone } from '@flotilla/api';
import { describe, expect, it } from 'vitest';
import { DeferredText } from './backend.js';
import { MemoryBackend } from './memory-backend.js';
import { Collector, describeBackendConformance } from './testing/index.js';

describeBackendConformance('MemoryBackend', () => new MemoryBackend());
describeBackendConformance(
  'MemoryBackend with a short history',
  () => new MemoryBackend({ historyLimit: 64 }),
  {
    numRuns: 20,
  },
);

describe('MemoryBackend specifics', () => {
  it('keeps a DeferredText and makes its text only when the value is read', async () => {
    const b = new MemoryBackend();
    let made = 0;
    const value = new DeferredText(() => {
      made++;
      return '{"a":1}';
    });
    const events = new Collector(b.watch('/', 0));
    const rev = await b.create('/k', value);
    await events.until((batches) => batches.flat().length === 1);
    const kv = events.values.flat()[0]?.kv;
    expect(kv?.deferred).toBe(value);
    expect((await b.get('/k'))?.deferred).toBe(value);
    expect(made).toBe(0);
    expect(kv?.value).toBe('{"a":1}');
    expect(JSON.parse(JSON.stringify(kv))).toEqual({
      key: '/k',
      value: '{"a":1}',
      createRevision: rev,
      modRevision: rev,
      version: 1,
    });
    expect(Object.keys(kv ?? {})).toEqual(['key', 'deferred', 'createRevision', 'modRevision', 'version']);
    expect(made).toBe(1);
    await b.close();
  });

  it('starts at revision 0 and steps by one per write', async () => {
    const b = new MemoryBackend();
    expect(await b.currentRevision()).toBe(0);
    expect(await b.create('/a', '1')).toBe(1);
    expect(await b.update('/a', '2', 1)).toBe(2);
    expect(await b.delete('/a')).toBe(3);
  });

  it('compacts automatically beyond historyLimit', async () => {
    const b = new MemoryBackend({ historyLimit: 10 });
    for (let i = 0; i < 30; i++) await b.create(`/k/${i}`, String(i));
    expect(await b.compactedRevision()).toBe(21);
    expect(isGone(await b.range('/k/', { revision: 20 }).catch((e: unknown) => e))).toBe(true);
    expect((await b.range('/k/', { revision: 21 })).items).toHaveLength(21);
    const old = new Collector(b.watch('/k/', 5));
    await old.ended();
    expect(isGone(old.error)).toBe(true);
  });

  it('keeps events a live watcher has not received yet, beyond the limit', async () => {
    const b = new MemoryBackend({ historyLimit: 4 });
    const w = new Collector(b.watch('/k/', 0));
    // All writes happen before the watcher's microtask runs.
    const writes = Array.from({ length: 3000 }, (_, i) => b.create(`/k/${i}`, String(i)));
    await Promise.all(writes);
    await w.until((batches) => batches.flat().length >= 3000);
    expect(
      w.values
        .flat()
        .map((e) => e.kv.modRevision)
        .every((r, i) => r === i + 1),
    ).toBe(true);
    w.unsubscribe();
  });

  it.each([0, -1, 1.5])('rejects historyLimit %s', (historyLimit) => {
    expect(() => new MemoryBackend({ historyLimit })).toThrow(/historyLimit/);
  });

  it.each([0, -2, 2.5])('rejects range limit %s with BadRequest', async (limit) => {
    const b = new MemoryBackend();
    await expect(b.range('/', { limit })).rejects.toMatchObject({ reason: 'BadRequest' });
  });
});
