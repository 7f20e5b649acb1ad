/** `createHttpClient` of `@flotilla/client` over `nodeHttpTransport`, against a real https API server. */
import {
  type ConfigMap,
  type Deployment,
  isAlreadyExists,
  isBadRequest,
  isConflict,
  isGone,
  isNotFound,
} from '@flotilla/api';
import { type Client, createHttpClient, SharedInformerFactory } from '@flotilla/client';
import { firstValueFrom, type Observable, take, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { type NodeHttpTransport, nodeHttpTransport } from './http-transport.js';
import {
  configMap as configMapJson,
  deployment as deploymentJson,
  startTestServer,
  type TestServer,
} from './test-support.js';

const configMap = (...args: Parameters<typeof configMapJson>) => configMapJson(...args) as ConfigMap;
const deployment = (...args: Parameters<typeof deploymentJson>) => deploymentJson(...args) as Deployment;

let t: TestServer | undefined;
let transport: NodeHttpTransport | undefined;

afterEach(async () => {
  transport?.close();
  transport = undefined;
  await t?.close();
  t = undefined;
});

async function start(watchCacheSize?: number): Promise<{ t: TestServer; client: Client }> {
  t = await startTestServer({ tls: true, ...(watchCacheSize ? { watchCacheSize } : {}) });
  expect(t.server.url.startsWith('https://')).toBe(true);
  transport = nodeHttpTransport({
    server: t.server.url,
    ...(t.server.token === undefined ? {} : { token: t.server.token }),
    ...(t.server.caPem === undefined ? {} : { ca: t.server.caPem }),
  });
  return { t, client: createHttpClient({ transport }) };
}

/** Collects `n` events, failing after `ms`. */
async function events<T>(source: Observable<T>, n: number, ms = 5000): Promise<T[]> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      firstValueFrom(source.pipe(take(n), toArray())),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('no events in time')), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

