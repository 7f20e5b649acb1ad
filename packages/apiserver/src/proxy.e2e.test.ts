/**
 * End to end: the real `kubectl proxy --port=0` (1.32, through the gcloud dispatcher) in front of the
 * server over https with a bearer token; plain HTTP (fetch, no credentials) through the proxy: get,
 * list, Table, watch, create, patch, delete and errors. The proxy is stopped at the end and must be gone.
 * Loopback only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConfigMap } from '@flotilla/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOk, hasKubectl, kubectlEnv, runKubectl } from './kubectl-harness.test-support.js';
import {
  configMap,
  openWatch,
  parseJson,
  startTestServer,
  TABLE_ACCEPT,
  type TestServer,
  type WatchStream,
} from './test-support.js';

/** True while a process with this pid exists (a zombie counts as gone once reaped by its parent). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// kubectl is on every Flotilla machine (see shared/docs/TOOLCHAIN.md): without it this suite fails, loudly.
describe('kubectl proxy in front of the API server', () => {
  it('finds kubectl on the PATH', () => {
    expect(hasKubectl()).toBe(true);
  });

  let t: TestServer;
  let dir: string;
  let proxy: ChildProcess | undefined;
  let exited: Promise<number | null>;
  let base: string;
  let stderr = '';
  const watches: WatchStream[] = [];

  beforeAll(async () => {
    t = await startTestServer({ tls: true });
    expect(t.server.url.startsWith('https://')).toBe(true);
    dir = mkdtempSync(join(tmpdir(), 'flotilla-proxy-'));
    writeFileSync(join(dir, 'kubeconfig'), t.server.kubeconfig());
    const child = spawn('kubectl', ['proxy', '--port=0'], {
      env: kubectlEnv(dir),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proxy = child;
    exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    base = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(
        () => reject(new Error(`kubectl proxy did not start: ${out} ${stderr}`)),
        15_000,
      );
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /Starting to serve on (127\.0\.0\.1:\d+)/.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(`http://${m[1]}`);
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`kubectl proxy exited (${code}): ${out} ${stderr}`));
      });
    });
  });

  afterAll(async () => {
    for (const w of watches) w.cancel();
    if (proxy?.pid !== undefined && proxy.exitCode === null && proxy.signalCode === null) {
      proxy.kill('SIGKILL');
      await exited;
    }
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** A GET straight to the server over https (its CA trusted, no token). */
  function direct(path: string): Promise<{ status: number | undefined; text: string }> {
    return new Promise((resolve, reject) => {
      httpsGet(`${t.server.url}${path}`, { ca: t.server.caPem }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode, text }));
      }).on('error', reject);
    });
  }

  async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
    return { status: res.status, headers: res.headers, text, body: parseJson(text) as any };
  }

  it('adds the credentials: the server refuses the same request without them', async () => {
    expect((await direct('/api/v1/namespaces')).status).toBe(401);
    const version = await call('GET', '/version');
    expect(version.status).toBe(200);
    expect(version.body).toMatchObject({ major: '1', minor: '32' });
    const namespaces = await call('GET', '/api/v1/namespaces');
    expect(namespaces.status).toBe(200);
    expect(namespaces.body.items.map((n: ConfigMap) => n.metadata?.name)).toEqual(
      expect.arrayContaining(['default', 'kube-system']),
    );
    expect((await call('GET', '/healthz')).text).toBe('ok');
    expect((await call('GET', '/apis')).body.kind).toBe('APIGroupList');
  });

  it('creates, gets, lists (selector, paging, Table), patches and deletes through the proxy', async () => {
    const path = '/api/v1/namespaces/default/configmaps';
    for (const [name, tier] of [
      ['a', 'web'],
      ['b', 'db'],
      ['c', 'web'],
    ] as const) {
      const created = await call(
        'POST',
        `${path}?fieldManager=proxy-test`,
        configMap(name, { tier }, { k: name }),
      );
      expect(created.status, created.text).toBe(201);
      expect(created.body).toMatchObject({ kind: 'ConfigMap', metadata: { name, namespace: 'default' } });
    }
    const got = await call('GET', `${path}/b`);
    expect(got.status).toBe(200);
    expect(got.body.data).toEqual({ k: 'b' });

    const web = await call('GET', `${path}?labelSelector=${encodeURIComponent('tier=web')}`);
    expect(web.body.items.map((i: ConfigMap) => i.metadata?.name)).toEqual(['a', 'c']);

    const page1 = await call('GET', `${path}?limit=2`);
    expect(page1.body.items).toHaveLength(2);
    expect(page1.body.metadata.continue).toEqual(expect.any(String));
    const page2 = await call(
      'GET',
      `${path}?limit=2&continue=${encodeURIComponent(page1.body.metadata.continue)}`,
    );
    expect(page2.body.items.map((i: ConfigMap) => i.metadata?.name)).toEqual(['c']);

    const table = await call('GET', path, undefined, { Accept: TABLE_ACCEPT });
    expect(table.body.kind).toBe('Table');
    expect(table.body.rows.map((r: { cells: unknown[] }) => r.cells[0])).toEqual(['a', 'b', 'c']);

    const patched = await call(
      'PATCH',
      `${path}/a`,
      { data: { k: 'A' } },
      {
        'Content-Type': 'application/merge-patch+json',
      },
    );
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.data).toEqual({ k: 'A' });
    const smp = await call(
      'PATCH',
      `${path}/a`,
      { metadata: { labels: { extra: 'x' } } },
      {
        'Content-Type': 'application/strategic-merge-patch+json',
      },
    );
    expect(smp.body.metadata.labels).toEqual({ tier: 'web', extra: 'x' });

    const deleted = await call('DELETE', `${path}/b`);
    expect(deleted.status).toBe(200);
    const missing = await call('GET', `${path}/b`);
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 });
    expect(missing.body.message).toBe('configmaps "b" not found');

    const conflict = await call('POST', path, configMap('a'));
    expect(conflict.status).toBe(409);
    expect(conflict.body.reason).toBe('AlreadyExists');
    const invalid = await call('POST', path, '{"kind":');
    expect(invalid.status).toBe(400);
    expect(invalid.body.reason).toBe('BadRequest');

    const pods = '/api/v1/namespaces/default/pods';
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p1', labels: { app: 'proxied' } },
      spec: { containers: [{ name: 'web', image: 'nginx:1.7.9' }] },
    };
    const createdPod = await call('POST', pods, pod);
    expect(createdPod.status, createdPod.text).toBe(201);
    expect(createdPod.body.spec.restartPolicy).toBe('Always');
    const listed = await call('GET', `${pods}?labelSelector=app%3Dproxied`);
    expect(listed.body).toMatchObject({ kind: 'PodList', items: [{ metadata: { name: 'p1' } }] });
    expect((await call('GET', `${pods}?labelSelector=app%3Dother`)).body.items).toEqual([]);
  });

  it('streams watch events through the proxy as they happen', async () => {
    const path = '/api/v1/namespaces/default/configmaps';
    const list = await call('GET', path);
    const rv = list.body.metadata.resourceVersion as string;
    const w = await openWatch(`${base}${path}?watch=true&resourceVersion=${rv}&labelSelector=w%3D1`);
    watches.push(w);
    expect(w.status).toBe(200);

    expect((await call('POST', path, configMap('watched', { w: '1' }))).status).toBe(201);
    const added = await w.next();
    expect(added).toMatchObject({ type: 'ADDED', object: { metadata: { name: 'watched' } } });
    await call(
      'PATCH',
      `${path}/watched`,
      { data: { x: 'y' } },
      { 'Content-Type': 'application/merge-patch+json' },
    );
    const modified = await w.next();
    expect(modified).toMatchObject({ type: 'MODIFIED', object: { data: { x: 'y' } } });
    await call('POST', path, configMap('unwatched', { w: '2' }));
    await call('DELETE', `${path}/watched`);
    expect(await w.next()).toMatchObject({ type: 'DELETED', object: { metadata: { name: 'watched' } } });

    // A single-object watch and a Table watch (kubectl get -w through a proxy).
    const tw = await openWatch(
      `${base}${path}?watch=true&fieldSelector=metadata.name%3Dunwatched`,
      TABLE_ACCEPT,
    );
    watches.push(tw);
    const row = await tw.next();
    expect(row.type).toBe('ADDED');
    expect(row.object.kind).toBe('Table');
    expect(row.object.rows[0].cells[0]).toBe('unwatched');
    w.cancel();
    tw.cancel();
  });

  it('kubectl itself works through the proxy over plain http (discovery, Table, protobuf create)', async () => {
    const home = join(dir, 'through-proxy');
    const env = kubectlEnv(home, join(home, 'none'));
    const kubectl = async (...args: string[]) => {
      const withServer = [`--server=${base}`, ...args];
      return expectOk(withServer, await runKubectl(env, withServer));
    };
    expect(await kubectl('create', 'configmap', 'via-proxy', '--from-literal=a=b')).toBe(
      'configmap/via-proxy created\n',
    );
    expect(await kubectl('get', 'configmap', 'via-proxy', '-o', 'jsonpath={.data.a}')).toBe('b');
    expect(await kubectl('get', 'configmaps', '-n', 'default')).toMatch(/^NAME\s+.*AGE\n(.*\n)*via-proxy\s+/);
    expect(await kubectl('get', 'ns')).toMatch(/\ndefault\s+Active\s+/);
    expect(await kubectl('delete', 'configmap', 'via-proxy')).toBe('configmap "via-proxy" deleted\n');
  });

  it('stops cleanly: SIGTERM ends kubectl proxy, leaving no process and no connection behind', async () => {
    const child = proxy as ChildProcess;
    const pid = child.pid as number;
    expect(alive(pid)).toBe(true);
    const w = await openWatch(`${base}/api/v1/namespaces/default/configmaps?watch=true`);
    watches.push(w);
    expect(w.status).toBe(200);
    child.kill('SIGTERM');
    await exited;
    expect(child.signalCode === 'SIGTERM' || child.exitCode === 0).toBe(true);
    expect(alive(pid)).toBe(false);
    await w.ended;
    await expect(fetch(`${base}/version`)).rejects.toThrow();
    // The server keeps serving (the proxy's watch was the only long-running request it held).
    expect(await direct('/healthz')).toEqual({ status: 200, text: 'ok' });
    await expect
      .poll(() => t.server.inflightRequests(), { timeout: 15_000 })
      .toEqual({ readOnly: 0, mutating: 0 });
  });
});
