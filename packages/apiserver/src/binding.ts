/**
 * `POST /api/v1/namespaces/<ns>/pods/<name>/binding` (and the legacy `POST …/namespaces/<ns>/bindings`,
 * which takes the Pod's name from the body): a scheduler assigns a Pod to a Node. The store applies it
 * (`ObjectStore.bindPod`); the answer is Kubernetes' `Status` Success with code 201.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, type Binding } from '@flotilla/api';
import { methodNotAllowed, sendJson } from './http.js';
import { isDryRun, jsonBody, type ResourceContext } from './resources.js';

export interface BindingRequest {
  readonly namespace: string;
  /** The Pod's name, from the URL (`pods/<name>/binding`); absent for `bindings`, whose body names it. */
  readonly name?: string;
  readonly query: URLSearchParams;
}

export async function serveBinding(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: ResourceContext,
  q: BindingRequest,
): Promise<void> {
  if (req.method !== 'POST') throw methodNotAllowed(req.method ?? 'GET');
  const binding = bindingOf(await jsonBody(req), q);
  await ctx.store.bindPod(binding, { dryRun: isDryRun(q.query) });
  sendJson(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
}

/** The body as a Binding of the URL's Pod: type filled in when absent, namespace and name checked. */
function bindingOf(body: Record<string, unknown>, q: BindingRequest): Binding {
  const apiVersion = body.apiVersion ?? 'v1';
  const kind = body.kind ?? 'Binding';
  if (apiVersion !== 'v1' || kind !== 'Binding') {
    throw ApiError.badRequest(`not a Binding object: ${String(apiVersion)}/${String(kind)}`);
  }
  const metadata = (body.metadata ?? {}) as Record<string, unknown>;
  if (typeof metadata !== 'object' || Array.isArray(metadata))
    throw ApiError.badRequest('metadata: Invalid value: must be an object');
  if (q.name !== undefined && metadata.name !== q.name)
    throw ApiError.badRequest('name in URL does not match name in Binding object');
  const namespace = metadata.namespace;
  if (namespace !== undefined && namespace !== '' && namespace !== q.namespace) {
    throw ApiError.badRequest(
      'the namespace of the provided object does not match the namespace sent on the request',
    );
  }
  return {
    ...body,
    apiVersion,
    kind,
    metadata: { ...metadata, namespace: q.namespace },
  } as unknown as Binding;
}
