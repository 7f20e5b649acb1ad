import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configMap, deployment, startTestServer, TABLE_ACCEPT, type TestServer } from './test-support.js';

const DEPLOYS = '/apis/apps/v1/namespaces/default/deployments';

describe('CRUD', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  it('creates (201), gets, replaces and deletes a namespaced object', async () => {
    const created = await t.request('POST', `${DEPLOYS}?fieldManager=kubectl-create`, {
      body: deployment('crud'),
    });
    expect(created.status).toBe(201);
    expect(created.body.metadata).toMatchObject({ name: 'crud', namespace: 'default', generation: 1 });
    expect(created.body.metadata.uid).toBeTruthy();
    expect(created.body.spec.strategy.type).toBe('RollingUpdate');

    const got = await t.request('GET', `${DEPLOYS}/crud`);
    expect(got.body.metadata.resourceVersion).toBe(created.body.metadata.resourceVersion);

    const replaced = await t.request('PUT', `${DEPLOYS}/crud`, {
      body: { ...got.body, spec: { ...got.body.spec, replicas: 5 } },
    });
    expect(replaced.status).toBe(200);
    expect(replaced.body.spec.replicas).toBe(5);
    expect(replaced.body.metadata.generation).toBe(2);

    const stale = await t.request('PUT', `${DEPLOYS}/crud`, { body: got.body });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({
      reason: 'Conflict',
      details: { name: 'crud', group: 'apps', kind: 'deployments' },
    });

    const deleted = await t.request('DELETE', `${DEPLOYS}/crud`, {
      body: { propagationPolicy: 'Background' },
    });
    expect(deleted.status).toBe(200);
    expect((await t.request('GET', `${DEPLOYS}/crud`)).body).toMatchObject({
      reason: 'NotFound',
      code: 404,
      message: 'deployments.apps "crud" not found',
    });
  });

  it('creates and deletes a cluster-scoped object', async () => {
    const r = await t.request('POST', '/api/v1/namespaces', { body: { metadata: { name: 'team-a' } } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ kind: 'Namespace', status: { phase: 'Active' } });
    expect((await t.request('GET', '/api/v1/namespaces/team-a')).status).toBe(200);
    expect((await t.request('GET', '/api/v1/namespaces/team-a/status')).body.status.phase).toBe('Active');
    expect((await t.request('DELETE', '/api/v1/namespaces/team-a')).status).toBe(200);
    // As in Kubernetes, the namespace stays Terminating until its controller empties it and removes
    // `kubernetes` from spec.finalizers (no controller runs in this test).
    const terminating = await t.request('GET', '/api/v1/namespaces/team-a');
    expect(terminating.status).toBe(200);
    expect(terminating.body).toMatchObject({
      status: { phase: 'Terminating' },
      spec: { finalizers: ['kubernetes'] },
    });
    expect(terminating.body.metadata.deletionTimestamp).toBeTruthy();
    const ns = await t.request('GET', '/api/v1/namespaces/team-a');
    const done = await t.request('PUT', '/api/v1/namespaces/team-a', {
      body: { ...ns.body, spec: { finalizers: [] } },
    });
    expect(done.status).toBe(200);
    expect((await t.request('GET', '/api/v1/namespaces/team-a')).status).toBe(404);
  });

  it.each([
    ['AlreadyExists', 409, () => deployment('dup')],
    [
      'Invalid',
      422,
      () => ({
        ...deployment('bad'),
        spec: { ...deployment('bad').spec, selector: { matchLabels: { app: 'x' } } },
      }),
    ],
  ])('answers %s with code %i and Status details', async (reason, code, make) => {
    await t.request('POST', DEPLOYS, { body: deployment('dup') });
    const r = await t.request('POST', DEPLOYS, { body: make() });
    expect(r.status).toBe(code);
    expect(r.body).toMatchObject({ kind: 'Status', reason, code });
    if (reason === 'Invalid') {
      expect(r.body.details.causes.length).toBeGreaterThan(0);
      expect(r.body.details.causes[0].field).toMatch(/^spec\./);
    }
  });

  it.each([
    ['malformed JSON', '{"apiVersion":', 'application/json', 400, 'BadRequest'],
    ['a JSON array', '[]', 'application/json', 400, 'BadRequest'],
    [
      'a mismatched kind',
      JSON.stringify({ apiVersion: 'v1', kind: 'Pod' }),
      'application/json',
      400,
      'BadRequest',
    ],
    ['an empty protobuf envelope', 'k8s\0', 'application/vnd.kubernetes.protobuf', 400, 'BadRequest'],
    ['protobuf without the magic', '{}', 'application/vnd.kubernetes.protobuf', 400, 'BadRequest'],
    ['a YAML body', 'a: b', 'application/yaml', 415, 'UnsupportedMediaType'],
  ])('rejects %s with a Status, never a 5xx', async (_name, body, type, code, reason) => {
    const r = await t.request('POST', DEPLOYS, { body, type });
    expect(r.status).toBe(code);
    expect(r.body).toMatchObject({ kind: 'Status', reason, code });
  });

  it('rejects a namespace in the body that differs from the URL', async () => {
    const body = {
      ...deployment('ns'),
      metadata: { name: 'ns', namespace: 'kube-system', labels: { app: 'ns' } },
    };
    const r = await t.request('POST', DEPLOYS, { body });
    expect(r.status).toBe(400);
  });

  it('refuses to create in a namespace that does not exist', async () => {
    const r = await t.request('POST', '/api/v1/namespaces/nowhere/configmaps', { body: configMap('x') });
    expect(r.status).toBe(404);
    expect(r.body.message).toBe('namespaces "nowhere" not found');
  });

  it('answers 405 for a method a resource does not have', async () => {
    const r = await t.request('PUT', DEPLOYS, { body: {} });
    expect(r.status).toBe(405);
    expect(r.body.reason).toBe('MethodNotAllowed');
    expect((await t.request('DELETE', '/api/v1/namespaces')).status).toBe(405);
  });

  it('dryRun=All checks create, patch, scale and delete but writes nothing', async () => {
    const create = await t.request('POST', `${DEPLOYS}?dryRun=All`, { body: deployment('dry') });
    expect(create.status).toBe(201);
    expect(create.body.spec.strategy.type).toBe('RollingUpdate');
    expect((await t.request('GET', `${DEPLOYS}/dry`)).status).toBe(404);
    const invalid = await t.request('POST', `${DEPLOYS}?dryRun=All`, {
      body: { ...deployment('dry'), spec: { ...deployment('dry').spec, replicas: -1 } },
    });
    expect(invalid.status).toBe(422);
    await t.request('POST', DEPLOYS, { body: deployment('dry') });
    expect((await t.request('POST', `${DEPLOYS}?dryRun=All`, { body: deployment('dry') })).status).toBe(409);
    const patched = await t.request('PATCH', `${DEPLOYS}/dry?dryRun=All`, {
      body: { spec: { replicas: 9 } },
      type: 'application/merge-patch+json',
    });
    expect(patched.body.spec.replicas).toBe(9);
    const scaled = await t.request('PATCH', `${DEPLOYS}/dry/scale?dryRun=All`, {
      body: { spec: { replicas: 7 } },
      type: 'application/merge-patch+json',
    });
    expect(scaled.body.spec.replicas).toBe(7);
    expect((await t.request('DELETE', `${DEPLOYS}/dry?dryRun=All`)).status).toBe(200);
    expect((await t.request('GET', `${DEPLOYS}/dry`)).body.spec.replicas).toBe(2);
    expect((await t.request('GET', `${DEPLOYS}/dry?dryRun=Some`)).status).toBe(200);
    expect((await t.request('DELETE', `${DEPLOYS}/dry?dryRun=Some`)).status).toBe(400);
  });

  describe('fieldValidation', () => {
    const withUnknown = () => ({ ...configMap('fv'), foo: 1 });
    it('Strict: 400 naming the unknown field', async () => {
      const r = await t.request('POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Strict', {
        body: withUnknown(),
      });
      expect(r.status).toBe(400);
      expect(r.body.message).toBe('strict decoding error: unknown field "foo"');
    });
    it('Warn: created, without the field, with a Warning header', async () => {
      const r = await t.request('POST', '/api/v1/namespaces/default/configmaps?fieldValidation=Warn', {
        body: withUnknown(),
      });
      expect(r.status).toBe(201);
      expect(r.body.foo).toBeUndefined();
      expect(r.headers.get('warning')).toBe('299 - "unknown field \\"foo\\""');
    });
  });
});

