import { type Deployment, isBadRequest, isConflict, isGone, isNotFound, type Pod } from '@flotilla/api';
import { VirtualClock } from '@flotilla/clock';
import { MemoryBackend, ObjectStore } from '@flotilla/store';
import { firstValueFrom, take, toArray } from 'rxjs';
import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ResourceClient } from './client.js';
import { createInProcessClient } from './in-process-client.js';
import type { UnstructuredObject, WatchEvent } from './types.js';

function setup() {
  const clock = new VirtualClock();
  const backend = new MemoryBackend();
  const store = new ObjectStore({ backend, clock });
  return { clock, backend, store, client: createInProcessClient(store) };
}

function pod(name: string, extra: { namespace?: string; labels?: Record<string, string> } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      ...(extra.namespace === undefined ? {} : { namespace: extra.namespace }),
      ...(extra.labels ? { labels: extra.labels } : {}),
    },
    spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] },
  };
}

describe('createInProcessClient', () => {
  it('types resources through the kind map, falling back to UnstructuredObject', () => {
    const { client } = setup();
    expectTypeOf(client.resource('v1', 'Pod')).toEqualTypeOf<ResourceClient<Pod>>();
    expectTypeOf(client.resource('apps/v1', 'Deployment').namespace('x')).toEqualTypeOf<
      ResourceClient<Deployment>
    >();
    expectTypeOf(client.resource('example.com/v1', 'Widget')).toEqualTypeOf<
      ResourceClient<UnstructuredObject>
    >();
  });

  it('binds a pod through a v1/Binding, refusing as Kubernetes does', async () => {
    const { client, backend } = setup();
    const created = await client.resource('v1', 'Pod').namespace('team-a').create(pod('web'));
    const bindings = client.resource('v1', 'Binding').namespace('team-a');
    const binding = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: 'web', uid: created.metadata?.uid },
      target: { kind: 'Node', name: 'n1' },
    } as const;
    const result = await bindings.create(binding);
    expect(result).toEqual({ ...binding, metadata: { ...binding.metadata, namespace: 'team-a' } });
    expect(Object.isFrozen(result.metadata)).toBe(true);
    const bound = await client.resource('v1', 'Pod').namespace('team-a').get('web');
    expect(bound.spec?.nodeName).toBe('n1');
    expect(bound.metadata?.generation).toBe(1);
    const revision = await backend.currentRevision();
    const again = await bindings.create({ ...binding, target: { name: 'n2' } }).catch((e: unknown) => e);
    expect(isConflict(again)).toBe(true);
    expect((again as Error).message).toBe(
      'Operation cannot be fulfilled on pods/binding "web": pod web is already assigned to node "n1"',
    );
    expect(isNotFound(await bindings.create({ ...binding, metadata: { name: 'x' } }).catch((e) => e))).toBe(
      true,
    );
    expect(
      isBadRequest(
        await client
          .resource('v1', 'Binding')
          .create(binding)
          .catch((e) => e),
      ),
    ).toBe(true);
    expect(await backend.currentRevision()).toBe(revision);
  });

  it('creates, gets, lists, updates and deletes in a namespace', async () => {
    const { client } = setup();
    const pods = client.resource('v1', 'Pod').namespace('team-a');
    const created = await pods.create(pod('web-1', { labels: { app: 'web' } }));
    expect(created.metadata?.namespace).toBe('team-a');
    expect(created.metadata?.resourceVersion).toBe('1');
    await pods.create(pod('db-1', { labels: { app: 'db' } }));
    await client.resource('v1', 'Pod').create(pod('web-2', { namespace: 'team-b', labels: { app: 'web' } }));

    expect((await pods.get('web-1')).metadata?.uid).toBe(created.metadata?.uid);
    const names = (list: { items: readonly Pod[] }) =>
      list.items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`);
    expect(names(await pods.list())).toEqual(['team-a/db-1', 'team-a/web-1']);
    expect(names(await client.resource('v1', 'Pod').list({ labelSelector: 'app=web' }))).toEqual([
      'team-a/web-1',
      'team-b/web-2',
    ]);

    const updated = await pods.update({
      ...created,
      metadata: { ...created.metadata, labels: { app: 'web', v: '2' } },
    });
    expect(updated.metadata?.labels).toEqual({ app: 'web', v: '2' });
    await expect(pods.update(created)).rejects.toSatisfy(isConflict);

    const deleted = await pods.delete('web-1');
    expect(deleted.metadata?.name).toBe('web-1');
    await expect(pods.get('web-1')).rejects.toSatisfy(isNotFound);
    await expect(pods.delete('web-1')).rejects.toSatisfy(isNotFound);
  });

  it('writes status only through updateStatus', async () => {
    const { client } = setup();
    const pods = client.resource('v1', 'Pod').namespace('default');
    const created = await pods.create(pod('p'));
    const withStatus = { ...created, status: { phase: 'Running' as const } };
    const viaUpdate = await pods.update(withStatus);
    expect(viaUpdate.status?.phase).not.toBe('Running');
    const viaStatus = await pods.updateStatus({ ...withStatus, metadata: viaUpdate.metadata });
    expect(viaStatus.status?.phase).toBe('Running');
  });

  it.each([
    {
      name: 'namespaced get without a namespace',
      call: (c: ReturnType<typeof setup>['client']) => c.resource('v1', 'Pod').get('p'),
    },
    {
      name: 'object namespace differing from the client',
      call: (c: ReturnType<typeof setup>['client']) =>
        c
          .resource('v1', 'Pod')
          .namespace('a')
          .create(pod('p', { namespace: 'b' })),
    },
    {
      name: 'object kind differing from the client',
      call: (c: ReturnType<typeof setup>['client']) =>
        c
          .resource('v1', 'ConfigMap')
          .namespace('a')
          .create(pod('p') as never),
    },
    {
      name: 'malformed label selector',
      call: (c: ReturnType<typeof setup>['client']) =>
        c.resource('v1', 'Pod').list({ labelSelector: 'a in (' }),
    },
  ])('rejects a $name with BadRequest', async ({ call }) => {
    const { client } = setup();
    await expect(call(client)).rejects.toSatisfy(isBadRequest);
  });

  it('patches with a JSON merge patch, honouring a resourceVersion precondition and the status subresource', async () => {
    const { client } = setup();
    const cms = client.resource('v1', 'ConfigMap').namespace('default');
    const cm = await cms.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cfg', labels: { a: '1', b: '2' } },
      data: { x: '1', y: '2' },
    });
    const patched = await cms.patch('cfg', {
      metadata: { labels: { b: null, c: '3' } },
      data: { y: null, z: '3' },
    });
    expect(patched.metadata?.labels).toEqual({ a: '1', c: '3' });
    expect(patched.data).toEqual({ x: '1', z: '3' });
    await expect(
      cms.patch('cfg', { metadata: { resourceVersion: cm.metadata?.resourceVersion }, data: {} }),
    ).rejects.toSatisfy(isConflict);
    await expect(cms.patch('missing', { data: {} })).rejects.toSatisfy(isNotFound);
    await expect(cms.patch('cfg', { kind: 'Secret' })).rejects.toSatisfy(isBadRequest);

    const pods = client.resource('v1', 'Pod').namespace('default');
    await pods.create(pod('p'));
    const running = await pods.patch('p', { status: { phase: 'Running' } }, { subresource: 'status' });
    expect(running.status?.phase).toBe('Running');
    const ignored = await pods.patch('p', { status: { phase: 'Failed' } });
    expect(ignored.status?.phase).toBe('Running');
  });

  it('deletes with preconditions', async () => {
    const { client } = setup();
    const pods = client.resource('v1', 'Pod').namespace('default');
    const created = await pods.create(pod('p'));
    await expect(pods.delete('p', { preconditions: { uid: 'other' } })).rejects.toSatisfy(isConflict);
    await pods.delete('p', { preconditions: { uid: created.metadata?.uid as string } });
    await expect(pods.get('p')).rejects.toSatisfy(isNotFound);
  });

  it('serves cluster-scoped kinds without a namespace', async () => {
    const { client } = setup();
    const nodes = client.resource('v1', 'Node');
    await nodes.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
    expect((await nodes.get('n1')).metadata?.namespace).toBeUndefined();
    expect((await nodes.list()).items).toHaveLength(1);
  });

  it('watches from a resourceVersion, and reports a compacted one as Gone', async () => {
    const { client, store } = setup();
    const pods = client.resource('v1', 'Pod').namespace('default');
    const first = await pods.create(pod('a'));
    const events = firstValueFrom(
      pods.watch({ resourceVersion: first.metadata?.resourceVersion }).pipe(take(2), toArray()),
    );
    await pods.create(pod('b'));
    await pods.delete('a');
    const got: WatchEvent<Pod>[] = await events;
    expect(got.map((e) => `${e.type} ${e.object.metadata?.name}`)).toEqual(['ADDED b', 'DELETED a']);

    const small = new ObjectStore({
      backend: new MemoryBackend(),
      clock: new VirtualClock(),
      watchCacheSize: 1,
    });
    const smallPods = createInProcessClient(small).resource('v1', 'Pod').namespace('default');
    const p = await smallPods.create(pod('p'));
    for (let i = 0; i < 300; i++)
      await smallPods.update({
        ...p,
        metadata: { ...p.metadata, labels: { i: String(i) }, resourceVersion: undefined },
      });
    const error = await firstValueFrom(smallPods.watch({ resourceVersion: '1' })).catch((e: unknown) => e);
    expect(isGone(error)).toBe(true);
    store.close();
  });

  it('reports a non-ApiError failure of the store as InternalError', async () => {
    const { store } = setup();
    const broken = Object.assign(Object.create(store) as ObjectStore, {
      get: () => Promise.reject(new TypeError('boom')),
    });
    const error = await createInProcessClient(broken)
      .resource('v1', 'Pod')
      .namespace('default')
      .get('x')
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'ApiError',
      reason: 'InternalError',
      message: expect.stringContaining('boom'),
    });
  });
});
