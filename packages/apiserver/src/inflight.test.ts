/**
 * The in-flight limits (`--max-requests-inflight` / `--max-mutating-requests-inflight`): requests are
 * held open deterministically (reads in a store whose ConfigMap `get`s wait for a gate, mutations by a
 * client that sends half a body), the next one gets 429 + `Retry-After: 1`, and slots come back on success,
 * errors and client aborts.
 */
import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type ClientRequest, createServer, request as httpRequest, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigMap } from '@flotilla/api';
import { createHttpClient } from '@flotilla/client';
import { VirtualClock } from '@flotilla/clock';
import { MemoryBackend, ObjectStore } from '@flotilla/store';
import { afterEach, describe, expect, it } from 'vitest';
import { discardBody, readBody } from './http.js';
import { nodeHttpTransport } from './http-transport.js';
import { createInflightLimiter, inflightKind } from './inflight.js';
import { collectOutput, kubectlEnv } from './kubectl-harness.test-support.js';
import { route } from './routes.js';
import { type ApiServer, type ApiServerOptions, createApiServer } from './server.js';
import { configMap, openWatch } from './test-support.js';

const TOO_MANY = {
  kind: 'Status',
  apiVersion: 'v1',
  status: 'Failure',
  message: 'Too many requests, please try again later.',
  reason: 'TooManyRequests',
  details: { retryAfterSeconds: 1 },
  code: 429,
};

/**
 * A store whose ConfigMap `get`s wait while the gate is closed (`waiting` counts the parked calls), and
 * whose next `list` can be made to fail.
 */
