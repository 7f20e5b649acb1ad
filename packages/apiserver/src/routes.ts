/**
 * URL → what it names: a discovery document, or a resource (kind, namespace, name, subresource), by
 * Kubernetes' RequestInfo rules (`namespaces/<ns>/status` is the Namespace's subresource).
 */
import type { KindInfo } from '@flotilla/api';
import { ApiError } from '@flotilla/api';
import { resources } from './discovery.js';

export type Route =
  | { readonly type: 'version' | 'health' | 'api' | 'apis' | 'openapi-root' }
  | { readonly type: 'group'; readonly group: string }
  | { readonly type: 'resource-list'; readonly groupVersion: string }
  | { readonly type: 'openapi-gv'; readonly groupVersion: string }
  | {
      readonly type: 'resource';
      readonly kind: KindInfo;
      readonly namespace: string | undefined;
      readonly name: string | undefined;
      readonly subresource: string | undefined;
    }
  /** `POST /api/v1/namespaces/<ns>/bindings`: Kubernetes' legacy way to bind the Pod a Binding names. */
  | { readonly type: 'bindings'; readonly namespace: string }
  | { readonly type: 'not-found' };

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);
const NOT_FOUND: Route = { type: 'not-found' };

/** Splits and decodes a path; `undefined` for malformed percent-encoding. */
export function splitPath(path: string): string[] | undefined {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  const raw = trimmed.split('/').slice(1);
  try {
    return raw.map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

export function route(path: string): Route {
  const parts = splitPath(path);
  if (parts === undefined)
    throw ApiError.badRequest(`malformed URL path: ${JSON.stringify(path).slice(0, 200)}`);
  if (parts.some((p) => p === '')) return parts.length === 1 ? NOT_FOUND : NOT_FOUND;
  const [first, second, third] = parts;
  if (parts.length === 1 && first === 'version') return { type: 'version' };
  if (parts.length === 1 && (first === 'healthz' || first === 'livez' || first === 'readyz'))
    return { type: 'health' };
  if (first === 'openapi' && second === 'v3') {
    if (parts.length === 2) return { type: 'openapi-root' };
    return { type: 'openapi-gv', groupVersion: parts.slice(2).join('/') };
  }
  let groupVersion: string;
  let rest: string[];
  if (first === 'api') {
    if (parts.length === 1) return { type: 'api' };
    if (second !== 'v1') return NOT_FOUND;
    groupVersion = 'v1';
    rest = parts.slice(2);
  } else if (first === 'apis') {
    if (parts.length === 1) return { type: 'apis' };
    if (parts.length === 2) return { type: 'group', group: second as string };
    groupVersion = `${second}/${third}`;
    rest = parts.slice(3);
  } else {
    return NOT_FOUND;
  }
  if (rest.length === 0) return { type: 'resource-list', groupVersion };
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && !NAMESPACE_SUBRESOURCES.has(rest[2] as string)) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  if (rest.length > 3) return NOT_FOUND;
  const [plural, name, subresource] = rest;
  if (groupVersion === 'v1' && plural === 'bindings')
    return namespace !== undefined && rest.length === 1 ? { type: 'bindings', namespace } : NOT_FOUND;
  const kind = resources.get(`${groupVersion}/${plural}`);
  if (kind === undefined) return NOT_FOUND;
  if (namespace !== undefined && !kind.namespaced) return NOT_FOUND;
  if (kind.namespaced && name !== undefined && namespace === undefined) return NOT_FOUND;
  if (subresource !== undefined && !kind.subresources.includes(subresource)) return NOT_FOUND;
  return { type: 'resource', kind, namespace, name, subresource };
}
