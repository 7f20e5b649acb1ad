/**
 * Server-side apply and field ownership (`metadata.managedFields`), as Kubernetes' field manager
 * (structured-merge-diff) does it, for the built-in kinds.
 *
 * - `serverSideApply(live, config, options)`: the applied configuration is merged into the live
 *   object (maps per key, associative lists per key, sets per element, everything else replaced);
 *   the manager's `Apply` entry becomes exactly the fields of the configuration; fields it applied
 *   before and omits now are removed unless another manager owns them (or something below them);
 *   a changed field another manager owns is a conflict (409, one `FieldManagerConflict` cause per
 *   field) unless `force`, which moves the field to the applier. Equal values are shared.
 * - `trackUpdate(live, next, options)`: the `Update` entry of a non-apply write (create, update,
 *   merge/JSON/strategic patch): the manager takes every field it added or changed, other managers
 *   lose them, and removed fields leave every manager. An existing object without managedFields is
 *   not tracked (as Kubernetes), a create always is.
 * - Managers are told apart by (manager, operation, subresource). The applier's time changes only
 *   when the object or its field set changes, so a repeated apply is a no-op. Entries are sorted as
 *   Kubernetes sorts them; more than 10 `Update` entries fold the oldest into `ancient-changes`.
 * - Ignored, as Kubernetes ignores them: apiVersion, kind, the system metadata fields, and `status`
 *   on the main resource (on the `status` subresource only `status` counts).
 * - Pure: the time comes in as a parameter; inputs are never modified.
 */
import { ApiError } from '@flotilla/api';
import {
  type Comparison,
  compare,
  deepEqual,
  FieldSet,
  fieldSetOf,
  indexItems,
  isAtomicMap,
  isKeyable,
  isSame,
  itemKey,
  listTypeOf,
  pathString,
  valueKey,
} from './field-set.js';

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  time?: string;
  fieldsType?: string;
  fieldsV1?: unknown;
  subresource?: string;
}

/** One manager's ownership, decoded. */
export interface Manager {
  readonly manager: string;
  readonly operation: 'Apply' | 'Update';
  readonly subresource: string;
  readonly apiVersion: string;
  time: string | undefined;
  set: FieldSet;
  /** The decoded entry, reused by `encodeManagedFields` while `set` and `time` are unchanged. */
  entry?: ManagedFieldsEntry | undefined;
}

export interface FieldManagerOptions {
  readonly manager: string;
  /** `''` for the main resource, else `status` / `scale`. */
  readonly subresource?: string;
  /** RFC 3339 time stamped on the entries this write changes. */
  readonly now: string;
}

export interface ApplyOptions extends FieldManagerOptions {
  readonly force: boolean;
}

/** One conflicting field: its path (`.spec.replicas`) and who owns it. */
export interface FieldConflict {
  readonly manager: Manager;
  readonly field: string;
  /** The field's path elements (`['f:spec', 'f:replicas']`). */
  readonly path: readonly string[];
}

const SYSTEM_METADATA = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
]);
const MAX_UPDATE_MANAGERS = 10;

/** The part of an object whose fields are owned: no type, system metadata or (main resource) status. */
export function ownedView(obj: Obj | undefined, subresource = ''): Obj {
  if (obj === undefined) return {};
  if (subresource === 'status') return obj.status === undefined ? {} : { status: obj.status };
  const out: Obj = {};
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind' || k === 'status') continue;
    if (k === 'metadata' && isObject(v)) {
      const meta: Obj = {};
      let any = false;
      for (const [mk, mv] of Object.entries(v)) {
        if (SYSTEM_METADATA.has(mk)) continue;
        meta[mk] = mv;
        any = true;
      }
      if (any) out.metadata = meta;
      continue;
    }
    out[k] = v;
  }
  return out;
}

// -------------------------------------------------------------------------------------------------
// managedFields <-> managers

function keyOf(m: { manager: string; operation: string; subresource: string }): string {
  return `${m.operation}\u0000${m.subresource}\u0000${m.manager}`;
}

/** Decodes `metadata.managedFields`; entries that are not FieldsV1 entries of a known operation are dropped. */
export function decodeManagedFields(value: unknown): Map<string, Manager> {
  if (!Array.isArray(value)) return new Map();
  return decode(value);
}

/**
 * The field set of each entry decoded or encoded here. Stored objects are frozen and an entry whose
 * manager did not change is carried over from write to write, so most entries decode once. Field
 * sets are never changed in place once built, so entries share them.
 */
