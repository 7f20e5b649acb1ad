/**
 * `GET /api/v1/namespaces/{ns}/pods/{name}/log`: a container's log as `text/plain`, read from the
 * node the pod is bound to through `NodeConnections` (the kubelet's job in Kubernetes). The same
 * connections carry `pods/exec` (exec.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from '@flotilla/api';
import type { Clock } from '@flotilla/clock';
import type { ObjectStore } from '@flotilla/store';
import { methodNotAllowed } from './http.js';

/** What a node answers for `logs`: one line (without its newline) and when it was written (epoch ms). */
export interface NodeLogLine {
  readonly line: string;
  readonly time?: number;
}

export interface NodeLogOptions {
  /** Only the last `tail` lines already written. */
  readonly tail?: number;
  /** Keep yielding new lines until the container stops or `signal` aborts. */
  readonly follow?: boolean;
  /** The previous (terminated) instance of the container. */
  readonly previous?: boolean;
  /** Aborted when the client goes away or the server closes. */
  readonly signal?: AbortSignal;
}

/**
 * How the API server reaches node agents (structurally, a host's `cluster.nodeConnections()`).
 * Failures should be `ApiError`s (NotFound, BadRequest) in Kubernetes' words; they become Statuses.
 */
export interface NodeConnections {
  logs(
    nodeName: string,
    namespace: string,
    pod: string,
    container: string,
    options: NodeLogOptions,
  ): AsyncIterable<NodeLogLine> | Promise<AsyncIterable<NodeLogLine>>;
  /**
   * Runs `command` in a running container (`pods/exec`) and resolves with how it ended. Without it,
   * exec is a 503 ServiceUnavailable.
   */
  exec?(
    nodeName: string,
    namespace: string,
    pod: string,
    container: string,
    command: readonly string[],
    options: NodeExecOptions,
  ): Promise<NodeExecResult>;
}

/** What a node's exec is given: stdin as it arrives, output callbacks, and an abort to kill it. */
export interface NodeExecOptions {
  /** The client's stdin; ends when the client closes it (absent: stdin is empty). */
  readonly stdin?: AsyncIterable<Uint8Array>;
  readonly onStdout: (chunk: Uint8Array) => void;
  readonly onStderr: (chunk: Uint8Array) => void;
  /** Aborted when the client goes away or the server closes: the command is killed. */
  readonly signal: AbortSignal;
}

/** How an exec'd command ended; `startError` when it could not start (executable not found…). */
export interface NodeExecResult {
  readonly exitCode: number;
  readonly startError?: string;
}

export interface LogContext {
  readonly store: ObjectStore;
  readonly clock: Clock;
  readonly nodes: NodeConnections | undefined;
  readonly trackWatch: (stop: () => void) => () => void;
}

type Rec = Record<string, unknown>;
const isObject = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const listOf = (v: unknown): Rec[] => (Array.isArray(v) ? v.filter(isObject) : []);
const namesOf = (v: unknown): string[] =>
  listOf(v)
    .map((c) => c.name)
    .filter((n): n is string => typeof n === 'string');

function intParam(query: URLSearchParams, name: string, min: number): number | undefined {
  const text = query.get(name);
  if (text === null || text === '') return undefined;
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < min) {
    throw ApiError.badRequest(
      `${name}: Invalid value: ${JSON.stringify(text)}: must be an integer >= ${min}`,
    );
  }
  return Number(text);
}

function boolParam(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  return v === '1' || v === 'true' || v === 'True';
}

/** Kubernetes' RFC3339Nano: fraction without trailing zeros (`…:05.12Z`, `…:05Z`). */
export function rfc3339Nano(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.replace(/\.(\d*?)0*Z$/, (_m, digits: string) => (digits ? `.${digits}Z` : 'Z'));
}

/** The container a log request names, checked against the pod as Kubernetes' LogLocation does. */
export function logContainer(pod: Rec, requested: string | null): string {
  const meta = isObject(pod.metadata) ? pod.metadata : {};
  const spec = isObject(pod.spec) ? pod.spec : {};
  const name = String(meta.name ?? '');
  const containers = namesOf(spec.containers);
  const init = namesOf(spec.initContainers);
  const ephemeral = namesOf(spec.ephemeralContainers);
  if (requested === null || requested === '') {
    if (containers.length === 1) return containers[0] as string;
    let message = `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]`;
    if (init.length > 0) message += ` or one of the init containers: [${init.join(' ')}]`;
    if (ephemeral.length > 0) message += ` or one of the ephemeral containers: [${ephemeral.join(' ')}]`;
    throw ApiError.badRequest(message);
  }
  if (![...containers, ...init, ...ephemeral].includes(requested)) {
    throw ApiError.badRequest(`container ${requested} is not valid for pod ${name}`);
  }
  return requested;
}

