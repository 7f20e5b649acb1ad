import type { VirtualClock } from '@flotilla/clock';
import { afterEach, describe, expect, it } from 'vitest';
import { configMap, openWatch, startTestServer, TABLE_ACCEPT, type TestServer } from './test-support.js';

const CMS = '/api/v1/namespaces/default/configmaps';

describe('watch', () => {
  let t: TestServer;
  afterEach(() => t.close());

  it('streams ADDED for current objects, then ADDED / MODIFIED / DELETED as newline-delimited JSON', async () => {
    t = await startTestServer();
    await t.request('POST', CMS, { body: configMap('a') });
    const w = await openWatch(`${t.server.url}${CMS}?watch=true`);
    expect(w.status).toBe(200);
    expect(await w.next()).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'a' } } });
    await t.request('POST', CMS, { body: configMap('b') });
    expect(await w.next()).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'b' } } });
    await t.request('PATCH', `${CMS}/b`, {
      body: { data: { k: 'v' } },
      type: 'application/merge-patch+json',
    });
    expect(await w.next()).toMatchObject({ type: 'MODIFIED', object: { data: { k: 'v' } } });
    await t.request('DELETE', `${CMS}/a`);
    const deleted = await w.next();
    expect(deleted).toMatchObject({ type: 'DELETED', object: { metadata: { name: 'a' } } });
    w.cancel();
  });

  it('resumes after a resourceVersion, replaying every later change', async () => {
    t = await startTestServer();
    const first = await t.request('POST', CMS, { body: configMap('a') });
    await t.request('POST', CMS, { body: configMap('b') });
    await t.request('DELETE', `${CMS}/a`);
    const w = await openWatch(
      `${t.server.url}${CMS}?watch=1&resourceVersion=${first.body.metadata.resourceVersion}`,
    );
    expect(await w.next()).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'b' } } });
    expect(await w.next()).toMatchObject({ type: 'DELETED', object: { metadata: { name: 'a' } } });
    w.cancel();
  });

  it('filters by label selector and by a name in the path', async () => {
    t = await startTestServer();
    const w = await openWatch(`${t.server.url}${CMS}?watch=true&labelSelector=app%3Dweb`);
    const named = await openWatch(`${t.server.url}${CMS}/c?watch=true`);
    await t.request('POST', CMS, { body: configMap('a', { app: 'db' }) });
    await t.request('POST', CMS, { body: configMap('b', { app: 'web' }) });
    await t.request('POST', CMS, { body: configMap('c', { app: 'db' }) });
    expect(await w.next()).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'b' } } });
    expect(await named.next()).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'c' } } });
    w.cancel();
    named.cancel();
  });

  it('ends the stream after timeoutSeconds (on the injected clock), with a final BOOKMARK when allowed', async () => {
    t = await startTestServer({ bookmarkIntervalSeconds: 30 });
    const created = await t.request('POST', CMS, { body: configMap('a') });
    const rv = created.body.metadata.resourceVersion;
    const w = await openWatch(
      `${t.server.url}${CMS}?watch=true&resourceVersion=${rv}&timeoutSeconds=45&allowWatchBookmarks=true`,
    );
    const clock = t.clock as VirtualClock;
    await clock.advance(30_000);
    expect(await w.next()).toEqual({
      type: 'BOOKMARK',
      object: { kind: 'ConfigMap', apiVersion: 'v1', metadata: { resourceVersion: rv } },
    });
    const changed = await t.request('PATCH', `${CMS}/a`, {
      body: { data: { x: 'y' } },
      type: 'application/merge-patch+json',
    });
    expect((await w.next()).type).toBe('MODIFIED');
    await clock.advance(15_000);
    expect(await w.next()).toMatchObject({
      type: 'BOOKMARK',
      object: { metadata: { resourceVersion: changed.body.metadata.resourceVersion } },
    });
    await w.ended;
  });

  it('delivers 410 Gone as an ERROR event with a Status', async () => {
    t = await startTestServer({ watchCacheSize: 3 });
    const first = await t.request('POST', CMS, { body: configMap('a') });
    // The store trims its watch cache in batches (capacity + 256 events).
    for (let i = 0; i < 270; i++) {
      await t.store.create({ ...configMap(`x-${i}`), metadata: { name: `x-${i}`, namespace: 'default' } });
    }
    const w = await openWatch(
      `${t.server.url}${CMS}?watch=true&resourceVersion=${first.body.metadata.resourceVersion}`,
    );
    expect(w.status).toBe(200);
    expect(await w.next()).toMatchObject({
      type: 'ERROR',
      object: { kind: 'Status', reason: 'Gone', code: 410 },
    });
    await w.ended;
  });

  it('streams one-row Tables when kubectl get -w asks for them', async () => {
    t = await startTestServer();
    const w = await openWatch(`${t.server.url}${CMS}?watch=true`, TABLE_ACCEPT);
    await t.request('POST', CMS, { body: configMap('a') });
    await t.request('POST', CMS, { body: configMap('b') });
    const first = await w.next();
    expect(first).toMatchObject({ type: 'ADDED', object: { kind: 'Table', rows: [{ cells: ['a', '0s'] }] } });
    expect(first.object.columnDefinitions).toHaveLength(2);
    const second = await w.next();
    expect(second.object.columnDefinitions).toBeNull();
    w.cancel();
  });

  it('answers a bad selector with a 400 before streaming', async () => {
    t = await startTestServer();
    const r = await t.request('GET', `${CMS}?watch=true&labelSelector=a%3D%3D%3Db`);
    expect(r.status).toBe(400);
    expect(r.body.kind).toBe('Status');
  });

  it('close() ends open watches', async () => {
    t = await startTestServer();
    const w = await openWatch(`${t.server.url}${CMS}?watch=true`);
    await t.server.close();
    await w.ended;
  });
});
