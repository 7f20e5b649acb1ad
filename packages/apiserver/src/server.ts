/**
 * `createApiServer`: Kubernetes' HTTP API over an `ObjectStore`, enough for kubectl 1.32.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { ApiError, BOOTSTRAP_NAMESPACES, isAlreadyExists } from '@flotilla/api';
import { type Clock, SystemClock } from '@flotilla/clock';
import type { ObjectStore } from '@flotilla/store';
import { serveBinding } from './binding.js';
import { makeServingCertificates } from './certs.js';
import { apiGroup, apiGroupList, apiResourceList, apiVersions, VERSION_INFO } from './discovery.js';
import { createExecUpgradeHandler, serveExecWithoutUpgrade } from './exec.js';
import { discardBody, notFoundStatus, sendJson, sendStatus, sendText, statusOf } from './http.js';
import {
  createInflightLimiter,
  DEFAULT_MAX_MUTATING_REQUESTS_INFLIGHT,
  DEFAULT_MAX_REQUESTS_INFLIGHT,
  type InflightRequests,
  inflightKind,
  tooManyRequests,
} from './inflight.js';
import { type NodeConnections, serveLogs } from './logs.js';
import { openApiDocument, openApiRoot } from './openapi.js';
import { handleResource } from './resources.js';
import { route } from './routes.js';

export interface ApiServerOptions {
  /** Where objects live. The server never closes it. */
  readonly store: ObjectStore;
  /** Time for Table ages, watch timeouts and bookmarks (default wall time). */
  readonly clock?: Clock;
  /** Serve https with a CA and serving certificate made at start-up (default true). */
  readonly tls?: boolean;
  /** Address to listen on (default `127.0.0.1`). Plain http is allowed on loopback only. */
  readonly host?: string;
  /** Port (default 0: any free port). */
  readonly port?: number;
  /**
   * Bearer token every request (but /version and the health checks) must carry. With tls, a random
   * one is made when absent; without tls there is no authentication unless one is given (kubectl sends
   * no credentials over plain http).
   */
  readonly token?: string;
  /** Create `default`, `kube-system`, `kube-public` and `kube-node-lease` when missing (default true). */
  readonly bootstrapNamespaces?: boolean;
  /** Seconds between BOOKMARK events on watches with `allowWatchBookmarks=true` (default 60). */
  readonly bookmarkIntervalSeconds?: number;
  /**
   * How to reach node agents for `pods/log` and `pods/exec` (a host's `cluster.nodeConnections()`).
   * Without it a log or exec request for a running pod is a 503 ServiceUnavailable.
   */
  readonly nodes?: NodeConnections;
  /**
   * Most non-long-running read requests (GET, HEAD) served at once, as kube-apiserver's
   * `--max-requests-inflight` (default 400; 0: no limit). Beyond it: 429 with `Retry-After: 1`.
   * Watches, `pods/log`, `exec`/`attach`/`portforward`, `/version` and the health checks are exempt.
   */
  readonly maxRequestsInflight?: number;
  /** The same bound for mutations, as `--max-mutating-requests-inflight` (default 200; 0: no limit). */
  readonly maxMutatingRequestsInflight?: number;
}

export interface ApiServer {
  /** `https://127.0.0.1:<port>` (or `http://…` without tls). */
  readonly url: string;
  /** The CA certificate, base64-encoded PEM as a kubeconfig's `certificate-authority-data` (tls only). */
  readonly caData: string | undefined;
  /** The CA certificate as PEM (tls only), for Node clients' `ca` option. */
  readonly caPem: string | undefined;
  /** The bearer token requests must carry, if any. */
  readonly token: string | undefined;
  /** A kubeconfig (YAML) with one cluster, user and context named `flotilla`, selected. */
  kubeconfig(): string;
  /** Requests counted against the in-flight limits right now. */
  inflightRequests(): InflightRequests;
  /** Ends every open watch and connection and stops listening. Idempotent. */
  close(): Promise<void>;
}

const PUBLIC_PATHS = new Set(['/version', '/healthz', '/livez', '/readyz']);

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function tokenMatches(header: string | undefined, token: string): boolean {
  if (header === undefined) return false;
  const m = /^Bearer\s+(.+)$/i.exec(header.trim());
  if (!m) return false;
  const given = Buffer.from(m[1] as string);
  const want = Buffer.from(token);
  return given.length === want.length && timingSafeEqual(given, want);
}