/** 400 `container "c" in pod "p" is waiting to start: <reason>` while the pod has no running instance. */
function checkStarted(pod: Rec, container: string, previous: boolean): string {
  const meta = isObject(pod.metadata) ? pod.metadata : {};
  const spec = isObject(pod.spec) ? pod.spec : {};
  const status = isObject(pod.status) ? pod.status : {};
  const name = String(meta.name ?? '');
  const statuses = [
    ...listOf(status.containerStatuses),
    ...listOf(status.initContainerStatuses),
    ...listOf(status.ephemeralContainerStatuses),
  ];
  const cs = statuses.find((s) => s.name === container);
  const waiting = isObject(cs?.state) && isObject(cs.state.waiting) ? cs.state.waiting : undefined;
  const nodeName = typeof spec.nodeName === 'string' ? spec.nodeName : '';
  if (previous) {
    if (nodeName === '' || !isObject(cs?.lastState) || !isObject(cs.lastState.terminated)) {
      throw ApiError.badRequest(`previous terminated container "${container}" in pod "${name}" not found`);
    }
    return nodeName;
  }
  if (nodeName === '' || cs === undefined || waiting !== undefined) {
    const reason =
      typeof waiting?.reason === 'string' && waiting.reason !== '' ? waiting.reason : 'ContainerCreating';
    throw ApiError.badRequest(`container "${container}" in pod "${name}" is waiting to start: ${reason}`);
  }
  return nodeName;
}

/** Entries not older than `sinceSeconds` / `sinceTime` (when the node reports times). */
function sinceFilter(query: URLSearchParams, now: number): (time: number | undefined) => boolean {
  const seconds = intParam(query, 'sinceSeconds', 1);
  const sinceTime = query.get('sinceTime');
  if (seconds !== undefined && sinceTime !== null && sinceTime !== '') {
    throw ApiError.badRequest('at most one of sinceTime or sinceSeconds may be specified');
  }
  let from: number | undefined;
  if (seconds !== undefined) from = now - seconds * 1000;
  else if (sinceTime !== null && sinceTime !== '') {
    from = Date.parse(sinceTime);
    if (Number.isNaN(from)) {
      throw ApiError.badRequest(
        `sinceTime: Invalid value: ${JSON.stringify(sinceTime)}: not an RFC3339 time`,
      );
    }
  }
  return (time) => from === undefined || time === undefined || time >= from;
}

/** How long to wait for a first line before sending headers anyway (follow on a quiet container). */
const FIRST_LINE_WAIT_MS = 100;

/** Serves one log request; errors before the first byte are thrown (the caller sends the Status). */
export async function serveLogs(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: LogContext,
  q: { readonly namespace: string; readonly name: string; readonly query: URLSearchParams },
): Promise<void> {
  const method = req.method ?? 'GET';
  if (method !== 'GET') throw methodNotAllowed(method);
  const { query } = q;
  const tail = intParam(query, 'tailLines', 0);
  const limitBytes = intParam(query, 'limitBytes', 1);
  const follow = boolParam(query, 'follow');
  const previous = boolParam(query, 'previous');
  const timestamps = boolParam(query, 'timestamps');
  const since = sinceFilter(query, ctx.clock.now());
  const pod = (await ctx.store.get({
    apiVersion: 'v1',
    kind: 'Pod',
    namespace: q.namespace,
    name: q.name,
  })) as unknown as Rec;
  const container = logContainer(pod, query.get('container'));
  const nodeName = checkStarted(pod, container, previous);
  if (ctx.nodes === undefined) {
    throw new ApiError(
      'ServiceUnavailable',
      `no connection to node "${nodeName}": this API server serves no logs`,
    );
  }

  const abort = new AbortController();
  const stop = () => abort.abort();
  res.once('close', stop);
  const untrack = ctx.trackWatch(() => {
    stop();
    res.end();
  });
  const options: NodeLogOptions = {
    ...(tail !== undefined ? { tail } : {}),
    ...(follow ? { follow } : {}),
    ...(previous ? { previous } : {}),
    signal: abort.signal,
  };
  let iterator: AsyncIterator<NodeLogLine> | undefined;
  try {
    const lines = await ctx.nodes.logs(nodeName, q.namespace, q.name, container, options);
    iterator = lines[Symbol.asyncIterator]();
    // The first step surfaces the node's errors (NotFound, waiting to start) before any header.
    let timer: NodeJS.Timeout | undefined;
    const first = iterator.next();
    const waited = await Promise.race([
      first,
      new Promise<'quiet'>((resolve) => {
        timer = setTimeout(() => resolve('quiet'), follow ? FIRST_LINE_WAIT_MS : 2 ** 31 - 1);
      }),
    ]).finally(() => clearTimeout(timer));
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    let written = 0;
    let step: IteratorResult<NodeLogLine> = waited === 'quiet' ? await first : waited;
    while (!step.done && !abort.signal.aborted) {
      const entry = step.value;
      if (since(entry.time)) {
        const prefix = timestamps ? `${rfc3339Nano(entry.time ?? ctx.clock.now())} ` : '';
        let chunk = Buffer.from(`${prefix}${entry.line}\n`);
        if (limitBytes !== undefined && written + chunk.length > limitBytes) {
          chunk = chunk.subarray(0, limitBytes - written);
        }
        written += chunk.length;
        if (!res.write(chunk)) {
          await new Promise<void>((resolve) => {
            const done = () => {
              res.off('drain', done);
              res.off('close', done);
              resolve();
            };
            res.on('drain', done);
            res.on('close', done);
          });
        }
        if (limitBytes !== undefined && written >= limitBytes) break;
      }
      step = await iterator.next();
    }
  } catch (error) {
    if (!res.headersSent) throw error;
  } finally {
    untrack();
    res.off('close', stop);
    abort.abort();
    await iterator?.return?.().catch(() => {});
  }
  if (!res.writableEnded) res.end();
}
