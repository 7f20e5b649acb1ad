/** `pods/<name>/binding` over HTTP, raw and through `@flotilla/client`'s HTTP client. */
import { isConflict } from '@flotilla/api';
import { createHttpClient } from '@flotilla/client';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeHttpTransport } from './http-transport.js';
import { addPod, startTestServer, type TestServer } from './test-support.js';

let t: TestServer | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const PATH = '/api/v1/namespaces/default/pods/web/binding';
const binding = (metadata: Record<string, unknown> = { name: 'web' }, target: object = { name: 'n1' }) => ({
  apiVersion: 'v1',
  kind: 'Binding',
  metadata,
  target,
});

describe('pods/binding', () => {
  it('binds a pod: 201 with a Success Status, the pod assigned and marked scheduled', async () => {
    t = await startTestServer();
    await addPod(t, 'web');
    const body = binding({ name: 'web', creationTimestamp: null, annotations: { a: 'b' } });
    const res = await t.request('POST', PATH, { body });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Success',
      code: 201,
    });
    const pod = (await t.request('GET', '/api/v1/namespaces/default/pods/web')).body;
    expect(pod.spec.nodeName).toBe('n1');
    expect(pod.metadata.annotations).toEqual({ a: 'b' });
    expect(pod.metadata.generation).toBe(1);
    expect(pod.status.conditions).toEqual([
      { type: 'PodScheduled', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' },
    ]);
  });

  it.each([
    ['a body of another kind', binding(), { kind: 'Pod' }, 400, 'not a Binding object: v1/Pod'],
    [
      'a name that is not the URL one',
      binding({ name: 'db' }),
      {},
      400,
      'name in URL does not match name in Binding object',
    ],
    [
      'another namespace',
      binding({ name: 'web', namespace: 'other' }),
      {},
      400,
      'the namespace of the provided object does not match the namespace sent on the request',
    ],
    [
      'no target name',
      binding({ name: 'web' }, { kind: 'Node' }),
      {},
      422,
      'Binding "web" is invalid: target.name: Required value',
    ],
    [
      'an unknown field',
      { ...binding(), spec: {} },
      {},
      422,
      'Binding "web" is invalid: unknown field "spec"',
    ],
  ])('refuses %s with a Status naming the problem', async (_, body, change, code, message) => {
    t = await startTestServer();
    await addPod(t, 'web');
    const res = await t.request('POST', PATH, { body: { ...body, ...change } });
    expect(res.status).toBe(code);
    expect(res.body.message).toBe(message);
    expect(
      (await t.request('GET', '/api/v1/namespaces/default/pods/web')).body.spec.nodeName,
    ).toBeUndefined();
  });

  it('answers 409 for a bound pod, 404 for a missing one, 405 for another method', async () => {
    t = await startTestServer();
    await addPod(t, 'web', { node: 'n2' });
    const bound = await t.request('POST', PATH, { body: binding() });
    expect(bound.status).toBe(409);
    expect(bound.body).toMatchObject({
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on pods/binding "web": pod web is already assigned to node "n2"',
      details: { name: 'web', kind: 'pods/binding' },
    });
    const missing = await t.request('POST', '/api/v1/namespaces/default/pods/db/binding', {
      body: binding({ name: 'db' }),
    });
    expect(missing.status).toBe(404);
    expect((await t.request('GET', PATH)).status).toBe(405);
  });

  it('checks a dry run fully and writes nothing', async () => {
    t = await startTestServer();
    await addPod(t, 'web');
    const before = (await t.request('GET', '/api/v1/namespaces/default/pods/web')).body;
    expect((await t.request('POST', `${PATH}?dryRun=All`, { body: binding() })).status).toBe(201);
    expect(
      (await t.request('POST', `${PATH}?dryRun=All`, { body: binding({ name: 'web' }, {}) })).status,
    ).toBe(422);
    expect((await t.request('GET', '/api/v1/namespaces/default/pods/web')).body).toEqual(before);
    await t.request('POST', PATH, { body: binding() });
    expect((await t.request('POST', `${PATH}?dryRun=All`, { body: binding() })).status).toBe(409);
  });

  it('binds through the legacy bindings resource, the pod named by the body', async () => {
    t = await startTestServer();
    await addPod(t, 'web');
    const path = '/api/v1/namespaces/default/bindings';
    expect((await t.request('POST', path, { body: binding({ name: 'web' }, {}) })).status).toBe(422);
    const res = await t.request('POST', path, { body: binding({ name: 'web' }, { name: 'n3' }) });
    expect(res.status).toBe(201);
    expect((await t.request('GET', '/api/v1/namespaces/default/pods/web')).body.spec.nodeName).toBe('n3');
    expect((await t.request('POST', path, { body: binding({ name: 'web' }) })).status).toBe(409);
    expect((await t.request('POST', '/api/v1/bindings', { body: binding() })).status).toBe(404);
    expect((await t.request('GET', `${path}/web`)).status).toBe(404);
  });

  it('is in discovery as Kubernetes lists it: bindings and pods/binding, create only', async () => {
    t = await startTestServer();
    const { resources } = (await t.request('GET', '/api/v1')).body;
    const byName = (name: string) => resources.find((r: { name: string }) => r.name === name);
    expect(byName('bindings')).toEqual({
      name: 'bindings',
      singularName: 'binding',
      namespaced: true,
      kind: 'Binding',
      verbs: ['create'],
    });
    expect(byName('pods/binding')).toMatchObject({ namespaced: true, kind: 'Binding', verbs: ['create'] });
  });

  it('is what the HTTP client sends for a v1/Binding', async () => {
    t = await startTestServer();
    await addPod(t, 'web');
    const transport = nodeHttpTransport({ server: t.server.url });
    try {
      const client = createHttpClient({ transport });
      const sent = binding({ name: 'web' }, { kind: 'Node', name: 'n1' }) as never;
      await client.resource('v1', 'Binding').namespace('default').create(sent);
      expect((await client.resource('v1', 'Pod').namespace('default').get('web')).spec?.nodeName).toBe('n1');
      const again = await client
        .resource('v1', 'Binding')
        .namespace('default')
        .create(sent)
        .catch((e: unknown) => e);
      expect(isConflict(again)).toBe(true);
    } finally {
      transport.close();
    }
  });
});