describe('lists', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
    await t.request('POST', '/api/v1/namespaces', { body: { metadata: { name: 'other' } } });
    for (let i = 0; i < 7; i++) {
      const ns = i % 2 ? 'other' : 'default';
      const labels = { app: i < 4 ? 'web' : 'db', idx: String(i) };
      await t.request('POST', `/api/v1/namespaces/${ns}/configmaps`, { body: configMap(`cm-${i}`, labels) });
    }
  });
  afterAll(() => t.close());

  const names = (r: { body: { items: { metadata: { name: string } }[] } }) =>
    r.body.items.map((i) => i.metadata.name);

  it('lists one namespace and across namespaces', async () => {
    const one = await t.request('GET', '/api/v1/namespaces/other/configmaps');
    expect(one.body.kind).toBe('ConfigMapList');
    expect(names(one)).toEqual(['cm-1', 'cm-3', 'cm-5']);
    const all = await t.request('GET', '/api/v1/configmaps');
    expect(names(all)).toHaveLength(7);
    expect(all.body.metadata.resourceVersion).toMatch(/^\d+$/);
  });

  it.each([
    ['app=web', ['cm-0', 'cm-2', 'cm-1', 'cm-3']],
    ['app in (db),idx!=4', ['cm-6', 'cm-5']],
    ['!app', []],
  ])('filters by labelSelector %s', async (selector, want) => {
    const r = await t.request('GET', `/api/v1/configmaps?labelSelector=${encodeURIComponent(selector)}`);
    expect(new Set(names(r))).toEqual(new Set(want));
  });

  it('filters by fieldSelector', async () => {
    const r = await t.request('GET', '/api/v1/configmaps?fieldSelector=metadata.name%3Dcm-3');
    expect(names(r)).toEqual(['cm-3']);
    const ns = await t.request('GET', '/api/v1/configmaps?fieldSelector=metadata.namespace%3Dother');
    expect(names(ns)).toHaveLength(3);
  });

  it('pages with limit and continue', async () => {
    const seen: string[] = [];
    let token = '';
    for (let page = 0; page < 10; page++) {
      const r = await t.request(
        'GET',
        `/api/v1/configmaps?limit=3${token ? `&continue=${encodeURIComponent(token)}` : ''}`,
      );
      expect(r.status).toBe(200);
      seen.push(...names(r));
      token = r.body.metadata.continue ?? '';
      if (!token) break;
    }
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
  });

  it.each([
    ['labelSelector=app%3D%3D%3D', 400],
    ['fieldSelector=spec.nope%3Dx', 400],
    ['limit=-1', 400],
    ['limit=abc', 400],
    ['continue=garbage', 400],
    ['resourceVersion=abc', 400],
  ])('answers bad query %s with %i', async (query, code) => {
    const r = await t.request('GET', `/api/v1/configmaps?${query}`);
    expect(r.status).toBe(code);
    expect(r.body.kind).toBe('Status');
  });

  it('honours resourceVersion=0 (any) and a current resourceVersion', async () => {
    const first = await t.request('GET', '/api/v1/configmaps');
    const rv = first.body.metadata.resourceVersion;
    expect((await t.request('GET', `/api/v1/configmaps?resourceVersion=0`)).status).toBe(200);
    expect(names(await t.request('GET', `/api/v1/configmaps?resourceVersion=${rv}`))).toHaveLength(7);
  });

  it('deletes a collection by label', async () => {
    const r = await t.request('DELETE', '/api/v1/namespaces/other/configmaps?labelSelector=app%3Ddb');
    expect(r.status).toBe(200);
    expect(names(r)).toEqual(['cm-5']);
    expect(names(await t.request('GET', '/api/v1/namespaces/other/configmaps'))).toEqual(['cm-1', 'cm-3']);
  });
});

