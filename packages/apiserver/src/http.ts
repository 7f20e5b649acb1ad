/**
 * Small HTTP helpers: Status bodies, JSON responses, bounded body reading and media-type parsing.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, isApiError, type Status } from '@flotilla/api';

/** Kubernetes' request body limit (3 MiB). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** The Status of any thrown value: an ApiError keeps its reason; anything else is an InternalError. */
export function statusOf(error: unknown): Status {
  if (error instanceof ApiError) return error.toStatus();
  if (isApiError(error)) {
    const e = error as ApiError;
    return ApiError.fromStatus({ reason: e.reason, message: e.message, details: e.details }).toStatus();
  }
  const message = error instanceof Error ? error.message : String(error);
  return ApiError.internal(message).toStatus();
}

export function notFoundStatus(): Status {
  return new ApiError('NotFound', 'the server could not find the requested resource').toStatus();
}

export function methodNotAllowed(method: string): ApiError {
  return new ApiError(
    'MethodNotAllowed',
    `the server does not allow this method on the requested resource (${method})`,
  );
}

export function sendJson(
  res: ServerResponse,
  code: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

export function sendStatus(res: ServerResponse, status: Status): void {
  const headers: Record<string, string> = {};
  const retry = status.details?.retryAfterSeconds;
  if (retry !== undefined) headers['Retry-After'] = String(retry);
  sendJson(res, status.code, status, headers);
}

export function sendText(res: ServerResponse, code: number, text: string): void {
  res.writeHead(code, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Reads the whole body, at most `MAX_BODY_BYTES` (413 RequestEntityTooLarge beyond). */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        failed = true;
        reject(new ApiError('RequestEntityTooLarge', 'Request entity too large: limit is 3145728'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (error) => {
      if (!failed) {
        failed = true;
        reject(error);
      }
    });
  });
}

/** The media type of a Content-Type header, lower case and without parameters (`''` when absent). */
export function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Parses a JSON body; anything unparsable is a 400 BadRequest, as Kubernetes' decoder answers. */
export function parseJson(body: Buffer): unknown {
  const text = body.toString('utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw ApiError.badRequest(`the body of the request was in an unknown format: ${why}`);
  }
}

/** A body that must be a JSON object. */
export function parseJsonObject(body: Buffer): Record<string, unknown> {
  const value = parseJson(body);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw ApiError.badRequest('the body of the request was in an unknown format: expected a JSON object');
  }
  return value as Record<string, unknown>;
}

/** True when the Accept header asks for a meta.k8s.io Table. */
export function wantsTable(accept: string | undefined): boolean {
  if (!accept) return false;
  for (const part of accept.split(',')) {
    const params = part.split(';').map((p) => p.trim().toLowerCase());
    if (params[0] !== 'application/json') continue;
    if (params.includes('as=table') && params.includes('g=meta.k8s.io')) return true;
  }
  return false;
}

/** True when the Accept header asks for aggregated discovery v2 (`as=APIGroupDiscoveryList`). */
export function wantsAggregatedDiscovery(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((part) => {
    const params = part.split(';').map((p) => p.trim().toLowerCase());
    return (
      params[0] === 'application/json' &&
      params.includes('as=apigroupdiscoverylist') &&
      params.includes('v=v2')
    );
  });
}

/**
 * Reads and drops whatever is left of the request body (answering before the client finished sending
 * would reset its connection). Resolves on end, close or error, never rejects.
 */
export function discardBody(req: IncomingMessage): Promise<void> {
  // A destroyed request (its client went away) has already emitted 'close': nothing will follow.
  if (req.complete || req.readableEnded || req.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => resolve();
    req.once('end', done);
    req.once('close', done);
    req.once('error', done);
    req.resume();
  });
}
