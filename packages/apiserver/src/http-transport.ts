/**
 * `nodeHttpTransport`: the `HttpTransport` of `@flotilla/client`'s `createHttpClient` over `node:http` /
 * `node:https`, with a private CA and a bearer token — what a controller, scheduler or agent in another
 * process uses to reach `createApiServer`.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { HttpRequestInit, HttpResponse, HttpStreamResponse, HttpTransport } from '@flotilla/client';

export interface NodeHttpTransportOptions {
  /** `https://127.0.0.1:6443` or `http://…` (a path prefix is kept). */
  readonly server: string;
  /** Sent as `Authorization: Bearer <token>`. */
  readonly token?: string;
  /** PEM of the CA that signed the server's certificate (default: Node's trusted roots). */
  readonly ca?: string;
}

export interface NodeHttpTransport extends HttpTransport {
  /** Closes idle keep-alive connections (open requests and watches keep running). */
  close(): void;
}

export function nodeHttpTransport(options: NodeHttpTransportOptions): NodeHttpTransport {
  const base = new URL(options.server);
  const secure = base.protocol === 'https:';
  if (!secure && base.protocol !== 'http:') throw new Error(`unsupported server URL ${options.server}`);
  const prefix = base.pathname.replace(/\/+$/, '');
  const agent = secure
    ? new HttpsAgent({ keepAlive: true, ...(options.ca === undefined ? {} : { ca: options.ca }) })
    : new HttpAgent({ keepAlive: true });
  const send = secure ? httpsRequest : httpRequest;
  const auth: Record<string, string> =
    options.token === undefined ? {} : { Authorization: `Bearer ${options.token}` };

  function open(
    method: string,
    path: string,
    headers: Readonly<Record<string, string>>,
    body: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<IncomingMessage> {
    return new Promise<IncomingMessage>((resolve, reject) => {
      const req = send(
        {
          protocol: base.protocol,
          hostname: base.hostname.replace(/^\[|\]$/g, ''),
          port: base.port,
          path: prefix + path,
          method,
          agent,
          headers: {
            ...headers,
            ...auth,
            ...(body === undefined ? {} : { 'Content-Length': Buffer.byteLength(body) }),
          },
          ...(signal === undefined ? {} : { signal }),
        },
        resolve,
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  return {
    async request(method: string, path: string, init: HttpRequestInit): Promise<HttpResponse> {
      const res = await open(method, path, init.headers, init.body, undefined);
      res.setEncoding('utf8');
      let text = '';
      for await (const chunk of res) text += chunk as string;
      return { status: res.statusCode ?? 0, body: text, headers: headersOf(res) };
    },
    async stream(
      path: string,
      headers: Readonly<Record<string, string>>,
      signal: AbortSignal,
    ): Promise<HttpStreamResponse> {
      const res = await open('GET', path, headers, undefined, signal);
      res.setEncoding('utf8');
      return {
        status: res.statusCode ?? 0,
        headers: headersOf(res),
        chunks: (async function* () {
          for await (const chunk of res) yield chunk as string;
        })(),
      };
    },
    close() {
      agent.destroy();
    },
  };
}

/** A response's headers, lower-case names, repeated ones joined with `, `. */
function headersOf(res: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
