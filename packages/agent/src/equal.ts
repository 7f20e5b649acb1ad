import { jsonEqual } from '@flotilla/api';

/** Structural equality of JSON values; `undefined` properties count as absent. */
export const deepEqual = jsonEqual;

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
