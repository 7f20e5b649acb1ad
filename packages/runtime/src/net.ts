import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect, createServer } from 'node:net';
import type { HTTPHeader } from '@flotilla/api';
import type { ProbeResult } from './types.js';

/** A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface HttpProbeTarget {
  readonly port: number;
  readonly path?: string;
  readonly scheme?: string;
  readonly headers?: readonly HTTPHeader[];
  readonly signal: AbortSignal;
}

/** The kubelet's HTTP probe on loopback: 200–399 is success; TLS is not verified. */
export function httpProbe(target: HttpProbeTarget): Promise<ProbeResult> {
  const https = (target.scheme ?? 'HTTP').toUpperCase() === 'HTTPS';
  const headers: Record<string, string> = { 'user-agent': 'flotilla-probe/0.1', accept: '*/*' };
  for (const h of target.headers ?? []) headers[h.name.toLowerCase()] = h.value;
  const path = target.path ? (target.path.startsWith('/') ? target.path : `/${target.path}`) : '/';
  return new Promise((resolve) => {
    const req = (https ? httpsRequest : httpRequest)(
      {
        host: '127.0.0.1',
        port: target.port,
        path,
        method: 'GET',
        headers,
        signal: target.signal,
        agent: false,
        ...(https ? { rejectUnauthorized: false } : {}),
      },
      (res) => {
        const code = res.statusCode ?? 0;
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (body.length < 10_240) body += chunk;
        });
        res.on('end', () =>
          resolve(
            code >= 200 && code < 400
              ? { outcome: 'success', message: body }
              : { outcome: 'failure', message: `HTTP probe failed with statuscode: ${code}` },
          ),
        );
        res.on('error', (e) => resolve({ outcome: 'failure', message: e.message }));
      },
    );
    req.on('error', (e) => resolve({ outcome: 'failure', message: failureText(e, target.signal) }));
    req.end();
  });
}

/** The kubelet's TCP probe: success when a connection opens. */
export function tcpProbe(port: number, signal: AbortSignal): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, signal });
    socket.once('connect', () => {
      socket.destroy();
      resolve({ outcome: 'success' });
    });
    socket.once('error', (e) => {
      socket.destroy();
      resolve({ outcome: 'failure', message: failureText(e, signal) });
    });
  });
}

function failureText(error: Error, signal: AbortSignal): string {
  if (signal.aborted) return `probe timed out (${String(signal.reason ?? 'timeout')})`;
  return error.message;
}
