import { request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './test-support.js';

describe('basics over http', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  it('/version reports 1.32 so the dispatcher picks kubectl 1.32', async () => {
    const r = await t.request('GET', '/version?timeout=5s');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ major: '1', minor: '32' });
    expect(r.body.gitVersion).toMatch(/^v1\.32\./);
  });

  it.each(['/healthz', '/livez', '/readyz'])('%s answers ok', async (path) => {
    const r = await t.request('GET', path);
    expect(r.status).toBe(200);
    expect(r.text).toBe('ok');
  });

  it('serves legacy discovery as plain JSON, even when aggregated discovery is preferred', async () => {
    const accept =
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';
    const api = await t.request('GET', '/api?timeout=32s', { accept });
    expect(api.headers.get('content-type')).toBe('application/json');
    expect(api.body).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const apis = await t.request('GET', '/apis', { accept });
    expect(apis.body.kind).toBe('APIGroupList');
    const names = apis.body.groups.map((g: { name: string }) => g.name);
    expect(names).toEqual(expect.arrayContaining(['apps', 'batch', 'coordination.k8s.io', 'events.k8s.io']));
    expect(apis.body.groups[0].preferredVersion).toEqual({ groupVersion: 'apps/v1', version: 'v1' });
  });

  it('lists resources with verbs, short names, categories and subresources', async () => {
    const core = await t.request('GET', '/api/v1');
    expect(core.body).toMatchObject({ kind: 'APIResourceList', groupVersion: 'v1' });
    const byName = new Map(core.body.resources.map((r: { name: string }) => [r.name, r]));
    expect(byName.get('pods')).toMatchObject({
      singularName: 'pod',
      namespaced: true,
      kind: 'Pod',
      shortNames: ['po'],
      categories: ['all'],
    });
    expect(byName.get('pods/status')).toMatchObject({ kind: 'Pod', verbs: ['get', 'patch', 'update'] });
    expect(byName.get('namespaces')).toMatchObject({ namespaced: false, shortNames: ['ns'] });
    const apps = await t.request('GET', '/apis/apps/v1');
    const scale = apps.body.resources.find((r: { name: string }) => r.name === 'deployments/scale');
    expect(scale).toMatchObject({ group: 'autoscaling', version: 'v1', kind: 'Scale' });
    const deploy = apps.body.resources.find((r: { name: string }) => r.name === 'deployments');
    expect(deploy.verbs).toEqual(
      expect.arrayContaining(['create', 'get', 'list', 'watch', 'patch', 'delete']),
    );
  });

  it.each([
    ['/apis/nope/v1'],
    ['/api/v2'],
    ['/nothing'],
    ['/api/v1/foos'],
    ['/api/v1/namespaces/default/pods/x/y/z'],
    ['/api/v1/pods/x'],
    ['/api/v1/namespaces/default/nodes'],
  ])('%s is a 404 Status', async (path) => {
    const r = await t.request('GET', path);
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'NotFound', code: 404 });
  });

  it('serves the minimal OpenAPI v3 kubectl needs for apply -f', async () => {
    const root = await t.request('GET', '/openapi/v3?timeout=32s');
    const url: string = root.body.paths['apis/apps/v1'].serverRelativeURL;
    expect(url).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]+$/);
    const doc = await t.request('GET', url);
    expect(doc.headers.get('cache-control')).toContain('immutable');
    const op = doc.body.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    expect(op['x-kubernetes-group-version-kind']).toEqual({
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
    });
    expect(op.parameters.map((p: { name: string }) => p.name)).toContain('fieldValidation');
    const core = await t.request('GET', root.body.paths['api/v1'].serverRelativeURL);
    expect(core.body.paths['/api/v1/namespaces/{name}']).toBeDefined();
    expect((await t.request('GET', '/openapi/v3/apis/nope/v1')).status).toBe(404);
  });

  it('creates the bootstrap namespaces', async () => {
    const r = await t.request('GET', '/api/v1/namespaces');
    expect(r.body.items.map((n: { metadata: { name: string } }) => n.metadata.name)).toEqual([
      'default',
      'kube-node-lease',
      'kube-public',
      'kube-system',
    ]);
  });

  it('writes a kubeconfig without credentials over http', () => {
    const config = t.server.kubeconfig();
    expect(config).toContain(`server: ${t.server.url}`);
    expect(config).not.toContain('token');
    expect(config).toContain('current-context: flotilla');
  });
});

describe('https and bearer tokens', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ tls: true, token: 'secret-token' });
  });
  afterAll(() => t.close());

  function get(path: string, token?: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        `${t.server.url}${path}`,
        { ca: t.server.caPem, headers: token ? { Authorization: `Bearer ${token}` } : {} },
        (res) => {
          let body = '';
          res.on('data', (c) => {
            body += c;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        },
      );
      req.on('error', reject);
      req.end();
    });
  }

  it('serves https with a certificate the generated CA verifies', async () => {
    expect(t.server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const r = await get('/api/v1/namespaces', 'secret-token');
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).kind).toBe('NamespaceList');
  });

  it.each([
    ['no token', undefined],
    ['a wrong token', 'wrong'],
  ])('answers 401 with %s', async (_name, token) => {
    const r = await get('/api/v1/namespaces', token);
    expect(r.status).toBe(401);
    expect(JSON.parse(r.body)).toMatchObject({ kind: 'Status', reason: 'Unauthorized', code: 401 });
  });

  it('lets /version and health checks through without a token, as Kubernetes does', async () => {
    expect((await get('/version')).status).toBe(200);
    expect((await get('/healthz')).status).toBe(200);
  });

  it('puts the CA and token in the kubeconfig', () => {
    const config = t.server.kubeconfig();
    expect(config).toContain(`certificate-authority-data: ${t.server.caData}`);
    expect(config).toContain('token: secret-token');
    expect(Buffer.from(t.server.caData ?? '', 'base64').toString()).toContain('BEGIN CERTIFICATE');
  });

  it('refuses plain http off loopback', async () => {
    const { createApiServer } = await import('./server.js');
    await expect(createApiServer({ store: t.store, tls: false, host: '0.0.0.0' })).rejects.toThrow(
      /loopback/,
    );
  });
});
