/**
 * Deep freezing and structural equality for JSON-shaped values (plain objects, arrays, primitives).
 * The store freezes every object once, when it enters the cache, and hands out that same object.
 */
import { jsonEqual } from '@flotilla/api';

/** Freezes `value` and everything reachable from it; returns it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    for (const item of value) deepFreeze(item);
  } else {
    for (const key in value) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return Object.isFrozen(value) ? value : Object.freeze(value);
}

/** Structural equality of JSON values; `undefined` properties count as absent (`jsonEqual` of @flotilla/api). */
export const deepEqual = jsonEqual;