const entrySets = new WeakMap<object, FieldSet>();

function decode(value: readonly unknown[]): Map<string, Manager> {
  const out = new Map<string, Manager>();
  for (const e of value) {
    if (!isObject(e)) continue;
    const operation = e.operation;
    if (operation !== 'Apply' && operation !== 'Update') continue;
    if (e.fieldsType !== undefined && e.fieldsType !== 'FieldsV1') continue;
    const m: Manager = {
      manager: typeof e.manager === 'string' ? e.manager : '',
      operation,
      subresource: typeof e.subresource === 'string' ? e.subresource : '',
      apiVersion: typeof e.apiVersion === 'string' ? e.apiVersion : '',
      time: typeof e.time === 'string' ? e.time : undefined,
      set: setOfEntry(e),
      entry: e as ManagedFieldsEntry,
    };
    const key = keyOf(m);
    const prev = out.get(key);
    if (prev) {
      prev.set = prev.set.union(m.set);
      prev.entry = undefined;
    } else out.set(key, m);
  }
  return out;
}

/** The `fieldsV1` a field set was decoded from or encoded to, reused while the set is unchanged. */
const setEncodings = new WeakMap<FieldSet, unknown>();

function setOfEntry(e: Obj): FieldSet {
  let set = entrySets.get(e);
  if (set === undefined) {
    set = FieldSet.fromFieldsV1(e.fieldsV1);
    entrySets.set(e, set);
    if (isObject(e.fieldsV1)) setEncodings.set(set, e.fieldsV1);
  }
  return set;
}

function encodeSet(set: FieldSet): unknown {
  let fieldsV1 = setEncodings.get(set);
  if (fieldsV1 === undefined) {
    fieldsV1 = set.toFieldsV1();
    setEncodings.set(set, fieldsV1);
  }
  return fieldsV1;
}

