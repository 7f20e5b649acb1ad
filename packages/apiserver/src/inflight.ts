/**
 * Kube-apiserver's `--max-requests-inflight` / `--max-mutating-requests-inflight`: a bound on the
 * non-long-running requests served at once, one for reads and one for mutations. Over the bound a
 * request is answered `429 TooManyRequests` with `Retry-After: 1` and not served.
 */
import type { ServerResponse } from 'node:http';
import { ApiError } from '@flotilla/api';
import type { Route } from './routes.js';

/** Kube-apiserver's defaults. */
export const DEFAULT_MAX_REQUESTS_INFLIGHT = 400;
export const DEFAULT_MAX_MUTATING_REQUESTS_INFLIGHT = 200;

/** Requests being served right now, by kind (kube's `apiserver_current_inflight_requests`). */
export interface InflightRequests {
  readonly readOnly: number;
  readonly mutating: number;
}

/** Subresources kube-apiserver treats as long-running (`BasicLongRunningRequestCheck`). */
const LONG_RUNNING_SUBRESOURCES = new Set(['attach', 'exec', 'log', 'portforward', 'proxy']);

function isWatch(value: string | null): boolean {
  return value === '1' || value === 'true' || value === 'True';
}

/**
 * How a request counts: `exempt` (health checks, `/version`, watches, `pods/log`, `exec`, `attach`,
 * `portforward` and `proxy`: long-running or cheap probes), `readOnly` (GET, HEAD) or `mutating`.
 */
export function inflightKind(
  method: string,
  r: Route,
  query: URLSearchParams,
): 'exempt' | 'readOnly' | 'mutating' {
  if (r.type === 'version' || r.type === 'health') return 'exempt';
  if (r.type === 'resource') {
    if (r.subresource !== undefined && LONG_RUNNING_SUBRESOURCES.has(r.subresource)) return 'exempt';
    if ((method === 'GET' || method === 'HEAD') && isWatch(query.get('watch'))) return 'exempt';
  }
  return method === 'GET' || method === 'HEAD' ? 'readOnly' : 'mutating';
}

export interface InflightLimiter {
  /**
   * Takes a slot for `res`'s request, freed when the response finishes or its connection closes
   * (whichever comes first, once). `false` when the kind's limit is reached: nothing was taken.
   */
  admit(kind: 'readOnly' | 'mutating', res: ServerResponse): boolean;
  current(): InflightRequests;
}

/** A limit of 0 (or less) means no limit, as in kube-apiserver. */
export function createInflightLimiter(maxReadOnly: number, maxMutating: number): InflightLimiter {
  const counts = { readOnly: 0, mutating: 0 };
  const limits = { readOnly: maxReadOnly, mutating: maxMutating };
  return {
    admit(kind, res) {
      const limit = limits[kind];
      if (limit > 0 && counts[kind] >= limit) return false;
      counts[kind]++;
      let held = true;
      const release = () => {
        if (!held) return;
        held = false;
        counts[kind]--;
      };
      res.once('finish', release);
      res.once('close', release);
      return true;
    },
    current() {
      return { ...counts };
    },
  };
}

/** Kube-apiserver's answer over the limit (`tooManyRequests` in its max-in-flight filter). */
export function tooManyRequests(): ApiError {
  return ApiError.tooManyRequests('Too many requests, please try again later.', 1);
}
