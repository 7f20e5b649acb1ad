/**
 * Field sets for server-side apply: which fields of an object a manager owns, in Kubernetes'
 * structured-merge-diff vocabulary, serialized as `fieldsV1`.
 *
 * - A path is a list of elements: `f:<field>` (a map or struct field), `k:{"name":"web"}` (the item
 *   of an associative list with that key, key fields sorted by name), `v:"a"` (an element of a set
 *   list). A set marks paths as *members*; `{}` in `fieldsV1` is a member leaf, `".": {}` marks a
 *   member that also has members below it.
 * - Which lists are associative, which are sets and which maps are atomic is Kubernetes' schema
 *   knowledge for the built-in kinds (the list-map keys of the strategic merge patch's merge keys,
 *   plus `protocol` for ports and `whenUnsatisfiable` for topology spread constraints). Every other
 *   list is atomic (owned and replaced as a whole); every other map merges per key.
 * - Pure: nothing here reads a clock or mutates its inputs.
 */
import { ApiError, jsonEqual } from '@flotilla/api';
import { MERGE_KEYS, SET_LISTS } from './strategic-merge.js';

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// -------------------------------------------------------------------------------------------------
// Schema knowledge

/** How a list field behaves under apply. */
export type ListType =
  | { readonly type: 'map'; readonly keys: readonly string[]; readonly defaults: Readonly<Obj> }
  | { readonly type: 'set' }
  | { readonly type: 'atomic' };

const ATOMIC: ListType = { type: 'atomic' };
const SET: ListType = { type: 'set' };
const CONTAINER_LISTS = new Set(['containers', 'initContainers', 'ephemeralContainers']);
/** Kubernetes' `x-kubernetes-list-map-keys` beyond the strategic merge key. */
const EXTRA_KEYS: Record<string, { keys: readonly string[]; defaults: Obj }> = {
  ports: { keys: ['protocol'], defaults: { protocol: 'TCP' } },
  topologySpreadConstraints: { keys: ['whenUnsatisfiable'], defaults: {} },
};
/** Maps and structs Kubernetes marks atomic (`LabelSelector`, `NodeSelector`, `mapType=atomic`). */
const ATOMIC_MAPS = new Set([
  'selector',
  'nodeSelector',
  'labelSelector',
  'namespaceSelector',
  'podSelector',
]);

/**
 * The list type of `field`; `inList` is the list field whose item holds it, `where` the list's path
 * (`.spec.ports`). Container `ports` key on `containerPort`, a Service's `.spec.ports` on `port`; other
 * `ports` lists (EndpointSlice, …) are atomic.
 */
export function listTypeOf(field: string, inList: string | undefined, where: () => string): ListType {
  if (SET_LISTS.has(field)) return SET;
  const mergeKeys = MERGE_KEYS[field];
  if (mergeKeys === undefined) return ATOMIC;
  let key = mergeKeys[0] as string;
  if (field === 'ports') {
    if (inList !== undefined && CONTAINER_LISTS.has(inList)) key = 'containerPort';
    else if (inList === undefined && where() === '.spec.ports') key = 'port';
    else return ATOMIC;
  }
  const extra = EXTRA_KEYS[field];
  return {
    type: 'map',
    keys: [key, ...(extra?.keys ?? [])].sort(),
    defaults: extra?.defaults ?? {},
  };
}

/**
 * Whether every item of `list` is a map carrying its key fields (or their defaults). Lists that are
 * not are handled as atomic where a live or written object is compared (the write then fails, or
 * not, on validation as before); an applied configuration's lists must be (`itemKey` says why).
 */
export function isKeyable(
  list: readonly unknown[],
  lt: { keys: readonly string[]; defaults: Readonly<Obj> },
): boolean {
  for (const item of list) {
    if (!isObject(item)) return false;
    for (const k of lt.keys) {
      const v = item[k] ?? lt.defaults[k];
      if (v === undefined || v === null) return false;
    }
  }
  return true;
}

export function isAtomicMap(field: string): boolean {
  return ATOMIC_MAPS.has(field);
}

// -------------------------------------------------------------------------------------------------
// Paths

