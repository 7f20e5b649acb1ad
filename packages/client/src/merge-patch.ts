/**
 * JSON merge patch (RFC 7386), the `application/merge-patch+json` of `kubectl patch --type merge`.
 *
 * - A patch that is not an object replaces the target entirely.
 * - Object members merge recursively; a `null` member removes the field; arrays replace wholesale.
 * - Neither input is modified; unchanged subtrees of `target` are shared with the result.
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(patch)) return patch;
  const base: Record<string, unknown> = isPlainObject(target) ? target : {};
  const out: Record<string, unknown> = { ...base };
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === null) {
      delete out[key];
    } else if (isPlainObject(value)) {
      setOwn(out, key, applyMergePatch(base[key], value));
    } else {
      setOwn(out, key, value);
    }
  }
  return out;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Assigns as an own data property, so a `__proto__` member is kept as data and never changes the prototype. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
