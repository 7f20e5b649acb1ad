/**
 * The HTTP side of field management: who the field manager of a request is, the body of an apply
 * patch (JSON, or YAML), and `managedFields` bookkeeping for non-apply writes.
 */
import type { IncomingMessage } from 'node:http';
import { ApiError, applyDefaults } from '@flotilla/api';
import { parse as parseYaml } from 'yaml';
import { parseJson } from './http.js';
import { type FieldManagerOptions, trackUpdate } from './patch/server-side-apply.js';

export const APPLY_PATCH_TYPE = 'application/apply-patch+yaml';

const MAX_MANAGER_LENGTH = 128;

/**
 * The `fieldManager` query parameter; absent, the first token of the User-Agent (`kubectl` for
 * `kubectl/v1.32.4 (linux/amd64) …`), as Kubernetes derives it. Longer than 128 bytes is invalid.
 */
export function fieldManagerOf(query: URLSearchParams, req: IncomingMessage): string {
  const given = query.get('fieldManager');
  if (given !== null && given !== '') {
    if (Buffer.byteLength(given) > MAX_MANAGER_LENGTH) {
      throw ApiError.badRequest(`fieldManager: Too long: may not be more than ${MAX_MANAGER_LENGTH} bytes`);
    }
    return given;
  }
  const agent = req.headers['user-agent'] ?? '';
  return (agent.split('/')[0] ?? '').slice(0, MAX_MANAGER_LENGTH);
}

/** `force` of an apply patch; on any other patch it is invalid, as in Kubernetes. */
export function forceOf(query: URLSearchParams): boolean {
  const v = query.get('force');
  if (v === null || v === '' || v === 'false' || v === '0' || v === 'False') return false;
  if (v === 'true' || v === '1' || v === 'True') return true;
  throw ApiError.badRequest(`force: Invalid value: "${v}": must be a boolean`);
}

/** The `fieldManager` of an apply patch is required (Kubernetes' 422 on PatchOptions). */
export function requireApplyManager(query: URLSearchParams): string {
  const manager = query.get('fieldManager') ?? '';
  if (manager === '') {
    throw ApiError.invalid({ group: 'meta.k8s.io', kind: 'PatchOptions' }, '', [
      { field: 'fieldManager', type: 'Required', detail: 'is required for apply patch' },
    ]);
  }
  if (Buffer.byteLength(manager) > MAX_MANAGER_LENGTH) {
    throw ApiError.invalid({ group: 'meta.k8s.io', kind: 'PatchOptions' }, '', [
      {
        field: 'fieldManager',
        type: 'TooLong',
        detail: `may not be more than ${MAX_MANAGER_LENGTH} bytes`,
      },
    ]);
  }
  return manager;
}

/** An apply patch body: JSON (what kubectl sends) or YAML; it must be one object. */
export function parseApplyBody(raw: Buffer): Record<string, unknown> {
  const text = raw.toString('utf8');
  let value: unknown;
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    value = parseJson(raw);
  } else {
    try {
      value = parseYaml(text, { version: '1.1', maxAliasCount: 100 });
    } catch (error) {
      const why = (error instanceof Error ? error.message : String(error)).split('\n')[0];
      throw ApiError.badRequest(`error decoding YAML: ${why}`);
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw ApiError.badRequest('the body of the request was in an unknown format: expected a single object');
  }
  return value as Record<string, unknown>;
}

/**
 * `next` with the `Update` managedFields entry of this write. With `defaults`, `next` is defaulted
 * first (the store would default it the same way), so the manager owns the defaults its write
 * brought in; patches and scales, derived from the (defaulted) live object, skip that: it would also
 * cost the structural sharing with the live object that keeps the diff cheap.
 */
export function trackWrite<T extends object>(
  live: object | undefined,
  next: T,
  options: FieldManagerOptions,
  defaults = true,
): T {
  if (next === live) return next;
  // An existing object without managedFields stays untracked (see trackUpdate): skip the defaulting.
  if (live !== undefined && !hasManagedFields(live) && !hasManagedFields(next)) return next;
  return trackUpdate(
    live as Record<string, unknown> | undefined,
    (defaults ? applyDefaults(next) : next) as Record<string, unknown>,
    options,
  ) as T;
}

function hasManagedFields(obj: object): boolean {
  const meta = (obj as { metadata?: { managedFields?: unknown } }).metadata;
  return Array.isArray(meta?.managedFields) && meta.managedFields.length > 0;
}