/** The `k:` element of an associative-list item (BadRequest when a key field is missing). */
export function itemKey(
  item: unknown,
  lt: { keys: readonly string[]; defaults: Readonly<Obj> },
  where: string,
  index: number,
): string {
  if (!isObject(item)) {
    throw ApiError.badRequest(
      `${where}: element ${index}: associative list with keys has an element that is not a map`,
    );
  }
  const key: Obj = {};
  for (const k of lt.keys) {
    const v = item[k] ?? lt.defaults[k];
    if (v === undefined || v === null) {
      throw ApiError.badRequest(
        `${where}: element ${index}: associative list with keys has an element that omits key field "${k}" (and doesn't have default value)`,
      );
    }
    key[k] = v;
  }
  return `k:${JSON.stringify(key)}`;
}

export function valueKey(v: unknown): string {
  return `v:${JSON.stringify(v)}`;
}

/** `['f:spec','f:template',…,'k:{"name":"web"}','f:image']` → `.spec.template…[name="web"].image`. */
export function pathString(path: readonly string[]): string {
  let out = '';
  for (const el of path) {
    const body = el.slice(2);
    if (el.startsWith('f:')) out += `.${body}`;
    else if (el.startsWith('k:')) {
      const key = JSON.parse(body) as Obj;
      out += `[${Object.keys(key)
        .sort()
        .map((k) => `${k}=${JSON.stringify(key[k])}`)
        .join(',')}]`;
    } else if (el.startsWith('v:')) out += `[=${body}]`;
    else out += `[${body}]`;
  }
  return out;
}

// -------------------------------------------------------------------------------------------------
// The set

/** A set of field paths, as a trie. Mutable while being built; treat as a value afterwards. */
export class FieldSet {
  member = false;
  children: Map<string, FieldSet> | undefined;

  child(el: string): FieldSet {
    this.children ??= new Map();
    let c = this.children.get(el);
    if (c === undefined) {
      c = new FieldSet();
      this.children.set(el, c);
    }
    return c;
  }

  insert(path: readonly string[]): void {
    let node: FieldSet = this;
    for (const el of path) node = node.child(el);
    node.member = true;
  }

  /** The node at `path`, if any. */
  at(path: readonly string[]): FieldSet | undefined {
    let node: FieldSet | undefined = this;
    for (const el of path) {
      node = node.children?.get(el);
      if (node === undefined) return undefined;
    }
    return node;
  }

  has(path: readonly string[]): boolean {
    return this.at(path)?.member === true;
  }

  isEmpty(): boolean {
    if (this.member) return false;
    if (this.children === undefined) return true;
    for (const c of this.children.values()) if (!c.isEmpty()) return false;
    return true;
  }

  /** Every member path, depth first, children in sorted order (as `fieldsV1` lists them). */
  paths(prefix: string[] = [], out: string[][] = []): string[][] {
    if (this.member && prefix.length > 0) out.push([...prefix]);
    if (this.children !== undefined) {
      for (const el of [...this.children.keys()].sort()) {
        const c = this.children.get(el) as FieldSet;
        prefix.push(el);
        c.paths(prefix, out);
        prefix.pop();
      }
    }
    return out;
  }

  /** A new set; subtrees only one side has are shared, not copied (sets are values once built). */
  union(other: FieldSet): FieldSet {
    if (other.isBare()) return this;
    if (this.isBare()) return other;
    const out = new FieldSet();
    out.member = this.member || other.member;
    if (this.children !== undefined || other.children !== undefined) {
      out.children = new Map(this.children);
      if (other.children !== undefined) {
        for (const [el, c] of other.children) {
          const mine = out.children.get(el);
          out.children.set(el, mine === undefined ? c : mine.union(c));
        }
      }
    }
    return out;
  }

  /** Adds every member of `other` to this set (in place). */
  addAll(other: FieldSet): void {
    if (other.member) this.member = true;
    if (other.children === undefined) return;
    for (const [el, c] of other.children) this.child(el).addAll(c);
  }

