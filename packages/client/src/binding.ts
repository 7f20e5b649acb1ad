import { ApiError } from '@flotilla/api';
import type { ApiObject } from './types.js';

/**
 * `v1/Binding` is not stored: creating one assigns a Pod to a Node (Kubernetes' `pods/<name>/binding`,
 * what client-go's `Pods(ns).Bind` calls). Every `Client` routes it so, and resolves to the binding sent
 * (`frozenCopy`; the server answers with a Status). The Binding type is `@flotilla/api`'s.
 */
export function isBinding(apiVersion: string, kind: string): boolean {
  return apiVersion === 'v1' && kind === 'Binding';
}

/** The Pod a binding names: its namespace (required) and name (required). */
export function boundPod(binding: ApiObject): { readonly namespace: string; readonly name: string } {
  const { namespace, name } = binding.metadata ?? {};
  if (!namespace) throw ApiError.badRequest('a namespace is required for Binding: use .namespace(ns)');
  if (!name) throw ApiError.badRequest('a name is required for Binding: the name of the Pod to bind');
  return { namespace, name };
}
