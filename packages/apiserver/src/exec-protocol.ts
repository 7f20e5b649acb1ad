/**
 * The pure half of `pods/exec`: Kubernetes' channel protocol over WebSocket (`v5.channel.k8s.io`,
 * `v4.channel.k8s.io`), the request's parameters and checks, and the Status that ends a session.
 *
 * Every WebSocket message is binary, `[channel byte][data]`: 0 stdin (client → server), 1 stdout,
 * 2 stderr, 3 error (a Status JSON, once, at the end), 4 resize (client → server, `{"Width","Height"}`).
 * v5 adds `[255, channel]`: the client closes that channel (after stdin, `[255, 0]` is EOF).
 */
import { ApiError, isApiError } from '@flotilla/api';
import { statusOf } from './http.js';
import { logContainer } from './logs.js';

/** The subprotocols served, most preferred first. */
export const EXEC_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'] as const;
export type ExecProtocol = (typeof EXEC_PROTOCOLS)[number];

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const ERROR = 3;
export const RESIZE = 4;
/** v5's close signal: `[CLOSE, channel]`. */
export const CLOSE = 255;

/** The subprotocol to answer for a `Sec-WebSocket-Protocol` header, or undefined when none is served. */
export function chooseExecProtocol(header: string | readonly string[] | undefined): ExecProtocol | undefined {
  const offered = (Array.isArray(header) ? header.join(',') : ((header as string | undefined) ?? ''))
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  return EXEC_PROTOCOLS.find((p) => offered.includes(p));
}

/** True for a WebSocket handshake (`Upgrade: websocket`, any case, possibly among other tokens). */
export function isWebSocketUpgrade(upgrade: string | undefined): boolean {
  return (upgrade ?? '').split(',').some((t) => t.trim().toLowerCase() === 'websocket');
}

/** One server → client message. */
export function frame(channel: number, data: Uint8Array | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data) : data;
  const out = Buffer.allocUnsafe(body.length + 1);
  out[0] = channel;
  out.set(body, 1);
  return out;
}

/** What one client → server message means. */
export type ClientFrame =
  | { readonly type: 'stdin'; readonly data: Buffer }
  | { readonly type: 'close'; readonly channel: number }
  | { readonly type: 'resize'; readonly width: number; readonly height: number }
  | { readonly type: 'ignore'; readonly why: string };

/** Decodes a client message (`binary` false: a text message, which these protocols never use). */
export function parseClientFrame(data: Buffer, binary: boolean, protocol: ExecProtocol): ClientFrame {
  if (!binary) return { type: 'ignore', why: 'text message' };
  if (data.length === 0) return { type: 'ignore', why: 'empty message' };
  const channel = data[0] as number;
  const body = data.subarray(1);
  switch (channel) {
    case STDIN:
      return body.length === 0 ? { type: 'ignore', why: 'empty stdin' } : { type: 'stdin', data: body };
    case RESIZE: {
      try {
        const size = JSON.parse(body.toString('utf8')) as { Width?: unknown; Height?: unknown };
        if (typeof size.Width === 'number' && typeof size.Height === 'number') {
          return { type: 'resize', width: size.Width, height: size.Height };
        }
      } catch {
        // fall through
      }
      return { type: 'ignore', why: 'malformed resize' };
    }
    case CLOSE:
      if (protocol === 'v5.channel.k8s.io' && body.length === 1) {
        return { type: 'close', channel: body[0] as number };
      }
      return { type: 'ignore', why: 'close signal outside v5' };
    default:
      return { type: 'ignore', why: `channel ${channel} is not written by clients` };
  }
}

/** A `pods/exec` request's options (`PodExecOptions`). */
export interface ExecRequest {
  readonly command: readonly string[];
  readonly container: string;
  readonly stdin: boolean;
  readonly stdout: boolean;
  readonly stderr: boolean;
}

type Rec = Record<string, unknown>;
const isObject = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const listOf = (v: unknown): Rec[] => (Array.isArray(v) ? v.filter(isObject) : []);

