/**
 * `pods/exec` (`kubectl exec`): `GET /api/v1/namespaces/{ns}/pods/{name}/exec?command=…` upgraded to
 * a WebSocket speaking `v5.channel.k8s.io` (or v4), run on the pod's node through
 * `NodeConnections.exec` — the path `pods/log` takes.
 *
 * Upgrade requests never reach the ordinary request handler: the server's `upgrade` event comes here
 * with the raw socket. Everything that can fail before the handshake (authentication, routing, the
 * pod, its container and node, the parameters) is answered as a plain JSON Status (4xx) on that
 * socket; after the handshake the outcome is the Status on channel 3. kubectl falls back to SPDY
 * (`POST`, `Upgrade: SPDY/3.1`) when the WebSocket handshake fails: that request gets the same checks
 * and so the same Status, which kubectl prints.
 */
import { type IncomingMessage, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError, type Status } from '@flotilla/api';
import type { ObjectStore } from '@flotilla/store';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import {
  chooseExecProtocol,
  ERROR,
  EXEC_PROTOCOLS,
  type ExecProtocol,
  type ExecRequest,
  type ExecStatus,
  execErrorStatus,
  execRequest,
  execResultStatus,
  frame,
  isWebSocketUpgrade,
  parseClientFrame,
  STDERR,
  STDIN,
  STDOUT,
} from './exec-protocol.js';
import { methodNotAllowed, notFoundStatus, statusOf } from './http.js';
import type { NodeConnections, NodeExecOptions } from './logs.js';
import { route } from './routes.js';

export interface ExecContext {
  readonly store: ObjectStore;
  readonly nodes: NodeConnections | undefined;
  readonly trackWatch: (stop: () => void) => () => void;
}

interface PreparedExec {
  readonly namespace: string;
  readonly name: string;
  readonly nodeName: string;
  readonly request: ExecRequest;
  readonly exec: NonNullable<NodeConnections['exec']>;
}

/** Loads the pod and checks the request against it (NotFound, BadRequest, ServiceUnavailable). */
async function prepareExec(
  ctx: ExecContext,
  namespace: string,
  name: string,
  query: URLSearchParams,
): Promise<PreparedExec> {
  const pod = (await ctx.store.get({ apiVersion: 'v1', kind: 'Pod', namespace, name })) as unknown as Record<
    string,
    unknown
  >;
  const { request, nodeName } = execRequest(pod, query);
  const nodes = ctx.nodes;
  if (nodes?.exec === undefined) {
    throw new ApiError(
      'ServiceUnavailable',
      `no connection to node "${nodeName}": this API server serves no exec`,
    );
  }
  return { namespace, name, nodeName, request, exec: nodes.exec.bind(nodes) };
}

/**
 * A `pods/exec` request that is no upgrade (e.g. `kubectl get --raw`): the same checks, then 400
 * `Upgrade request required`, as Kubernetes answers. Always throws (the caller sends the Status).
 */
export async function serveExecWithoutUpgrade(
  method: string,
  ctx: ExecContext,
  q: { readonly namespace: string; readonly name: string; readonly query: URLSearchParams },
): Promise<never> {
  if (method !== 'GET' && method !== 'POST') throw methodNotAllowed(method);
  await prepareExec(ctx, q.namespace, q.name, q.query);
  throw ApiError.badRequest('Upgrade request required');
}

