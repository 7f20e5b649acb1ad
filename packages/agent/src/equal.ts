/** Structural equality of JSON values; `undefined` properties count as absent. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  let count = 0;
  for (const key in ra) {
    if (ra[key] === undefined) continue;
    count++;
    if (!deepEqual(ra[key], rb[key])) return false;
  }
  for (const key in rb) if (rb[key] !== undefined) count--;
  return count === 0;
}

/**
 * `deepEqual(a, b)` with the keys `ignore` says yes to left out of both (as if `undefined`), without
 * building the copies that leave them out: the agent compares every pod event this way.
 */
export function deepEqualIgnoring(x: object, y: object, ignore: (key: string) => boolean): boolean {
  const a = x as Readonly<Record<string, unknown>>;
  const b = y as Readonly<Record<string, unknown>>;
  let count = 0;
  for (const key in a) {
    if (a[key] === undefined || ignore(key)) continue;
    count++;
    if (!deepEqual(a[key], b[key])) return false;
  }
  for (const key in b) if (b[key] !== undefined && !ignore(key)) count--;
  return count === 0;
}