/** Starts an API server; resolves once it is listening (and the bootstrap namespaces exist). */
export async function createApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const store = options.store;
  const clock = options.clock ?? new SystemClock();
  const tls = options.tls ?? true;
  const host = options.host ?? '127.0.0.1';
  if (!tls && !isLoopback(host)) throw new Error(`plain http is only allowed on loopback, not ${host}`);
  const token = options.token ?? (tls ? randomBytes(24).toString('base64url') : undefined);
  const bookmarkIntervalMs = (options.bookmarkIntervalSeconds ?? 60) * 1000;

  if (options.bootstrapNamespaces ?? true) {
    for (const name of BOOTSTRAP_NAMESPACES) {
      try {
        await store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      } catch (error) {
        if (!isAlreadyExists(error)) throw error;
      }
    }
  }

  const watches = new Set<() => void>();
  const trackWatch = (stop: () => void) => {
    watches.add(stop);
    return () => watches.delete(stop);
  };
  const ctx = { store, clock, bookmarkIntervalMs, trackWatch };
  const logContext = { store, clock, nodes: options.nodes, trackWatch };
  let serverAddress = '';
  const inflight = createInflightLimiter(
    options.maxRequestsInflight ?? DEFAULT_MAX_REQUESTS_INFLIGHT,
    options.maxMutatingRequestsInflight ?? DEFAULT_MAX_MUTATING_REQUESTS_INFLIGHT,
  );

  async function dispatch(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
    if (token !== undefined && !PUBLIC_PATHS.has(path) && !tokenMatches(req.headers.authorization, token)) {
      await discardBody(req);
      sendStatus(res, new ApiError('Unauthorized', 'Unauthorized').toStatus());
      return;
    }
    const r = route(path);
    const method = req.method ?? 'GET';
    const load = inflightKind(method, r, query);
    if (load !== 'exempt' && !inflight.admit(load, res)) {
      await discardBody(req);
      sendStatus(res, tooManyRequests().toStatus());
      return;
    }
    if (r.type !== 'resource' && r.type !== 'bindings' && method !== 'GET' && method !== 'HEAD') {
      await discardBody(req);
      if (r.type === 'not-found') sendStatus(res, notFoundStatus());
      else
        sendStatus(
          res,
          new ApiError(
            'MethodNotAllowed',
            `the server does not allow this method on the requested resource (${method})`,
          ).toStatus(),
        );
      return;
    }
    switch (r.type) {
      case 'version':
        return sendJson(res, 200, VERSION_INFO);
      case 'health':
        return sendText(res, 200, 'ok');
      case 'api':
        return sendJson(res, 200, apiVersions(serverAddress));
      case 'apis':
        return sendJson(res, 200, apiGroupList());
      case 'group': {
        const g = apiGroup(r.group);
        return g ? sendJson(res, 200, g) : sendStatus(res, notFoundStatus());
      }
      case 'resource-list': {
        const list = apiResourceList(r.groupVersion);
        return list ? sendJson(res, 200, list) : sendStatus(res, notFoundStatus());
      }
      case 'openapi-root':
        return sendJson(res, 200, openApiRoot());
      case 'openapi-gv': {
        const doc = openApiDocument(r.groupVersion);
        if (doc === undefined) return sendStatus(res, notFoundStatus());
        const headers: Record<string, string> = { ETag: `"${doc.hash}"` };
        if (query.get('hash') === doc.hash) headers['Cache-Control'] = 'public, immutable';
        res.writeHead(200, {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(doc.body),
          ...headers,
        });
        res.end(doc.body);
        return;
      }
      case 'resource':
        if (
          r.kind.kind === 'Pod' &&
          r.subresource === 'log' &&
          r.namespace !== undefined &&
          r.name !== undefined
        ) {
          await discardBody(req);
          return serveLogs(req, res, logContext, { namespace: r.namespace, name: r.name, query });
        }
        if (
          r.kind.kind === 'Pod' &&
          r.subresource === 'exec' &&
          r.namespace !== undefined &&
          r.name !== undefined
        ) {
          await discardBody(req);
          return serveExecWithoutUpgrade(method, logContext, { namespace: r.namespace, name: r.name, query });
        }
        if (
          r.kind.kind === 'Pod' &&
          r.subresource === 'binding' &&
          r.namespace !== undefined &&
          r.name !== undefined
        ) {
          return serveBinding(req, res, ctx, { namespace: r.namespace, name: r.name, query });
        }
        return handleResource(req, res, ctx, {
          kind: r.kind,
          namespace: r.namespace,
          name: r.name,
          subresource: r.subresource,
          query,
        });
      case 'bindings':
        return serveBinding(req, res, ctx, { namespace: r.namespace, query });
      case 'not-found':
        await discardBody(req);
        return sendStatus(res, notFoundStatus());
    }
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    dispatch(req, res).catch(async (error: unknown) => {
      if (res.headersSent) {
        res.end();
        return;
      }
      await discardBody(req);
      sendStatus(res, statusOf(error));
    });
  };

  let server: Server;
  let caPem: string | undefined;
  if (tls) {
    const certs = makeServingCertificates([host], clock.now());
    caPem = certs.caCert;
    server = createHttpsServer({ cert: certs.cert, key: certs.key }, onRequest);
  } else {
    server = createHttpServer(onRequest);
  }
  server.keepAliveTimeout = 65_000;
  // WebSocket upgrades (`kubectl exec`) never reach `onRequest`: they get the raw socket.
  server.on(
    'upgrade',
    createExecUpgradeHandler(
      logContext,
      (req) => token === undefined || tokenMatches(req.headers.authorization, token),
    ),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostPart = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  serverAddress = `${hostPart}:${address.port}`;
  const url = `${tls ? 'https' : 'http'}://${serverAddress}`;
  const caData = caPem === undefined ? undefined : Buffer.from(caPem).toString('base64');

  let closing: Promise<void> | undefined;
  return {
    url,
    caData,
    caPem,
    token,
    kubeconfig() {
      const cluster = [
        `    server: ${url}`,
        ...(caData ? [`    certificate-authority-data: ${caData}`] : []),
      ];
      const user = token === undefined ? '  user: {}' : `  user:\n    token: ${token}`;
      return [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '- name: flotilla',
        '  cluster:',
        ...cluster,
        'users:',
        '- name: flotilla',
        user,
        'contexts:',
        '- name: flotilla',
        '  context:',
        '    cluster: flotilla',
        '    user: flotilla',
        '    namespace: default',
        'current-context: flotilla',
        'preferences: {}',
        '',
      ].join('\n');
    },
    inflightRequests: () => inflight.current(),
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const stop of [...watches]) stop();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
