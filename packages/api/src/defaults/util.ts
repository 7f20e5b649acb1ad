/** Helpers for defaulting plain JSON objects in place (on a private clone). */

export type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The object at `parent[key]`, created (as `{}`) when absent; `undefined` when it is not an object. */
export function child(parent: Obj, key: string): Obj | undefined {
  const v = parent[key];
  if (v === undefined || v === null) {
    const created: Obj = {};
    parent[key] = created;
    return created;
  }
  return isObj(v) ? v : undefined;
}

/** The object at `parent[key]` when present. */
export function existing(parent: Obj | undefined, key: string): Obj | undefined {
  const v = parent?.[key];
  return isObj(v) ? v : undefined;
}

/** Each object element of the array at `parent[key]`. */
export function items(parent: Obj | undefined, key: string): Obj[] {
  const v = parent?.[key];
  return Array.isArray(v) ? v.filter(isObj) : [];
}

/** Sets `obj[key]` when it is absent (`undefined`/`null`), or also when empty (`""`/`0`) as Go's zero values are. */
export function setDefault(obj: Obj, key: string, value: unknown, zeroIsUnset = false): void {
  const v = obj[key];
  if (v === undefined || v === null || (zeroIsUnset && (v === '' || v === 0))) obj[key] = value;
}