function gatedStore(store: ObjectStore) {
  const waiters: (() => void)[] = [];
  let closed = false;
  let failNext = false;
  const gate = {
    close() {
      closed = true;
    },
    open() {
      closed = false;
      for (const w of waiters.splice(0)) w();
    },
    get waiting() {
      return waiters.length;
    },
    /** The next list call rejects with a plain Error (an InternalError for the client). */
    failNextList() {
      failNext = true;
    },
  };
  const proxy = new Proxy(store, {
    get(target, prop) {
      if (prop === 'get') {
        return async (...args: Parameters<ObjectStore['get']>) => {
          if (closed && args[0].kind === 'ConfigMap') {
            await new Promise<void>((resolve) => waiters.push(resolve));
          }
          return target.get(...args);
        };
      }
      if (prop === 'list') {
        return async (...args: Parameters<ObjectStore['list']>) => {
          if (failNext) {
            failNext = false;
            throw new Error('backend exploded');
          }
          return target.list(...args);
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { store: proxy, gate };
}

let server: ApiServer | undefined;
let backing: ObjectStore | undefined;
afterEach(async () => {
  await server?.close();
  backing?.close();
  server = undefined;
  backing = undefined;
});

async function start(options: Partial<ApiServerOptions> = {}) {
  const clock = new VirtualClock({ start: Date.UTC(2026, 0, 1) });
  backing = new ObjectStore({ backend: new MemoryBackend(), clock });
  const { store, gate } = gatedStore(backing);
  server = await createApiServer({ tls: false, clock, ...options, store });
  await backing.create(configMap('held') as ConfigMap);
  return { server, gate, store: backing };
}

/** Polls `check` every few ms until it holds (fails after 15 s). */
async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function get(path: string, init: RequestInit = {}) {
  const res = await fetch(`${(server as ApiServer).url}${path}`, init);
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    body: text.startsWith('{') ? JSON.parse(text) : text,
  };
}

/** A POST whose headers and half its body are sent, the rest only by `finish()`; `abort()` resets it. */
function heldPost(path: string, body: string) {
  const url = new URL(path, (server as ApiServer).url);
  let req: ClientRequest;
  const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
    req = httpRequest(
      url,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
        agent: false,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.write(body.slice(0, body.length >> 1));
    req.flushHeaders();
  });
  response.catch(() => undefined);
  return {
    response,
    finish() {
      req.end(body.slice(body.length >> 1));
    },
    abort() {
      req.destroy();
    },
  };
}

describe('in-flight limits', () => {
  it('answers the read beyond the limit 429 with Retry-After: 1, and serves it once a slot is free', async () => {
    const { gate } = await start({ maxRequestsInflight: 3 });
    gate.close();
    const held = [1, 2, 3].map(() => get('/api/v1/namespaces/default/configmaps/held'));
    await until(() => gate.waiting === 3, 'three lists parked in the store');
    expect(server?.inflightRequests()).toEqual({ readOnly: 3, mutating: 0 });

    for (const path of [
      '/api/v1/namespaces/default/configmaps',
      '/api/v1/namespaces/default/configmaps/x',
      '/apis',
    ]) {
      const refused = await get(path);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(refused.body).toMatchObject(TOO_MANY);
    }
    // Exempt: health checks, /version, watches; and mutations have their own limit.
    for (const path of ['/healthz', '/livez', '/readyz', '/version'])
      expect((await get(path)).status).toBe(200);
    const w = await openWatch(`${server?.url}/api/v1/namespaces/default/configmaps?watch=true`);
    expect(w.status).toBe(200);
    const created = await get('/api/v1/namespaces/default/configmaps', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(configMap('c1')),
    });
    expect(created.status).toBe(201);
    expect((await w.next()).type).toBe('ADDED');
    w.cancel();
    expect(server?.inflightRequests()).toEqual({ readOnly: 3, mutating: 0 });

    gate.open();
    const answers = await Promise.all(held);
    expect(answers.map((a) => `${a.status} ${a.body.metadata.name}`)).toEqual([
      '200 held',
      '200 held',
      '200 held',
    ]);
    await until(() => server?.inflightRequests().readOnly === 0, 'slots freed');
    const after = await get('/api/v1/namespaces/default/configmaps');
    expect(after.status).toBe(200);
    expect(after.body.items.map((i: ConfigMap) => i.metadata?.name)).toEqual(['c1', 'held']);
  });

  it('limits mutations separately; a client that goes away mid-body frees its slot', async () => {
    const { gate } = await start({ maxMutatingRequestsInflight: 2 });
    const a = heldPost('/api/v1/namespaces/default/configmaps', JSON.stringify(configMap('a')));
    const b = heldPost('/api/v1/namespaces/default/configmaps', JSON.stringify(configMap('b')));
    await until(() => server?.inflightRequests().mutating === 2, 'two POSTs in flight');

    const refused = await get('/api/v1/namespaces/default/configmaps', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(configMap('c')),
    });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.body).toMatchObject(TOO_MANY);
    const del = await get('/api/v1/namespaces/default/configmaps/zzz', { method: 'DELETE' });
    expect(del.status).toBe(429);
    // Reads are not held up by mutations.
    expect((await get('/api/v1/namespaces/default/configmaps')).status).toBe(200);
    expect(gate.waiting).toBe(0);

    a.abort();
    await expect(a.response).rejects.toThrow();
    await until(() => server?.inflightRequests().mutating === 1, 'the aborted POST to free its slot');
    b.finish();
    expect((await b.response).status).toBe(201);
    await until(() => server?.inflightRequests().mutating === 0, 'all slots free');
    const c = await get('/api/v1/namespaces/default/configmaps', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(configMap('c')),
    });
    expect(c.status).toBe(201);
    const names = (await get('/api/v1/namespaces/default/configmaps')).body.items.map(
      (i: ConfigMap) => i.metadata?.name,
    );
    expect(names).toEqual(['b', 'c', 'held']);
  });

  it('frees slots of reads whose clients abort while the store still works on them', async () => {
    const { gate } = await start({ maxRequestsInflight: 2 });
    gate.close();
    const aborts = [new AbortController(), new AbortController()];
    const held = aborts.map((c) =>
      fetch(`${server?.url}/api/v1/namespaces/default/configmaps/held`, { signal: c.signal }).catch(
        (e: unknown) => e,
      ),
    );
    await until(() => gate.waiting === 2, 'two lists parked');
    expect((await get('/api/v1/configmaps')).status).toBe(429);
    for (const c of aborts) c.abort();
    for (const h of held) expect(await h).toBeInstanceOf(Error);
    await until(() => server?.inflightRequests().readOnly === 0, 'aborted reads to free their slots');
    gate.open();
    await until(() => gate.waiting === 0, 'parked lists to finish');
    expect(server?.inflightRequests()).toEqual({ readOnly: 0, mutating: 0 });
    expect((await get('/api/v1/configmaps')).status).toBe(200);
  });

  it('frees slots of requests that fail, whatever the failure', async () => {
    const { gate } = await start({ maxRequestsInflight: 1, maxMutatingRequestsInflight: 1 });
    const failures: [string, string, RequestInit, number][] = [
      ['GET', '/api/v1/namespaces/default/configmaps/missing', {}, 404],
      ['GET', '/api/v1/configmaps?labelSelector=%3D%3D%3D', {}, 400],
      ['GET', '/api/v1/namespaces/default/configmaps?limit=-1', {}, 400],
      ['GET', '/api/v1/nope', {}, 404],
      ['GET', '/api/v1/namespaces/default/configmaps/a/%zz', {}, 400],
      ['PUT', '/api', {}, 405],
      ['POST', '/api/v1/namespaces/default/configmaps', { body: '{not json' }, 400],
      ['POST', '/api/v1/namespaces/nowhere/configmaps', { body: JSON.stringify(configMap('x')) }, 404],
      ['PATCH', '/api/v1/namespaces/default/configmaps/x', { body: '{}' }, 415],
      ['DELETE', '/api/v1/namespaces/default/configmaps/x', {}, 404],
    ];
    for (const [method, path, init, code] of failures) {
      const r = await get(path, { method, headers: { 'Content-Type': 'application/json' }, ...init });
      expect(r.status, `${method} ${path}: ${r.text}`).toBe(code);
      await until(() => server?.inflightRequests().readOnly === 0, 'no read in flight');
      await until(() => server?.inflightRequests().mutating === 0, 'no mutation in flight');
    }
    gate.failNextList();
    const broken = await get('/api/v1/configmaps');
    expect(broken.status).toBe(500);
    expect(broken.body).toMatchObject({ reason: 'InternalError' });
    await until(() => server?.inflightRequests().readOnly === 0, 'no read in flight');
    expect((await get('/api/v1/configmaps')).status).toBe(200);
  });

  it('@flotilla/client waits out Retry-After on its clock and then succeeds', async () => {
    const { gate, store } = await start({ maxRequestsInflight: 1 });
    await store.create(configMap('seen') as ConfigMap);
    gate.close();
    const held = get('/api/v1/namespaces/default/configmaps/held');
    await until(() => gate.waiting === 1, 'one list parked');
    const clientClock = new VirtualClock();
    const transport = nodeHttpTransport({ server: server?.url as string });
    try {
      const client = createHttpClient({ transport, clock: clientClock });
      let done = false;
      const listed = client
        .resource('v1', 'ConfigMap')
        .namespace('default')
        .get('seen')
        .finally(() => {
          done = true;
        });
      await until(() => clientClock.nextTimerAt() !== undefined, 'the client to wait after a 429');
      expect(clientClock.nextTimerAt()).toBe(clientClock.now() + 1000);
      gate.open();
      expect((await held).status).toBe(200);
      await until(() => server?.inflightRequests().readOnly === 0, 'the held read to finish');
      expect(done).toBe(false);
      await clientClock.advance(1000);
      expect((await listed).metadata?.name).toBe('seen');
    } finally {
      transport.close();
    }
  });

  it('kubectl (client-go) waits out Retry-After: 1 and then succeeds', async () => {
    const { gate } = await start({ tls: true, maxRequestsInflight: 1 });
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-inflight-'));
    const transport = nodeHttpTransport({
      server: server?.url as string,
      token: server?.token as string,
      ca: server?.caPem as string,
    });
    try {
      writeFileSync(join(dir, 'kubeconfig'), server?.kubeconfig() as string);
      gate.close();
      const held = transport.request('GET', '/api/v1/namespaces/default/configmaps/held', { headers: {} });
      await until(() => gate.waiting === 1, 'one read parked');
      // -v=4 makes client-go log each Retry-After it honours.
      const child = spawn('kubectl', ['-v=4', 'get', 'configmap', 'held', '-o', 'name'], {
        env: kubectlEnv(dir),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const { out, err } = collectOutput(child);
      const code = new Promise<number | null>((resolve) => child.once('exit', resolve));
      try {
        await until(() => /Got a Retry-After 1s response for attempt 1/.test(err()), 'kubectl to get a 429');
      } finally {
        gate.open();
      }
      expect((await held).status).toBe(200);
      expect(await code).toBe(0);
      expect(out()).toBe('configmap/held\n');
    } finally {
      transport.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes its defaults from kube-apiserver (400 reads, 200 mutations)', async () => {
    const { gate } = await start();
    gate.close();
    const aborts = Array.from({ length: 400 }, () => new AbortController());
    const held = aborts.map((c) =>
      fetch(`${server?.url}/api/v1/namespaces/default/configmaps/held`, { signal: c.signal }).catch(
        (e: unknown) => e,
      ),
    );
    await until(() => gate.waiting === 400, '400 lists parked');
    expect((await get('/api/v1/configmaps')).status).toBe(429);
    for (const c of aborts) c.abort();
    await Promise.all(held);
    await until(() => server?.inflightRequests().readOnly === 0, 'slots freed');
    gate.open();
    const posts = Array.from({ length: 200 }, (_, i) =>
      heldPost('/api/v1/namespaces/default/configmaps', JSON.stringify(configMap(`m${i}`))),
    );
    await until(() => server?.inflightRequests().mutating === 200, '200 POSTs in flight');
    const refused = await get('/api/v1/namespaces/default/configmaps', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(configMap('late')),
    });
    expect(refused.status).toBe(429);
    for (const p of posts) p.finish();
    expect((await Promise.all(posts.map((p) => p.response))).every((r) => r.status === 201)).toBe(true);
    await until(() => server?.inflightRequests().mutating === 0, 'slots freed');
  });
});

describe('inflightKind', () => {
  const kind = (method: string, url: string) => {
    const u = new URL(url, 'http://x');
    return inflightKind(method, route(u.pathname), u.searchParams);
  };

  it('exempts health checks, /version and long-running requests as kube-apiserver does', () => {
    expect(kind('GET', '/healthz')).toBe('exempt');
    expect(kind('GET', '/readyz')).toBe('exempt');
    expect(kind('GET', '/version?timeout=5s')).toBe('exempt');
    expect(kind('GET', '/api/v1/pods?watch=true')).toBe('exempt');
    expect(kind('GET', '/api/v1/namespaces/a/pods?watch=1&resourceVersion=5')).toBe('exempt');
    expect(kind('GET', '/api/v1/namespaces/a/pods/p?watch=true')).toBe('exempt');
    expect(kind('GET', '/api/v1/namespaces/a/pods/p/log?follow=true')).toBe('exempt');
    expect(kind('GET', '/api/v1/namespaces/a/pods/p/log')).toBe('exempt');
  });

  it('counts everything else as a read (GET, HEAD) or a mutation', () => {
    expect(kind('GET', '/api')).toBe('readOnly');
    expect(kind('GET', '/openapi/v3')).toBe('readOnly');
    expect(kind('GET', '/api/v1/pods?watch=false')).toBe('readOnly');
    expect(kind('HEAD', '/api/v1/pods')).toBe('readOnly');
    expect(kind('GET', '/nowhere')).toBe('readOnly');
    expect(kind('GET', '/apis/apps/v1/namespaces/a/deployments/d/scale')).toBe('readOnly');
    expect(kind('POST', '/api/v1/namespaces/a/pods?watch=true')).toBe('mutating');
    expect(kind('PATCH', '/apis/apps/v1/namespaces/a/deployments/d/scale')).toBe('mutating');
    expect(kind('DELETE', '/api/v1/namespaces/a/pods')).toBe('mutating');
    expect(kind('PUT', '/api/v1/namespaces/a/pods/p/status')).toBe('mutating');
  });
});

describe('createInflightLimiter', () => {
  const response = () => new EventEmitter() as unknown as ServerResponse;

  it('frees a slot once, on finish or close, and treats 0 as no limit', () => {
    const limiter = createInflightLimiter(1, 0);
    const r1 = response();
    expect(limiter.admit('readOnly', r1)).toBe(true);
    expect(limiter.admit('readOnly', response())).toBe(false);
    expect(limiter.current()).toEqual({ readOnly: 1, mutating: 0 });
    r1.emit('finish');
    r1.emit('close');
    expect(limiter.current()).toEqual({ readOnly: 0, mutating: 0 });
    const r2 = response();
    expect(limiter.admit('readOnly', r2)).toBe(true);
    r2.emit('close');
    expect(limiter.current().readOnly).toBe(0);
    const many = Array.from({ length: 1000 }, () => response());
    expect(many.every((r) => limiter.admit('mutating', r))).toBe(true);
    expect(limiter.current()).toEqual({ readOnly: 0, mutating: 1000 });
    for (const r of many) r.emit('close');
    expect(limiter.current()).toEqual({ readOnly: 0, mutating: 0 });
  });
});

describe('a request whose client goes away mid-body', () => {
  it('fails readBody, and discardBody then resolves instead of waiting forever', async () => {
    let resolveOutcome: (v: string) => void = () => {};
    const outcome = new Promise<string>((resolve) => {
      resolveOutcome = resolve;
    });
    let handling: () => void = () => {};
    const handled = new Promise<void>((resolve) => {
      handling = resolve;
    });
    const http = createServer(async (req) => {
      handling();
      const read = await readBody(req).then(
        () => 'read',
        (e: Error) => `rejected (${e.message})`,
      );
      const timer = setTimeout(() => resolveOutcome(`${read}, discardBody still waiting`), 2000);
      await discardBody(req);
      clearTimeout(timer);
      resolveOutcome(`${read}, discarded`);
    });
    try {
      await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
      const { port } = http.address() as { port: number };
      const req = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        headers: { 'Content-Length': 100 },
      });
      req.on('error', () => {});
      req.write('x'.repeat(10));
      req.flushHeaders();
      await handled;
      req.destroy();
      expect(await outcome).toBe('rejected (aborted), discarded');
    } finally {
      http.close();
    }
  });
});
