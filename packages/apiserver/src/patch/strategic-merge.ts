/**
 * Strategic merge patch, the `application/strategic-merge-patch+json` of `kubectl apply` (client-side),
 * `set image`, `rollout pause|resume|restart` and `patch` (default).
 *
 * - Maps merge recursively; `null` deletes a field.
 * - Lists named in MERGE_KEYS merge element-wise by their key (`containers` by `name`, container
 *   `ports` by `containerPort`, Service `ports` by `port`, `conditions` by `type`, …); `finalizers`
 *   merge as a set; every other list is replaced, as Kubernetes' struct tags say.
 * - Directives: `$patch: replace | delete | merge` (in maps and list elements), `$setElementOrder/<list>`,
 *   `$deleteFromPrimitiveList/<list>`, `$retainKeys`.
 * - Neither input is modified.
 */
import { ApiError } from '@flotilla/api';

/** List field name → candidate merge keys (the first one the patch's elements carry wins). */
export const MERGE_KEYS: Record<string, readonly string[]> = {
  containers: ['name'],
  initContainers: ['name'],
  ephemeralContainers: ['name'],
  ports: ['containerPort', 'port'],
  env: ['name'],
  volumes: ['name'],
  volumeMounts: ['mountPath'],
  volumeDevices: ['devicePath'],
  imagePullSecrets: ['name'],
  hostAliases: ['ip'],
  topologySpreadConstraints: ['topologyKey'],
  resourceClaims: ['name'],
  schedulingGates: ['name'],
  conditions: ['type'],
  addresses: ['type'],
  ownerReferences: ['uid'],
};

/** Lists of primitives merged as sets. */
export const SET_LISTS = new Set(['finalizers']);

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function setOwn(target: Obj, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Strips directive keys from a value that is being inserted as new. */
function clean(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(clean);
  if (!isObject(value)) return value;
  const out: Obj = {};
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith('$')) continue;
    if (v === null) continue;
    setOwn(out, k, clean(v));
  }
  return out;
}

function mergeKeyFor(
  field: string,
  patchItems: readonly unknown[],
  original: readonly unknown[],
): string | undefined {
  const candidates = MERGE_KEYS[field];
  if (candidates === undefined) return undefined;
  for (const key of candidates) {
    if (patchItems.some((p) => isObject(p) && p[key] !== undefined)) return key;
  }
  for (const key of candidates) {
    if (original.some((p) => isObject(p) && p[key] !== undefined)) return key;
  }
  return candidates[0];
}

function sameKey(a: unknown, b: unknown, key: string): boolean {
  return (
    isObject(a) && isObject(b) && a[key] !== undefined && JSON.stringify(a[key]) === JSON.stringify(b[key])
  );
}

function mergeList(field: string, original: unknown, patch: readonly unknown[], order: unknown): unknown[] {
  const base = Array.isArray(original) ? original : [];
  if (SET_LISTS.has(field)) {
    const out = [...base];
    for (const p of patch) if (!out.some((o) => JSON.stringify(o) === JSON.stringify(p))) out.push(p);
    return out;
  }
  const key = mergeKeyFor(field, patch, base);
  if (key === undefined || !patch.every(isObject)) return patch.map(clean);
  // `$patch: replace` anywhere in the list replaces it with the other elements.
  if (patch.some((p) => isObject(p) && p.$patch === 'replace')) {
    return patch.filter((p) => !(isObject(p) && p.$patch === 'replace')).map(clean);
  }
  let out: unknown[] = [...base];
  for (const p of patch as Obj[]) {
    if (p[key] === undefined)
      throw ApiError.badRequest(`map: ${JSON.stringify(p)} does not contain declared merge key: ${key}`);
    const i = out.findIndex((o) => sameKey(o, p, key));
    if (p.$patch === 'delete') {
      if (i >= 0) out.splice(i, 1);
      continue;
    }
    if (i >= 0) out[i] = mergeValue(out[i], p);
    else out.push(clean(p));
  }
  if (Array.isArray(order)) {
    const ordered: unknown[] = [];
    for (const o of order) {
      const i = out.findIndex((x) => sameKey(x, o, key));
      if (i >= 0) {
        ordered.push(out[i]);
        out.splice(i, 1);
      }
    }
    out = [...ordered, ...out];
  }
  return out;
}

function mergeMap(original: unknown, patch: Obj): unknown {
  if (patch.$patch === 'replace') {
    const { $patch: _p, ...rest } = patch;
    return clean(rest);
  }
  if (patch.$patch === 'delete') return undefined;
  const base: Obj = isObject(original) ? original : {};
  const out: Obj = {};
  for (const [k, v] of Object.entries(base)) setOwn(out, k, v);
  const retain = patch.$retainKeys;
  for (const [k, v] of Object.entries(patch)) {
    if (k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder/')) continue;
    if (k.startsWith('$deleteFromPrimitiveList/')) {
      const field = k.slice('$deleteFromPrimitiveList/'.length);
      const current = out[field];
      if (Array.isArray(current) && Array.isArray(v)) {
        setOwn(
          out,
          field,
          current.filter((x) => !v.some((d) => JSON.stringify(d) === JSON.stringify(x))),
        );
      }
      continue;
    }
    if (k.startsWith('$')) continue;
    if (v === null) {
      delete out[k];
    } else if (Array.isArray(v)) {
      setOwn(out, k, mergeList(k, base[k], v, patch[`$setElementOrder/${k}`]));
    } else if (isObject(v)) {
      const merged = mergeValue(base[k], v);
      if (merged === undefined) delete out[k];
      else setOwn(out, k, merged);
    } else {
      setOwn(out, k, v);
    }
  }
  // `$setElementOrder` for a list the patch did not otherwise touch only reorders it.
  for (const [k, order] of Object.entries(patch)) {
    if (!k.startsWith('$setElementOrder/')) continue;
    const field = k.slice('$setElementOrder/'.length);
    if (Object.hasOwn(patch, field) || !Array.isArray(out[field]) || !Array.isArray(order)) continue;
    setOwn(out, field, mergeList(field, out[field], [], order));
  }
  if (Array.isArray(retain)) {
    for (const k of Object.keys(out)) if (!retain.includes(k)) delete out[k];
  }
  return out;
}

function mergeValue(original: unknown, patch: unknown): unknown {
  if (isObject(patch)) return mergeMap(original, patch);
  return clean(patch);
}

/** Applies a strategic merge patch (parsed JSON) to `target`; a patch that is not an object is BadRequest. */
export function applyStrategicMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) throw ApiError.badRequest('strategic merge patch must be a JSON object');
  return mergeMap(target, patch);
}