describe('createHttpClient over nodeHttpTransport (https + token)', () => {
  it('creates, gets, updates and deletes, with Kubernetes errors as ApiErrors', async () => {
    const { client } = await start();
    const cms = client.resource('v1', 'ConfigMap').namespace('default');
    const created = await cms.create(configMap('a', { app: 'x' }, { k: 'v' }));
    expect(created.metadata?.namespace).toBe('default');
    expect(created.metadata?.uid).toBeTruthy();
    expect(Object.isFrozen(created)).toBe(true);
    await expect(cms.create(configMap('a'))).rejects.toSatisfy(isAlreadyExists);
    const got = await cms.get('a');
    expect(got.data).toEqual({ k: 'v' });
    const updated = await cms.update({ ...got, data: { k: 'w' } });
    expect(updated.data).toEqual({ k: 'w' });
    await expect(cms.update({ ...got, data: { k: 'stale' } })).rejects.toSatisfy(isConflict);
    await expect(cms.get('nope')).rejects.toSatisfy(isNotFound);
    await expect(client.resource('v1', 'ConfigMap').get('a')).rejects.toSatisfy(isBadRequest);
    await expect(
      client.resource('v1', 'ConfigMap').namespace('other').create(configMap('b')),
    ).rejects.toSatisfy(isNotFound); // the namespace does not exist
    const deleted = await cms.delete('a');
    expect(deleted.metadata?.name).toBe('a');
    await expect(cms.get('a')).rejects.toSatisfy(isNotFound);
    // Cluster-scoped kinds.
    const ns = await client.resource('v1', 'Namespace').get('kube-system');
    expect(ns.metadata?.name).toBe('kube-system');
  });

  it('rejects a wrong token as Unauthorized and a dead server as ServiceUnavailable', async () => {
    const { t: s } = await start();
    const bad = nodeHttpTransport({
      server: s.server.url,
      token: 'wrong',
      ...(s.server.caPem ? { ca: s.server.caPem } : {}),
    });
    await expect(
      createHttpClient({ transport: bad }).resource('v1', 'ConfigMap').list(),
    ).rejects.toMatchObject({
      reason: 'Unauthorized',
    });
    bad.close();
    const url = s.server.url;
    await s.close();
    t = undefined;
    const dead = nodeHttpTransport({ server: url });
    await expect(
      createHttpClient({ transport: dead }).resource('v1', 'ConfigMap').list(),
    ).rejects.toMatchObject({
      reason: 'ServiceUnavailable',
    });
    dead.close();
  });

  it('lists with label and field selectors, and in pages', async () => {
    const { client } = await start();
    const cms = client.resource('v1', 'ConfigMap').namespace('default');
    for (const name of ['a', 'b', 'c', 'd', 'e']) {
      await cms.create(configMap(name, { tier: name < 'c' ? 'fe' : 'be' }));
    }
    const fe = await cms.list({ labelSelector: 'tier=fe' });
    expect(fe.items.map((i) => i.metadata?.name)).toEqual(['a', 'b']);
    expect(fe.items[0]?.kind).toBe('ConfigMap');
    const byName = await client.resource('v1', 'ConfigMap').list({ fieldSelector: 'metadata.name=d' });
    expect(byName.items.map((i) => i.metadata?.name)).toEqual(['d']);
    const names: string[] = [];
    let page = await cms.list({ limit: 2 });
    names.push(...page.items.map((i) => i.metadata?.name ?? ''));
    while (page.metadata.continue) {
      page = await cms.list({ limit: 2, continue: page.metadata.continue });
      names.push(...page.items.map((i) => i.metadata?.name ?? ''));
    }
    expect(names).toEqual(['a', 'b', 'c', 'd', 'e']);
    await expect(cms.list({ labelSelector: 'a===b' })).rejects.toSatisfy(isBadRequest);
  });

  it('updates and merge-patches status and spec', async () => {
    const { client } = await start();
    const deployments = client.resource('apps/v1', 'Deployment').namespace('default');
    const d = await deployments.create(deployment('web', 2));
    const withStatus = await deployments.updateStatus({ ...d, status: { replicas: 2, readyReplicas: 1 } });
    expect(withStatus.status?.readyReplicas).toBe(1);
    // update never changes status; updateStatus never changes spec.
    const updated = await deployments.update({ ...withStatus, status: { replicas: 9 } });
    expect(updated.status?.replicas).toBe(2);
    const patched = await deployments.patch('web', { spec: { replicas: 5 } });
    expect(patched.spec?.replicas).toBe(5);
    expect(patched.spec?.template.spec?.containers[0]?.image).toBe('nginx:1.7.9');
    const statusPatched = await deployments.patch(
      'web',
      { status: { readyReplicas: 4 }, spec: { replicas: 1 } },
      { subresource: 'status' },
    );
    expect(statusPatched.status?.readyReplicas).toBe(4);
    expect(statusPatched.spec?.replicas).toBe(5);
    await expect(
      deployments.patch('web', { metadata: { resourceVersion: d.metadata?.resourceVersion } }),
    ).rejects.toSatisfy(isConflict);
  });

  it('deletes with preconditions', async () => {
    const { client } = await start();
    const cms = client.resource('v1', 'ConfigMap').namespace('default');
    const a = await cms.create(configMap('a'));
    await expect(cms.delete('a', { preconditions: { uid: 'not-the-uid' } })).rejects.toSatisfy(isConflict);
    await expect(cms.delete('a', { preconditions: { resourceVersion: '1' } })).rejects.toSatisfy(isConflict);
    const deleted = await cms.delete('a', {
      preconditions: { uid: a.metadata?.uid ?? '', resourceVersion: a.metadata?.resourceVersion ?? '' },
      propagationPolicy: 'Background',
      gracePeriodSeconds: 0,
    });
    expect(deleted.metadata?.uid).toBe(a.metadata?.uid);
    await expect(cms.delete('a')).rejects.toSatisfy(isNotFound);
  });

  it('watches ADDED, MODIFIED and DELETED, and resumes from a resourceVersion', async () => {
    const { client } = await start();
    const cms = client.resource('v1', 'ConfigMap').namespace('default');
    const pre = await cms.create(configMap('pre'));
    const seen: string[] = [];
    const sub = cms.watch().subscribe((e) => seen.push(`${e.type} ${e.object.metadata?.name}`));
    // The initial ADDED for `pre` shows the stream is open.
    await expect.poll(() => seen).toEqual(['ADDED pre']);
    const a = await cms.create(configMap('a'));
    await cms.update({ ...a, data: { x: '1' } });
    await cms.delete('a');
    await expect.poll(() => seen).toEqual(['ADDED pre', 'ADDED a', 'MODIFIED a', 'DELETED a']);
    sub.unsubscribe();
    const resumed = await events(cms.watch({ resourceVersion: pre.metadata?.resourceVersion ?? '' }), 3);
    expect(resumed.map((e) => e.type)).toEqual(['ADDED', 'MODIFIED', 'DELETED']);
    const filtered = await events(
      client.resource('v1', 'ConfigMap').watch({ resourceVersion: '0', fieldSelector: 'metadata.name=pre' }),
      1,
    );
    expect(filtered[0]?.object.metadata?.name).toBe('pre');
  });

  it('errors with Gone when the resourceVersion was compacted', async () => {
    const { t: s, client } = await start(3);
    const cms = client.resource('v1', 'ConfigMap').namespace('default');
    const first = await cms.create(configMap('a'));
    // The store trims its watch cache in batches (capacity + 256 events).
    for (let i = 0; i < 270; i++) {
      await s.store.create({ ...configMap(`x-${i}`), metadata: { name: `x-${i}`, namespace: 'default' } });
    }
    const error = await firstValueFrom(
      cms.watch({ resourceVersion: first.metadata?.resourceVersion ?? '' }),
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isGone(error)).toBe(true);
  });

  it('completes the watch when the server ends the stream', async () => {
    const { t: s, client } = await start();
    let added = 0;
    const done = new Promise<string>((resolve) => {
      client
        .resource('v1', 'Namespace')
        .watch()
        .subscribe({
          next: () => added++,
          complete: () => resolve('complete'),
          error: (e: unknown) => resolve(`error ${String(e)}`),
        });
    });
    await expect.poll(() => added).toBe(4); // the bootstrap namespaces: the stream is open
    await s.server.close();
    expect(await done).toBe('complete');
  });

  it('feeds a SharedInformerFactory that syncs and follows changes', async () => {
    const { t: s, client } = await start();
    const cms = client.resource('v1', 'ConfigMap').namespace('default');
    await cms.create(configMap('a', { app: 'web' }));
    await cms.create(configMap('b', { app: 'db' }));
    const factory = new SharedInformerFactory(client, { clock: s.clock });
    const informer = factory.informerFor('v1', 'ConfigMap', { namespace: 'default' });
    const changes: string[] = [];
    informer.events$.subscribe((e) => changes.push(`${e.type} ${e.object.metadata?.name}`));
    factory.start();
    await factory.whenSynced();
    expect(
      informer
        .lister()
        .list()
        .map((o) => o.metadata?.name),
    ).toEqual(['a', 'b']);
    await cms.create(configMap('c', { app: 'web' }));
    await cms.patch('a', { data: { k: 'v' } });
    await cms.delete('b');
    await expect
      .poll(() => changes, { timeout: 5000 })
      .toEqual(['ADDED a', 'ADDED b', 'ADDED c', 'MODIFIED a', 'DELETED b']);
    expect(
      informer
        .lister()
        .list({ labelSelector: 'app=web' })
        .map((o) => o.metadata?.name),
    ).toEqual(['a', 'c']);
    factory.stop();
  });
});