describe('subresources and patches', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
    await t.request('POST', DEPLOYS, { body: deployment('web', 3) });
  });
  afterAll(() => t.close());

  it('reads and writes scale (autoscaling/v1 Scale)', async () => {
    const scale = await t.request('GET', `${DEPLOYS}/web/scale`);
    expect(scale.body).toMatchObject({
      apiVersion: 'autoscaling/v1',
      kind: 'Scale',
      metadata: { name: 'web', namespace: 'default' },
      spec: { replicas: 3 },
      status: { replicas: 0, selector: 'app=web' },
    });
    const patched = await t.request('PATCH', `${DEPLOYS}/web/scale`, {
      body: { spec: { replicas: 4 } },
      type: 'application/merge-patch+json',
    });
    expect(patched.status).toBe(200);
    expect(patched.body.spec.replicas).toBe(4);
    expect((await t.request('GET', `${DEPLOYS}/web`)).body.spec.replicas).toBe(4);
    const put = await t.request('PUT', `${DEPLOYS}/web/scale`, {
      body: { ...patched.body, spec: { replicas: 2 } },
    });
    expect(put.body.spec.replicas).toBe(2);
    const negative = await t.request('PATCH', `${DEPLOYS}/web/scale`, {
      body: { spec: { replicas: -1 } },
      type: 'application/merge-patch+json',
    });
    expect(negative.status).toBe(422);
    expect(negative.body.details.causes[0].field).toBe('spec.replicas');
    const stale = await t.request('PUT', `${DEPLOYS}/web/scale`, { body: scale.body });
    expect(stale.status).toBe(409);
  });

  it('writes status only through the status subresource', async () => {
    const status = { replicas: 2, readyReplicas: 1, observedGeneration: 1 };
    const viaMain = await t.request('PATCH', `${DEPLOYS}/web`, {
      body: { status },
      type: 'application/merge-patch+json',
    });
    expect(viaMain.body.status?.readyReplicas).toBeUndefined();
    const viaStatus = await t.request('PATCH', `${DEPLOYS}/web/status`, {
      body: { status, spec: { replicas: 9 } },
      type: 'application/merge-patch+json',
    });
    expect(viaStatus.status).toBe(200);
    expect(viaStatus.body.status.readyReplicas).toBe(1);
    expect(viaStatus.body.spec.replicas).not.toBe(9);
    const got = await t.request('GET', `${DEPLOYS}/web/status`);
    expect(got.body.status.readyReplicas).toBe(1);
  });

  it('merge-patches labels as kubectl label does', async () => {
    const r = await t.request('PATCH', `${DEPLOYS}/web?fieldManager=kubectl-label`, {
      body: { metadata: { labels: { env: 'dev' } } },
      type: 'application/merge-patch+json',
    });
    expect(r.body.metadata.labels).toEqual({ app: 'web', env: 'dev' });
    const un = await t.request('PATCH', `${DEPLOYS}/web`, {
      body: { metadata: { labels: { env: null } } },
      type: 'application/merge-patch+json',
    });
    expect(un.body.metadata.labels).toEqual({ app: 'web' });
  });

  it('strategic-merge-patches containers by name as kubectl set image does', async () => {
    const r = await t.request('PATCH', `${DEPLOYS}/web?fieldManager=kubectl-set`, {
      body: {
        spec: {
          template: {
            spec: {
              '$setElementOrder/containers': [{ name: 'web' }],
              containers: [{ image: 'nginx:1.9.1', name: 'web' }],
            },
          },
        },
      },
      type: 'application/strategic-merge-patch+json',
    });
    expect(r.status).toBe(200);
    const containers = r.body.spec.template.spec.containers;
    expect(containers).toHaveLength(1);
    expect(containers[0]).toMatchObject({
      name: 'web',
      image: 'nginx:1.9.1',
      ports: [{ containerPort: 80 }],
    });
  });

  it('pauses and resumes with strategic merge patches (null deletes)', async () => {
    const paused = await t.request('PATCH', `${DEPLOYS}/web`, {
      body: { spec: { paused: true } },
      type: 'application/strategic-merge-patch+json',
    });
    expect(paused.body.spec.paused).toBe(true);
    const resumed = await t.request('PATCH', `${DEPLOYS}/web`, {
      body: { spec: { paused: null } },
      type: 'application/strategic-merge-patch+json',
    });
    expect(resumed.body.spec.paused).toBeUndefined();
  });

  it('applies JSON patches (RFC 6902) and answers 422 when one cannot apply', async () => {
    const r = await t.request('PATCH', `${DEPLOYS}/web`, {
      body: [
        { op: 'test', path: '/metadata/name', value: 'web' },
        { op: 'replace', path: '/spec/replicas', value: 7 },
        { op: 'add', path: '/metadata/annotations', value: { a: 'b' } },
      ],
      type: 'application/json-patch+json',
    });
    expect(r.status).toBe(200);
    expect(r.body.spec.replicas).toBe(7);
    expect(r.body.metadata.annotations).toEqual({ a: 'b' });
    const bad = await t.request('PATCH', `${DEPLOYS}/web`, {
      body: [{ op: 'remove', path: '/spec/nope' }],
      type: 'application/json-patch+json',
    });
    expect(bad.status).toBe(422);
  });

  it.each([
    ['application/json', '{}', 415],
    ['application/apply-patch+yaml', '{}', 422], // server-side apply without fieldManager
    ['application/merge-patch+json', '{"spec":', 400],
    ['application/merge-patch+json', '{"spec":{"replicas":"x"}}', 422],
    ['application/merge-patch+json', '{"metadata":{"name":"other"}}', 400],
    ['application/merge-patch+json', '{"metadata":{"resourceVersion":"1"}}', 409],
    ['application/json-patch+json', '{}', 400],
  ])('PATCH as %s with %s answers %i', async (type, body, code) => {
    const r = await t.request('PATCH', `${DEPLOYS}/web`, { body, type });
    expect(r.status).toBe(code);
    expect(r.body.kind).toBe('Status');
  });

  it('answers 404 for a patch of a missing object', async () => {
    const r = await t.request('PATCH', `${DEPLOYS}/missing`, {
      body: {},
      type: 'application/merge-patch+json',
    });
    expect(r.status).toBe(404);
  });
});