/** Answers a not-upgraded request on the raw socket with a Status, and closes it. */
function rejectUpgrade(socket: Duplex, status: Status): void {
  if (socket.destroyed) return;
  const body = JSON.stringify(status);
  socket.end(
    `HTTP/1.1 ${status.code} ${STATUS_CODES[status.code] ?? ''}\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}

/** Buffered stdin beyond which the client's socket is paused until the command reads it. */
const STDIN_HIGH_WATER = 1024 * 1024;

/**
 * stdin as it arrives from the client; ends on `[255, 0]`, on close, or when the command is gone.
 * `onFull(true)` when more than STDIN_HIGH_WATER bytes wait, `onFull(false)` once they are read.
 */
export class InputQueue implements AsyncIterable<Uint8Array> {
  private chunks: Uint8Array[] = [];
  private bytes = 0;
  private full = false;
  private ended = false;
  private wake: (() => void) | undefined;

  constructor(private readonly onFull: (full: boolean) => void = () => {}) {}

  push(chunk: Uint8Array): void {
    if (this.ended) return;
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    if (!this.full && this.bytes > STDIN_HIGH_WATER) {
      this.full = true;
      this.onFull(true);
    }
    this.wake?.();
  }

  private taken(chunk: Uint8Array): void {
    this.bytes -= chunk.length;
    if (this.full && this.bytes <= STDIN_HIGH_WATER) {
      this.full = false;
      this.onFull(false);
    }
  }

  end(): void {
    this.ended = true;
    this.wake?.();
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return {
      next: async () => {
        for (;;) {
          const chunk = this.chunks.shift();
          if (chunk !== undefined) {
            this.taken(chunk);
            return { value: chunk, done: false };
          }
          if (this.ended) return { value: undefined, done: true };
          await new Promise<void>((resolve) => {
            this.wake = resolve;
          });
          this.wake = undefined;
        }
      },
      return: async () => {
        this.end();
        this.chunks = [];
        this.bytes = 0;
        if (this.full) {
          this.full = false;
          this.onFull(false);
        }
        return { value: undefined, done: true };
      },
    };
  }
}

const toBuffer = (data: RawData): Buffer =>
  Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);

/** One upgraded session: stdin in, stdout/stderr out, the Status on channel 3, then close. */
async function runSession(
  ws: WebSocket,
  protocol: ExecProtocol,
  p: PreparedExec,
  ctx: ExecContext,
): Promise<void> {
  const abort = new AbortController();
  const input = p.request.stdin
    ? new InputQueue((full) => {
        if (full) ws.pause();
        else ws.resume();
      })
    : undefined;
  const untrack = ctx.trackWatch(() => {
    abort.abort();
    input?.end();
    ws.terminate();
  });
  ws.on('error', () => {});
  ws.on('message', (data, isBinary) => {
    const f = parseClientFrame(toBuffer(data), isBinary, protocol);
    if (f.type === 'stdin') input?.push(f.data);
    else if (f.type === 'close' && f.channel === STDIN) input?.end();
  });
  ws.on('close', () => {
    abort.abort();
    input?.end();
  });
  const send = (channel: number) => (chunk: Uint8Array) => {
    if (ws.readyState === ws.OPEN) ws.send(frame(channel, chunk));
  };
  const discard = () => {};
  const options: NodeExecOptions = {
    ...(input !== undefined ? { stdin: input } : {}),
    onStdout: p.request.stdout ? send(STDOUT) : discard,
    onStderr: p.request.stderr ? send(STDERR) : discard,
    signal: abort.signal,
  };
  let status: ExecStatus;
  try {
    const result = await p.exec(
      p.nodeName,
      p.namespace,
      p.name,
      p.request.container,
      p.request.command,
      options,
    );
    status = execResultStatus(p.request.command, result);
  } catch (error) {
    status = execErrorStatus(error);
  } finally {
    untrack();
    input?.end();
  }
  if (ws.readyState === ws.OPEN) {
    ws.send(frame(ERROR, JSON.stringify(status)));
    ws.close(1000);
  }
}

/**
 * The server's `upgrade` listener: `authorized(req)` checks credentials as for any request. Only
 * `pods/exec` upgrades; anything else is answered with a Status and the socket closed.
 */
export function createExecUpgradeHandler(
  ctx: ExecContext,
  authorized: (req: IncomingMessage) => boolean,
): (req: IncomingMessage, socket: Duplex, head: Buffer) => void {
  const wss = new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: 4 * 1024 * 1024,
    handleProtocols: (protocols) => chooseExecProtocol([...protocols]) ?? false,
  });

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    if (!authorized(req)) throw new ApiError('Unauthorized', 'Unauthorized');
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const query = new URLSearchParams(q < 0 ? '' : url.slice(q + 1));
    const r = route(path);
    if (r.type === 'not-found') throw new ApiError('NotFound', notFoundStatus().message);
    if (
      r.type !== 'resource' ||
      r.kind.kind !== 'Pod' ||
      r.subresource !== 'exec' ||
      r.namespace === undefined ||
      r.name === undefined
    ) {
      throw ApiError.badRequest(`upgrade requests are only served on pods/exec, not on ${path}`);
    }
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'POST') throw methodNotAllowed(method);
    const prepared = await prepareExec(ctx, r.namespace, r.name, query);
    const served = EXEC_PROTOCOLS.join(', ');
    if (!isWebSocketUpgrade(req.headers.upgrade)) {
      throw ApiError.badRequest(
        `unable to upgrade connection: ${JSON.stringify(req.headers.upgrade ?? '')} is not served; this server speaks WebSocket with ${served}`,
      );
    }
    const protocol = chooseExecProtocol(req.headers['sec-websocket-protocol']);
    if (protocol === undefined) {
      throw ApiError.badRequest(
        `unable to upgrade connection: no subprotocol offered in ${JSON.stringify(req.headers['sec-websocket-protocol'] ?? '')} is served; this server speaks ${served}`,
      );
    }
    if (socket.destroyed) return;
    wss.handleUpgrade(req, socket, head, (ws) => {
      void runSession(ws, protocol, prepared, ctx);
    });
  }

  return (req, socket, head) => {
    socket.on('error', () => {});
    upgrade(req, socket, head).catch((error: unknown) => rejectUpgrade(socket, statusOf(error)));
  };
}