function boolParam(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  if (v === null || v === '' || v === 'false' || v === 'False' || v === '0') return false;
  if (v === 'true' || v === 'True' || v === '1') return true;
  throw ApiError.badRequest(`${name}: Invalid value: ${JSON.stringify(v)}: must be true or false`);
}

/**
 * Reads and checks the query against the pod, as Kubernetes' ExecLocation and the kubelet do: the
 * container (defaulted when the pod has one), a command, at least one stream, no tty (not served), a
 * node, and a running container. Failures are 400 BadRequest `ApiError`s.
 */
export function execRequest(pod: Rec, query: URLSearchParams): { request: ExecRequest; nodeName: string } {
  const stdin = boolParam(query, 'stdin');
  const stdout = boolParam(query, 'stdout');
  const stderr = boolParam(query, 'stderr');
  const tty = boolParam(query, 'tty');
  const container = logContainer(pod, query.get('container'));
  const command = query.getAll('command');
  if (command.length === 0) throw ApiError.badRequest('you must specify at least 1 command');
  if (!stdin && !stdout && !stderr) {
    throw ApiError.badRequest('you must specify at least 1 of stdin, stdout, stderr');
  }
  if (tty) {
    throw ApiError.badRequest('tty is not supported by this server: run kubectl exec without -t (--tty)');
  }
  const meta = isObject(pod.metadata) ? pod.metadata : {};
  const spec = isObject(pod.spec) ? pod.spec : {};
  const status = isObject(pod.status) ? pod.status : {};
  const name = String(meta.name ?? '');
  const nodeName = typeof spec.nodeName === 'string' ? spec.nodeName : '';
  if (nodeName === '') throw ApiError.badRequest(`pod ${name} does not have a host assigned`);
  const cs = [
    ...listOf(status.containerStatuses),
    ...listOf(status.initContainerStatuses),
    ...listOf(status.ephemeralContainerStatuses),
  ].find((s) => s.name === container);
  const state = isObject(cs?.state) ? cs.state : {};
  if (!isObject(state.running)) {
    const waiting = isObject(state.waiting) ? state.waiting : undefined;
    if (waiting !== undefined || cs === undefined) {
      const reason =
        typeof waiting?.reason === 'string' && waiting.reason !== '' ? waiting.reason : 'ContainerCreating';
      throw ApiError.badRequest(`container "${container}" in pod "${name}" is waiting to start: ${reason}`);
    }
    throw ApiError.badRequest(`container "${container}" in pod "${name}" is not running`);
  }
  return { request: { command, container, stdin, stdout, stderr }, nodeName };
}

/** The error-channel Status (no kind or apiVersion, as the kubelet writes it). */
export interface ExecStatus {
  readonly metadata: Record<string, never>;
  readonly status: 'Success' | 'Failure';
  readonly message?: string;
  readonly reason?: string;
  readonly details?: { readonly causes: readonly { readonly reason?: string; readonly message: string }[] };
  readonly code?: number;
}

/** How a command ended → the Status kubectl turns into its exit code or error. */
export function execResultStatus(
  command: readonly string[],
  result: { readonly exitCode: number; readonly startError?: string },
): ExecStatus {
  if (result.startError !== undefined) return internalErrorStatus(result.startError);
  if (result.exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command [${command.join(' ')}], exit code ${result.exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(result.exitCode) }] },
  };
}

/** A failure to run the command at all (the node's or the runtime's error) as an error-channel Status. */
export function execErrorStatus(error: unknown): ExecStatus {
  if (isApiError(error)) {
    const s = statusOf(error);
    return { metadata: {}, status: 'Failure', message: s.message, reason: s.reason, code: s.code };
  }
  return internalErrorStatus(error instanceof Error ? error.message : String(error));
}

/** The 500 InternalError Status of a command that could not be run, `why` naming the cause. */
function internalErrorStatus(why: string): ExecStatus {
  const message = `error executing command in container: ${why}`;
  return {
    metadata: {},
    status: 'Failure',
    message: `Internal error occurred: ${message}`,
    reason: 'InternalError',
    details: { causes: [{ message }] },
    code: 500,
  };
}
