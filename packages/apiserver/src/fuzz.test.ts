/**
 * Random requests — paths, query strings, methods, content types and bodies — always get a 2xx/4xx
 * answer with a JSON body (a Status for every failure), never a 5xx and never a hang.
 */
import { request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configMap, deployment, startTestServer, type TestServer } from './test-support.js';

interface Answer {
  status: number;
  body: string;
  stream: boolean;
  contentType: string;
}

function send(
  url: string,
  method: string,
  path: string,
  type: string | undefined,
  body: string | undefined,
  accept: string,
) {
  return new Promise<Answer>((resolve, reject) => {
    const req = request(
      `${url}${path}`,
      {
        method,
        headers: {
          Accept: accept,
          ...(type ? { 'Content-Type': type } : {}),
          ...(body !== undefined && method !== 'GET' && method !== 'HEAD'
            ? { 'Content-Length': Buffer.byteLength(body) }
            : {}),
        },
        timeout: 3000,
      },
      (res) => {
        const contentType = String(res.headers['content-type'] ?? '');
        if (res.headers['content-length'] === undefined && res.statusCode === 200) {
          // A watch stream: the headers are the answer.
          res.destroy();
          resolve({ status: 200, body: '', stream: true, contentType });
          return;
        }
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, stream: false, contentType }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => {
      req.destroy(new Error(`hang: ${method} ${path}`));
    });
    req.on('error', reject);
    if (body !== undefined && method !== 'GET' && method !== 'HEAD') req.write(body);
    req.end();
  });
}

const segment = fc.oneof(
  fc.constantFrom(
    'api',
    'apis',
    'v1',
    'v2',
    'apps',
    'batch',
    'namespaces',
    'default',
    'kube-system',
    'nowhere',
    'pods',
    'deployments',
    'configmaps',
    'nodes',
    'events',
    'status',
    'scale',
    'log',
    'web',
    'cm',
    'version',
    'openapi',
    'v3',
    'healthz',
    '',
    '%',
    '%zz',
    '..',
    '%2F',
  ),
  fc.string({ maxLength: 8 }).map(encodeURIComponent),
);

const queryPair = fc.tuple(
  fc.constantFrom(
    'watch',
    'labelSelector',
    'fieldSelector',
    'limit',
    'continue',
    'resourceVersion',
    'timeoutSeconds',
    'allowWatchBookmarks',
    'fieldValidation',
    'includeObject',
    'gracePeriodSeconds',
    'propagationPolicy',
    'dryRun',
    'x',
  ),
  fc.oneof(
    fc.constantFrom(
      'true',
      '1',
      '0',
      '-1',
      '500',
      'app=web',
      'metadata.name=web',
      'Strict',
      'Object',
      'a==b',
      '(',
      '99999999999999999999',
    ),
    fc.string({ maxLength: 10 }),
  ),
);

/** Well-formed resource URLs, so most requests reach the handlers. */
const resourcePath = fc
  .record({
    gv: fc.constantFrom('/api/v1', '/apis/apps/v1', '/apis/batch/v1', '/apis/coordination.k8s.io/v1'),
    ns: fc.constantFrom('', '/namespaces/default', '/namespaces/nowhere'),
    plural: fc.constantFrom(
      'pods',
      'deployments',
      'configmaps',
      'namespaces',
      'nodes',
      'jobs',
      'leases',
      'services',
    ),
    name: fc.constantFrom('', '/web', '/cm', '/default', '/x'),
    sub: fc.constantFrom('', '', '/status', '/scale', '/log'),
  })
  .map(({ gv, ns, plural, name, sub }) => `${gv}${ns}/${plural}${name}${name ? sub : ''}`);

const bodyArb = fc.oneof(
  fc.constant(undefined),
  fc.json(),
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    JSON.stringify(deployment('web')),
    JSON.stringify(configMap('cm')),
    '{"metadata":{"name":"cm"}}',
    '[{"op":"replace","path":"/spec/replicas","value":2}]',
    '{"spec":{"replicas":-3}}',
    '{"metadata":{"resourceVersion":"1"}}',
    '{"propagationPolicy":"Nope"}',
    '{"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}',
  ),
);

describe('fuzzing the HTTP surface', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
    await t.request('POST', '/apis/apps/v1/namespaces/default/deployments', { body: deployment('web') });
    await t.request('POST', '/api/v1/namespaces/default/configmaps', { body: configMap('cm') });
  });
  afterAll(() => t.close());

  it('never answers 5xx, never hangs, always JSON (or a stream / ok)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'),
        fc.oneof(
          fc.array(segment, { minLength: 0, maxLength: 8 }).map((s) => `/${s.join('/')}`),
          resourcePath,
        ),
        fc.array(queryPair, { maxLength: 4 }),
        fc.constantFrom(
          undefined,
          'application/json',
          'application/merge-patch+json',
          'application/json-patch+json',
          'application/strategic-merge-patch+json',
          'application/apply-patch+yaml',
          'application/vnd.kubernetes.protobuf',
          'text/plain',
          'application/json; charset=utf-8',
        ),
        bodyArb,
        fc.constantFrom('application/json', 'application/json;as=Table;v=v1;g=meta.k8s.io', '*/*'),
        async (method, segments, pairs, type, body, accept) => {
          const query = pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
          const path = `${segments}${query ? `?${query}` : ''}`;
          const answer = await send(t.server.url, method, path, type, body, accept);
          expect(answer.status, `${method} ${path}`).toBeLessThan(500);
          expect(answer.status).toBeGreaterThanOrEqual(200);
          if (answer.stream || method === 'HEAD') return;
          if (answer.body === 'ok') return;
          const parsed = JSON.parse(answer.body);
          if (answer.status >= 400) expect(parsed).toMatchObject({ kind: 'Status', code: answer.status });
        },
      ),
      { numRuns: 400, seed: 42 },
    );
  });
});