describe('Tables', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
    await t.request('POST', DEPLOYS, { body: deployment('web', 3) });
    await t.request('POST', '/api/v1/namespaces/default/pods', {
      body: {
        metadata: { name: 'p1', labels: { app: 'web' } },
        spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'nginx' }] },
      },
    });
    await t.request('PATCH', '/api/v1/namespaces/default/pods/p1/status', {
      type: 'application/merge-patch+json',
      body: {
        status: {
          phase: 'Running',
          podIP: '10.0.0.7',
          containerStatuses: [
            { name: 'c', image: 'nginx', imageID: '', ready: true, restartCount: 0, state: { running: {} } },
          ],
        },
      },
    });
  });
  afterAll(() => t.close());

  it('prints pods with kubectl columns, wide columns at priority 1, ages from the clock', async () => {
    await (t.clock as import('@flotilla/clock').VirtualClock).advance(125_000);
    const r = await t.request('GET', '/api/v1/namespaces/default/pods?limit=500', { accept: TABLE_ACCEPT });
    expect(r.body).toMatchObject({ kind: 'Table', apiVersion: 'meta.k8s.io/v1' });
    expect(r.body.columnDefinitions.map((c: { name: string }) => c.name)).toEqual([
      'Name',
      'Ready',
      'Status',
      'Restarts',
      'Age',
      'IP',
      'Node',
      'Nominated Node',
      'Readiness Gates',
    ]);
    expect(r.body.columnDefinitions[5].priority).toBe(1);
    expect(r.body.rows[0].cells).toEqual([
      'p1',
      '1/1',
      'Running',
      '0',
      '2m5s',
      '10.0.0.7',
      'node-1',
      '<none>',
      '<none>',
    ]);
    expect(r.body.rows[0].object).toMatchObject({ kind: 'PartialObjectMetadata', metadata: { name: 'p1' } });
  });

  it('prints deployments and a one-row Table for a single GET', async () => {
    const r = await t.request('GET', `${DEPLOYS}/web`, { accept: TABLE_ACCEPT });
    expect(r.body.columnDefinitions.map((c: { name: string }) => c.name).slice(0, 5)).toEqual([
      'Name',
      'Ready',
      'Up-to-date',
      'Available',
      'Age',
    ]);
    expect(r.body.rows).toHaveLength(1);
    expect(r.body.rows[0].cells.slice(0, 4)).toEqual(['web', '0/3', 0, 0]);
    expect(r.body.rows[0].cells.slice(5)).toEqual(['web', 'nginx:1.7.9', 'app=web']);
  });

  it('prints namespaces and falls back to NAME AGE', async () => {
    const ns = await t.request('GET', '/api/v1/namespaces', { accept: TABLE_ACCEPT });
    expect(ns.body.rows[0].cells.slice(0, 2)).toEqual(['default', 'Active']);
    const cms = await t.request('GET', '/api/v1/configmaps', { accept: TABLE_ACCEPT });
    expect(cms.body.columnDefinitions.map((c: { name: string }) => c.name)).toEqual(['Name', 'Age']);
  });

  it('carries whole objects with includeObject=Object', async () => {
    const r = await t.request('GET', '/api/v1/pods?includeObject=Object', { accept: TABLE_ACCEPT });
    expect(r.body.rows[0].object.kind).toBe('Pod');
  });
});