  difference(other: FieldSet | undefined): FieldSet {
    // Nothing to take away: share this set (sets are not changed in place once built).
    if (other === undefined || (!other.member && other.children === undefined)) return this;
    const out = new FieldSet();
    out.member = this.member && !other.member;
    if (this.children !== undefined) {
      for (const [el, c] of this.children) {
        const d = c.difference(other.children?.get(el));
        if (!d.isBare()) {
          out.children ??= new Map();
          out.children.set(el, d);
        }
      }
    }
    return out;
  }

  intersection(other: FieldSet | undefined): FieldSet {
    const out = new FieldSet();
    if (other === undefined) return out;
    out.member = this.member && other.member;
    if (this.children !== undefined && other.children !== undefined) {
      for (const [el, c] of this.children) {
        const o = other.children.get(el);
        if (o === undefined) continue;
        const i = c.intersection(o);
        if (!i.isBare()) {
          out.children ??= new Map();
          out.children.set(el, i);
        }
      }
    }
    return out;
  }

  /** Empty at this node: no member, no children (results of set operations keep no empty children). */
  isBare(): boolean {
    return !this.member && (this.children === undefined || this.children.size === 0);
  }

  equals(other: FieldSet): boolean {
    return this.difference(other).isEmpty() && other.difference(this).isEmpty();
  }

  /** Kubernetes' `fieldsV1` JSON (keys sorted, `"."` first). */
  toFieldsV1(): Obj {
    const out: Obj = {};
    if (this.children === undefined) return out;
    const els = [...this.children.keys()].sort();
    const encoded: [string, Obj][] = [];
    for (const el of els) {
      const c = this.children.get(el) as FieldSet;
      const v = c.toFieldsV1();
      // A child with nothing below it counts only as a member.
      if (!c.member && Object.keys(v).length === 0) continue;
      encoded.push([el, v]);
    }
    if (encoded.length > 0 && this.member) out['.'] = {};
    for (const [el, v] of encoded) out[el] = v;
    return out;
  }

  static fromFieldsV1(value: unknown): FieldSet {
    const set = new FieldSet();
    if (isObject(value)) readFieldsV1(set, value);
    return set;
  }
}

function readFieldsV1(node: FieldSet, value: Obj): void {
  for (const [el, v] of Object.entries(value)) {
    if (el === '.') {
      node.member = true;
      continue;
    }
    const c = node.child(el);
    if (isObject(v) && Object.keys(v).length > 0) readFieldsV1(c, v);
    else c.member = true;
  }
}

// -------------------------------------------------------------------------------------------------
// Walking objects

/** The field set of an (applied) object: leaves, atomic values, list items, empty maps. */
export function fieldSetOf(value: unknown): FieldSet {
  const set = new FieldSet();
  if (isObject(value)) addMap(set, value, '', undefined, false);
  return set;
}

/**
 * `where` is the display path of `value`, for error messages. `whole`: maps and lists are members
 * too (an added or removed subtree, as Kubernetes records them for updates).
 */
function addMap(node: FieldSet, value: Obj, where: string, inList: string | undefined, whole: boolean): void {
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined || v === null) continue;
    addValue(node.child(`f:${k}`), k, v, `${where}.${k}`, inList, whole);
  }
}

function addValue(
  node: FieldSet,
  field: string,
  v: unknown,
  where: string,
  inList: string | undefined,
  whole: boolean,
): void {
  if (isObject(v)) {
    if (isAtomicMap(field) || Object.keys(v).length === 0 || whole) node.member = true;
    if (!isAtomicMap(field)) addMap(node, v, where, inList, whole);
    return;
  }
  if (Array.isArray(v)) {
    const lt = listTypeOf(field, inList, () => where);
    if (v.length === 0 || lt.type === 'atomic' || whole) node.member = true;
    if (v.length === 0 || lt.type === 'atomic') return;
    if (whole && lt.type === 'map' && !isKeyable(v, lt)) return;
    if (lt.type === 'set') {
      for (const e of v) node.child(valueKey(e)).member = true;
      return;
    }
    v.forEach((item, i) => {
      const c = node.child(itemKey(item, lt, where, i));
      c.member = true;
      addMap(c, item as Obj, `${where}[${i}]`, field, whole);
    });
    return;
  }
  node.member = true;
}