/** Encodes managers as Kubernetes does: Apply before Update, then by time, manager, apiVersion. */
export function encodeManagedFields(managers: Iterable<Manager>): ManagedFieldsEntry[] {
  const list = [...managers].filter((m) => !m.set.isEmpty());
  list.sort(
    (p, q) =>
      cmp(p.operation, q.operation) ||
      cmp(p.time ?? '', q.time ?? '') ||
      cmp(p.manager, q.manager) ||
      cmp(p.apiVersion, q.apiVersion) ||
      cmp(p.subresource, q.subresource),
  );
  return list.map((m) => {
    if (m.entry !== undefined) return m.entry;
    const entry: ManagedFieldsEntry = {
      manager: m.manager,
      operation: m.operation,
      apiVersion: m.apiVersion,
      ...(m.time === undefined ? {} : { time: m.time }),
      fieldsType: 'FieldsV1',
      fieldsV1: encodeSet(m.set),
      ...(m.subresource === '' ? {} : { subresource: m.subresource }),
    };
    entrySets.set(entry, m.set);
    return entry;
  });
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `"kubectl"`, `"kubectl" with subresource "scale" using apps/v1`: how Kubernetes names a manager. */
export function describeManager(m: Manager): string {
  let s = JSON.stringify(m.manager);
  if (m.subresource !== '') s += ` with subresource ${JSON.stringify(m.subresource)}`;
  if (m.operation === 'Update') s += ` using ${m.apiVersion}`;
  return s;
}

/** Kubernetes' 409 for apply conflicts: one `FieldManagerConflict` cause per field. */
export function conflictError(conflicts: readonly FieldConflict[]): ApiError {
  let message: string;
  if (conflicts.length === 1) {
    const c = conflicts[0] as FieldConflict;
    message = `Apply failed with 1 conflict: conflict with ${describeManager(c.manager)}: ${c.field}`;
  } else {
    const byManager = new Map<string, FieldConflict[]>();
    for (const c of conflicts) {
      const name = describeManager(c.manager);
      byManager.set(name, [...(byManager.get(name) ?? []), c]);
    }
    const lines: string[] = [];
    for (const name of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${name}:`);
      for (const c of byManager.get(name) ?? []) lines.push(`- ${c.field}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  // metav1.StatusCause's `type` is `reason` on the wire.
  return new ApiError('Conflict', message, {
    causes: conflicts.map((c) => ({
      reason: 'FieldManagerConflict',
      message: `conflict with ${describeManager(c.manager)}`,
      field: c.field,
    })),
  });
}

// -------------------------------------------------------------------------------------------------
// Merge and prune

/** Merges an applied value into a live one (config wins; maps, associative lists and sets merge). */
function merge(
  live: unknown,
  config: unknown,
  field: string,
  inList: string | undefined,
  where: string,
): unknown {
  if (isObject(config)) {
    if (!isObject(live) || isAtomicMap(field)) return config;
    return mergeMaps(live, config, inList, where);
  }
  if (Array.isArray(config) && Array.isArray(live)) {
    const lt = listTypeOf(field, inList, () => where);
    if (lt.type === 'set') {
      const seen = new Set(live.map(valueKey));
      return [...live, ...config.filter((e) => !seen.has(valueKey(e)))];
    }
    if (lt.type === 'map' && isKeyable(live, lt)) {
      const cm = indexItems(config, lt, where);
      if (cm.size !== config.length) duplicateKeys(config, lt, where);
      // Live items keep their order (duplicates too: only the first of a key is merged into).
      const seen = new Set<string>();
      const out: unknown[] = [];
      live.forEach((item, i) => {
        const key = itemKey(item, lt, where, i);
        const c = seen.has(key) ? undefined : cm.get(key);
        seen.add(key);
        out.push(c === undefined ? item : mergeMaps(item as Obj, c, field, where));
      });
      for (const [key, c] of cm) if (!seen.has(key)) out.push(c);
      return out;
    }
  }
  if (Array.isArray(config)) {
    const lt = listTypeOf(field, inList, () => where);
    if (lt.type === 'map') {
      const cm = indexItems(config, lt, where);
      if (cm.size !== config.length) duplicateKeys(config, lt, where);
    }
  }
  return config;
}

function duplicateKeys(list: readonly unknown[], lt: Parameters<typeof indexItems>[1], where: string): never {
  const seen = new Set<string>();
  for (const item of list) {
    const m = indexItems([item], lt, where);
    const key = [...m.keys()][0] as string;
    if (seen.has(key)) {
      throw ApiError.badRequest(`${where}: duplicate entries for key ${pathString([key])}`);
    }
    seen.add(key);
  }
  throw ApiError.badRequest(`${where}: duplicate entries`);
}

function mergeMaps(live: Obj, config: Obj, inList: string | undefined, where: string): Obj {
  const out: Obj = { ...live };
  for (const [k, v] of Object.entries(config)) {
    if (v === undefined || v === null) continue;
    out[k] = merge(live[k], v, k, inList, `${where}.${k}`);
  }
  return out;
}

/**
 * Removes the members of `remove` from `value` unless `keep` holds the path or anything below it.
 * Maps and lists that this empties disappear too, unless `keep` owns them.
 */
function prune(
  value: Obj,
  remove: FieldSet,
  keep: FieldSet | undefined,
  inList: string | undefined,
  where: string,
): Obj {
  if (remove.children === undefined) return value;
  let out: Obj | undefined;
  for (const [el, r] of remove.children) {
    if (!el.startsWith('f:')) continue;
    const field = el.slice(2);
    const v = value[field];
    if (v === undefined || v === null) continue;
    const k = keep?.children?.get(el);
    let next: unknown = v;
    if (r.member && (k === undefined || k.isEmpty())) next = undefined;
    else next = pruneValue(v, field, r, k, inList, `${where}.${field}`);
    if (next === v) continue;
    out ??= { ...value };
    if (next === undefined) delete out[field];
    else out[field] = next;
  }
  return out ?? value;
}

function pruneValue(
  v: unknown,
  field: string,
  remove: FieldSet,
  keep: FieldSet | undefined,
  inList: string | undefined,
  where: string,
): unknown {
  let next: unknown = v;
  if (isObject(v) && !isAtomicMap(field)) next = prune(v, remove, keep, inList, where);
  else if (Array.isArray(v) && remove.children !== undefined) {
    const lt = listTypeOf(field, inList, () => where);
    if (lt.type === 'set') {
      next = v.filter((e) => {
        const el = valueKey(e);
        const r = remove.children?.get(el);
        return !(r?.member && (keep?.children?.get(el) === undefined || keep.children.get(el)?.isEmpty()));
      });
      if ((next as unknown[]).length === v.length) next = v;
    } else if (lt.type === 'map' && isKeyable(v, lt)) {
      const items: unknown[] = [];
      let changed = false;
      for (const [i, item] of (v as Obj[]).entries()) {
        const el = itemKey(item, lt, where, i);
        const r = remove.children.get(el);
        const k = keep?.children?.get(el);
        if (r === undefined) items.push(item);
        else if (r.member && (k === undefined || k.isEmpty())) changed = true;
        else {
          let p = prune(item, r, k, field, `${where}[${i}]`);
          if (p !== item) {
            changed = true;
            // A kept item keeps its key fields.
            for (const key of lt.keys) if (item[key] !== undefined) p = { ...p, [key]: item[key] };
          }
          items.push(p);
        }
      }
      if (changed || items.length !== v.length) next = items;
    }
  }
  if (next === v) return v;
  const empty = Array.isArray(next) ? next.length === 0 : isObject(next) && Object.keys(next).length === 0;
  if (empty && !keep?.member) return undefined;
  return next;
}

// -------------------------------------------------------------------------------------------------
// Ownership bookkeeping

/**
 * What Kubernetes' `update` does to the other managers of a change: fields they own that changed are
 * conflicts (returned; taken from them when `force`), removed fields leave them.
 */
function settle(
  managers: Map<string, Manager>,
  self: string,
  diff: Comparison,
  force: boolean,
): FieldConflict[] {
  const changed = diff.modified.union(diff.added);
  const conflicts: FieldConflict[] = [];
  for (const [key, m] of managers) {
    if (key === self) continue;
    const c = m.set.intersection(changed);
    if (!c.isEmpty())
      for (const p of c.paths()) conflicts.push({ manager: m, field: pathString(p), path: p });
  }
  if (conflicts.length > 0 && !force) return conflicts;
  const removed = diff.removed.isEmpty() ? undefined : diff.removed;
  for (const [key, m] of managers) {
    if (key === self) continue;
    const lost = m.set.intersection(changed);
    const gone = removed === undefined ? undefined : m.set.intersection(removed);
    if (lost.isEmpty() && (gone === undefined || gone.isEmpty())) continue;
    m.set = m.set.difference(lost).difference(gone);
    m.entry = undefined;
    if (m.set.isEmpty()) managers.delete(key);
  }
  return conflicts;
}

/** Folds the oldest `Update` managers into `ancient-changes` beyond 10, as Kubernetes caps them. */
function capManagers(managers: Map<string, Manager>, now: string): void {
  const updates = [...managers.entries()].filter(([, m]) => m.operation === 'Update');
  if (updates.length <= MAX_UPDATE_MANAGERS) return;
  updates.sort(([, a], [, b]) => cmp(a.time ?? '', b.time ?? ''));
  const ancientKey = keyOf({ manager: 'ancient-changes', operation: 'Update', subresource: '' });
  const excess = updates.length - MAX_UPDATE_MANAGERS + (managers.has(ancientKey) ? 0 : 1);
  const ancient = managers.get(ancientKey) ?? {
    manager: 'ancient-changes',
    operation: 'Update' as const,
    subresource: '',
    apiVersion: updates[0]?.[1].apiVersion ?? '',
    time: now,
    set: new FieldSet(),
  };
  let folded = 0;
  for (const [key, m] of updates) {
    if (folded >= excess) break;
    if (key === ancientKey) continue;
    ancient.set = ancient.set.union(m.set);
    ancient.entry = undefined;
    managers.delete(key);
    folded++;
  }
  managers.set(ancientKey, ancient);
}

/** Kubernetes' decoder drops `null` fields of typed objects; so does apply. */
function dropNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (!isObject(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = dropNulls(x);
  return out;
}

function withManagedFields(obj: Obj, managers: Map<string, Manager>): Obj {
  const meta = isObject(obj.metadata) ? obj.metadata : {};
  const entries = encodeManagedFields(managers.values());
  const metadata: Obj = {};
  for (const k in meta) if (k !== 'managedFields') metadata[k] = meta[k];
  if (entries.length > 0) metadata.managedFields = entries;
  return { ...obj, metadata };
}

function managedFieldsOf(obj: Obj | undefined): unknown {
  return isObject(obj?.metadata) ? obj.metadata.managedFields : undefined;
}

// -------------------------------------------------------------------------------------------------
// Apply

export interface ApplyResult {
  /** The new object, with `metadata.managedFields`. */
  readonly object: Obj;
  /** False when nothing (object or ownership) changed: the caller need not write. */
  readonly changed: boolean;
}

/**
 * Applies `config` (already typed, named and validated for unknown fields) for `options.manager` to
 * `live` (undefined: create). Throws the 409 Conflict of Kubernetes on conflicts without `force`.
 * `allowedConflicts`, when given, are fields the applier may take without `force` (the
 * client-side-apply upgrade path of the `kubectl` manager).
 */
export function serverSideApply(
  live: Obj | undefined,
  config: Obj,
  options: ApplyOptions & {
    readonly allowedConflicts?: FieldSet;
    /**
     * Rewrite an existing `kubectl.kubernetes.io/last-applied-configuration` annotation to this
     * configuration (Kubernetes does it for the `kubectl` manager, so that going back to client-side
     * apply diffs against what was applied last). The change is not attributed to any manager.
     */
    readonly syncLastApplied?: boolean;
  },
): ApplyResult {
  const sub = options.subresource ?? '';
  const apiVersion = String(config.apiVersion ?? live?.apiVersion ?? '');
  const managers = decodeManagedFields(managedFieldsOf(live));
  let base: Obj = live ?? {};
  if (live !== undefined && managers.size === 0) {
    // Kubernetes gives every field of an untracked object to `before-first-apply` first.
    const set = compare({}, ownedView(live, sub)).added;
    if (!set.isEmpty()) {
      const m: Manager = {
        manager: 'before-first-apply',
        operation: 'Update',
        subresource: sub,
        apiVersion,
        time: options.now,
        set,
      };
      managers.set(keyOf(m), m);
    }
  }
  const configView = dropNulls(ownedView(config, sub)) as Obj;
  const self = keyOf({ manager: options.manager, operation: 'Apply', subresource: sub });
  const previous = managers.get(self);
  const newSet = fieldSetOf(configView);

  // Merge the owned part of the config into the live object (type and name come from the config).
  let merged = mergeMaps(ownedView(base, sub), configView, undefined, '');
  if (previous !== undefined) {
    const keep = new FieldSet();
    keep.addAll(newSet);
    for (const [key, m] of managers) if (key !== self) keep.addAll(m.set);
    merged = prune(merged, previous.set.difference(newSet), keep, undefined, '');
  }
  const diff = compare(ownedView(base, sub), merged);
  const me: Manager = {
    manager: options.manager,
    operation: 'Apply',
    subresource: sub,
    apiVersion,
    time: previous?.time,
    set: newSet,
  };
  managers.set(self, me);
  const conflicts = settle(managers, self, diff, options.force);
  if (conflicts.length > 0 && !options.force) {
    const allowed = options.allowedConflicts;
    const blocking = allowed ? conflicts.filter((c) => !allowed.has(c.path)) : conflicts;
    if (blocking.length > 0) throw conflictError(blocking);
    settle(managers, self, diff, true);
  }
  const changed = !isSame(diff) || previous === undefined || !previous.set.equals(newSet);
  me.time = changed ? options.now : previous?.time;
  if (!changed && previous?.entry !== undefined) me.entry = previous.entry;
  capManagers(managers, options.now);

  // Created from the config: its type and name (system fields the owned view leaves out) stay.
  base = live ?? { ...config, metadata: isObject(config.metadata) ? config.metadata : {}, status: undefined };
  let result = restore(base, merged, sub);
  let annotated = false;
  if (options.syncLastApplied && live !== undefined) {
    const synced = syncLastApplied(result, config);
    annotated = synced !== result;
    result = synced;
  }
  return { object: withManagedFields(result, managers), changed: changed || annotated };
}

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** `obj` with its last-applied annotation (if it has one) set to `config` as Kubernetes encodes it. */
function syncLastApplied(obj: Obj, config: Obj): Obj {
  const meta = isObject(obj.metadata) ? obj.metadata : {};
  const annotations = isObject(meta.annotations) ? meta.annotations : undefined;
  const current = annotations?.[LAST_APPLIED];
  if (typeof current !== 'string' || current === '') return obj;
  const configMeta = isObject(config.metadata) ? config.metadata : {};
  let applied: Obj = config;
  if (isObject(configMeta.annotations)) {
    const { [LAST_APPLIED]: _self, ...rest } = configMeta.annotations;
    applied = { ...config, metadata: { ...configMeta, annotations: rest } };
  }
  // Go encodes the unstructured object with sorted keys, and a newline.
  const value = `${JSON.stringify(sortKeys(applied))}\n`;
  if (value === current) return obj;
  return { ...obj, metadata: { ...meta, annotations: { ...annotations, [LAST_APPLIED]: value } } };
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isObject(v)) return v;
  const out: Obj = {};
  for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
  return out;
}

/** Puts the owned view back together with what it left out (type, system metadata, status). */
function restore(base: Obj, view: Obj, sub: string): Obj {
  if (sub === 'status') {
    const out: Obj = { ...base };
    if (view.status === undefined) delete out.status;
    else out.status = view.status;
    return out;
  }
  const out: Obj = {};
  for (const k of ['apiVersion', 'kind']) if (base[k] !== undefined) out[k] = base[k];
  const baseMeta = isObject(base.metadata) ? base.metadata : {};
  const meta: Obj = {};
  for (const [k, v] of Object.entries(baseMeta)) if (SYSTEM_METADATA.has(k)) meta[k] = v;
  if (isObject(view.metadata)) Object.assign(meta, view.metadata);
  out.metadata = meta;
  for (const [k, v] of Object.entries(view)) if (k !== 'metadata') out[k] = v;
  if (base.status !== undefined) out.status = base.status;
  return out;
}

// -------------------------------------------------------------------------------------------------
// Update

/**
 * The managedFields of a non-apply write of `next` over `live` (undefined: create) by
 * `options.manager`. Returns `next` with `metadata.managedFields` set; `next` itself when the write
 * is not tracked. `next` should be defaulted as the store will store it, so that the manager owns
 * the defaults it caused, as in Kubernetes.
 */
export function trackUpdate<T extends Obj>(live: Obj | undefined, next: T, options: FieldManagerOptions): T {
  const sub = options.subresource ?? '';
  const given = managedFieldsOf(next);
  let managers =
    Array.isArray(given) && given.length > 0 && !deepEqual(given, managedFieldsOf(live))
      ? decodeManagedFields(given)
      : undefined;
  if (managers === undefined || managers.size === 0) {
    managers = decodeManagedFields(managedFieldsOf(live));
    // Kubernetes starts tracking at create; an existing untracked object stays untracked.
    if (live !== undefined && managers.size === 0) return next;
  }
  const diff = compare(ownedView(live, sub), ownedView(next, sub));
  if (isSame(diff)) return withManagedFieldsIfDiffer(next, managers);
  const self = keyOf({ manager: options.manager, operation: 'Update', subresource: sub });
  settle(managers, self, diff, true);
  const prev = managers.get(self);
  const took = diff.modified.union(diff.added);
  // Keep the previous set itself when it does not change (its encoding is then reused).
  let set = prev?.set ?? new FieldSet();
  if (!diff.removed.isEmpty()) {
    const gone = set.intersection(diff.removed);
    if (!gone.isBare()) set = set.difference(gone);
  }
  if (!took.difference(set).isBare()) set = set.union(took);
  managers.set(self, {
    manager: options.manager,
    operation: 'Update',
    subresource: sub,
    apiVersion: String(next.apiVersion ?? ''),
    time: took.isEmpty() ? prev?.time : options.now,
    set,
  });
  if (set.isEmpty()) managers.delete(self);
  capManagers(managers, options.now);
  return withManagedFields(next, managers) as T;
}

function withManagedFieldsIfDiffer<T extends Obj>(next: T, managers: Map<string, Manager>): T {
  const entries = encodeManagedFields(managers.values());
  if (deepEqual(entries, managedFieldsOf(next) ?? [])) return next;
  return withManagedFields(next, managers) as T;
}

/**
 * Fields of the `kubectl.kubernetes.io/last-applied-configuration` annotation whose live values
 * still equal it: Kubernetes lets the `kubectl` applier take these without `force`, so that objects
 * managed by client-side apply move to server-side apply without conflicts.
 */
export function lastAppliedAllowance(live: Obj): FieldSet | undefined {
  const meta = isObject(live.metadata) ? live.metadata : {};
  const annotations = isObject(meta.annotations) ? meta.annotations : {};
  const text = annotations['kubectl.kubernetes.io/last-applied-configuration'];
  if (typeof text !== 'string' || text === '') return undefined;
  let last: unknown;
  try {
    last = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isObject(last)) return undefined;
  try {
    const view = ownedView(last);
    return fieldSetOf(view).difference(compare(view, ownedView(live)).modified);
  } catch {
    return undefined;
  }
}
