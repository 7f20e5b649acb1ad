/** Test helpers: a server over a fresh in-memory store, and a small fetch wrapper. */
import type { Clock } from '@flotilla/clock';
import { VirtualClock } from '@flotilla/clock';
import { MemoryBackend, ObjectStore, type StoreObject } from '@flotilla/store';
import { type ApiServer, type ApiServerOptions, createApiServer } from './server.js';

export interface TestServer {
  readonly server: ApiServer;
  readonly store: ObjectStore;
  readonly clock: Clock;
  request(
    method: string,
    path: string,
    init?: { body?: unknown; type?: string; accept?: string },
  ): Promise<TestResponse>;
  close(): Promise<void>;
}

export interface TestResponse {
  readonly status: number;
  readonly headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
  readonly body: any;
  readonly text: string;
}

export async function startTestServer(
  options: Partial<ApiServerOptions> & { watchCacheSize?: number; clock?: Clock } = {},
): Promise<TestServer> {
  const clock = options.clock ?? new VirtualClock({ start: Date.UTC(2026, 0, 1) });
  const store = new ObjectStore({
    backend: new MemoryBackend(),
    clock,
    ...(options.watchCacheSize ? { watchCacheSize: options.watchCacheSize } : {}),
  });
  const server = await createApiServer({ tls: false, ...options, store, clock });
  return {
    server,
    store,
    clock,
    async request(method, path, init = {}) {
      const body =
        init.body === undefined
          ? undefined
          : typeof init.body === 'string'
            ? init.body
            : JSON.stringify(init.body);
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: {
          ...(body === undefined ? {} : { 'Content-Type': init.type ?? 'application/json' }),
          ...(init.accept ? { Accept: init.accept } : {}),
        },
        ...(body === undefined ? {} : { body }),
      });
      const text = await res.text();
      return { status: res.status, headers: res.headers, body: parseJson(text), text };
    },
    async close() {
      await server.close();
      store.close();
    },
  };
}

/** `text` as JSON, or `undefined` when it is not JSON. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const TABLE_ACCEPT =
  'application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json';

export function deployment(name: string, replicas = 2, labels: Record<string, string> = { app: name }) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'web', image: 'nginx:1.7.9', ports: [{ containerPort: 80 }] }] },
      },
    },
  };
}

export function configMap(
  name: string,
  labels: Record<string, string> = {},
  data: Record<string, string> = {},
) {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels }, data };
}

/** An open watch stream: events as they arrive, parsed. */
export interface WatchStream {
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
  next(timeoutMs?: number): Promise<any>;
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  readonly status: number;
  cancel(): void;
}

export async function openWatch(url: string, accept = 'application/json'): Promise<WatchStream> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { Accept: accept }, signal: abort.signal });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const queue: unknown[] = [];
  const waiters: ((v: unknown) => void)[] = [];
  let buffer = '';
  const ended = (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
          const line = buffer.slice(0, i);
          buffer = buffer.slice(i + 1);
          if (line.trim() === '') continue;
          const event = JSON.parse(line);
          const waiter = waiters.shift();
          if (waiter) waiter(event);
          else queue.push(event);
        }
      }
    } catch {
      // aborted
    }
  })();
  return {
    status: res.status,
    ended,
    next(timeoutMs = 5000) {
      if (queue.length) return Promise.resolve(queue.shift());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no watch event in time')), timeoutMs);
        waiters.push((v) => {
          clearTimeout(timer);
          resolve(v);
        });
      });
    },
    cancel() {
      abort.abort();
    },
  };
}

/**
 * Creates a pod with `containers` (default `web`), all on `web:v1`; with a `node`, binds it there and
 * gives it a status: Running and ready, or Pending on `waiting`; `restarted` once after exit code 1.
 */
export async function addPod(
  t: TestServer,
  name: string,
  options: { containers?: string[]; node?: string; waiting?: string; restarted?: boolean } = {},
): Promise<void> {
  const containers = options.containers ?? ['web'];
  const created = await t.store.create({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: {
      ...(options.node === undefined ? {} : { nodeName: options.node }),
      containers: containers.map((c) => ({ name: c, image: 'web:v1' })),
    },
  } as StoreObject);
  if (options.node === undefined) return;
  await t.store.update(
    {
      ...created,
      status: {
        phase: options.waiting ? 'Pending' : 'Running',
        containerStatuses: containers.map((c) => ({
          name: c,
          image: 'web:v1',
          imageID: '',
          ready: !options.waiting,
          restartCount: options.restarted ? 1 : 0,
          state: options.waiting
            ? { waiting: { reason: options.waiting } }
            : { running: { startedAt: '2026-01-01T00:00:00Z' } },
          ...(options.restarted ? { lastState: { terminated: { exitCode: 1 } } } : {}),
        })),
      },
    } as StoreObject,
    { subresource: 'status' },
  );
}