/** Top-level fields every object of a kind has (Go structs): never members themselves. */
const ALWAYS_PRESENT = new Set(['f:metadata', 'f:spec']);

/** Inserts `path` and, below it, every path of `value` (an added or removed subtree). */
function addSubtree(
  set: FieldSet,
  path: readonly string[],
  field: string,
  value: unknown,
  inList: string | undefined,
): void {
  let node: FieldSet = set;
  for (const el of path) node = node.child(el);
  addValue(node, field, value, pathString(path), inList, true);
  node.member = !(path.length === 1 && ALWAYS_PRESENT.has(path[0] as string)) || node.isEmpty();
}

export interface Comparison {
  readonly added: FieldSet;
  readonly modified: FieldSet;
  readonly removed: FieldSet;
}

export function isSame(c: Comparison): boolean {
  return c.added.isEmpty() && c.modified.isEmpty() && c.removed.isEmpty();
}

/** What changed from `a` to `b`, as field sets (both are top-level objects, already scoped). */
export function compare(a: Obj, b: Obj): Comparison {
  const out = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  compareMaps(out, [], a, b, undefined);
  return out;
}

function compareMaps(out: Comparison, path: string[], a: Obj, b: Obj, inList: string | undefined): void {
  for (const k of Object.keys(a)) {
    const av = a[k];
    if (av === undefined || av === null) continue;
    const bv = b[k];
    path.push(`f:${k}`);
    if (bv === undefined || bv === null) addSubtree(out.removed, path, k, av, inList);
    else compareValues(out, path, k, av, bv, inList);
    path.pop();
  }
  for (const k of Object.keys(b)) {
    const bv = b[k];
    if (bv === undefined || bv === null) continue;
    const av = a[k];
    if (av !== undefined && av !== null) continue;
    path.push(`f:${k}`);
    addSubtree(out.added, path, k, bv, inList);
    path.pop();
  }
}

function compareValues(
  out: Comparison,
  path: string[],
  field: string,
  a: unknown,
  b: unknown,
  inList: string | undefined,
): void {
  if (a === b) return;
  if (isObject(a) && isObject(b) && !isAtomicMap(field)) {
    compareMaps(out, path, a, b, inList);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const lt = listTypeOf(field, inList, () => pathString(path));
    if (lt.type === 'set') {
      const as = new Set(a.map(valueKey));
      const bs = new Set(b.map(valueKey));
      for (const e of as) if (!bs.has(e)) out.removed.insert([...path, e]);
      for (const e of bs) if (!as.has(e)) out.added.insert([...path, e]);
      return;
    }
    if (lt.type === 'map' && isKeyable(a, lt) && isKeyable(b, lt)) {
      const where = pathString(path);
      const am = indexItems(a, lt, where);
      const bm = indexItems(b, lt, where);
      for (const [key, av] of am) {
        const bv = bm.get(key);
        path.push(key);
        if (bv === undefined) addItem(out.removed, path, av, field);
        else compareMaps(out, path, av, bv, field);
        path.pop();
      }
      for (const [key, bv] of bm) {
        if (am.has(key)) continue;
        path.push(key);
        addItem(out.added, path, bv, field);
        path.pop();
      }
      return;
    }
  }
  if (!deepEqual(a, b)) out.modified.insert(path);
}

function addItem(set: FieldSet, path: readonly string[], item: Obj, list: string): void {
  set.insert(path);
  addMap(set.at(path) as FieldSet, item, pathString(path), list, true);
}

/** Items of an associative list by their `k:` element (the first of duplicates wins). */
export function indexItems(
  list: readonly unknown[],
  lt: { keys: readonly string[]; defaults: Readonly<Obj> },
  where: string,
): Map<string, Obj> {
  const out = new Map<string, Obj>();
  list.forEach((item, i) => {
    const key = itemKey(item, lt, where, i);
    if (!out.has(key)) out.set(key, item as Obj);
  });
  return out;
}

/** Structural equality of JSON values (`undefined` counts as absent). */
export const deepEqual = jsonEqual;
