/**
 * `fieldValidation` for writes: unknown fields are a 400 under `Strict`, dropped with a `Warning`
 * header under `Warn` (the default, as in Kubernetes 1.27+), silently dropped under `Ignore`.
 */
import { ApiError, applyDefaults, validate } from '@flotilla/api';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export function parseFieldValidation(value: string | null): FieldValidation {
  if (value === null || value === '') return 'Warn';
  if (value === 'Strict' || value === 'Warn' || value === 'Ignore') return value;
  throw ApiError.badRequest(
    `fieldValidation: Unsupported value: "${value}": supported values: "Ignore", "Strict", "Warn"`,
  );
}

/** `spec.template.spec.containers[0].foo` → `['spec','template','spec','containers',0,'foo']`. */
function pathTokens(field: string): (string | number)[] {
  const out: (string | number)[] = [];
  for (const m of field.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
  }
  return out;
}

function without(value: unknown, tokens: readonly (string | number)[]): unknown {
  if (tokens.length === 0 || typeof value !== 'object' || value === null) return value;
  const [head, ...tail] = tokens;
  if (Array.isArray(value)) {
    if (typeof head !== 'number' || head >= value.length) return value;
    const copy = [...value];
    copy[head] = without(copy[head], tail);
    return copy;
  }
  const obj = value as Record<string, unknown>;
  if (typeof head !== 'string' || !Object.hasOwn(obj, head)) return value;
  const copy: Record<string, unknown> = { ...obj };
  if (tail.length === 0) delete copy[head];
  else copy[head] = without(copy[head], tail);
  return copy;
}

/**
 * Checks `obj` for unknown fields under `mode`; returns the object to write (unknown fields removed
 * unless Strict) and the warnings to send.
 */
export function checkUnknownFields<T>(obj: T, mode: FieldValidation): { object: T; warnings: string[] } {
  let errors: ReturnType<typeof validate>;
  try {
    errors = validate(applyDefaults(obj));
  } catch {
    return { object: obj, warnings: [] };
  }
  const unknown = errors.filter((e) => e.type === 'UnknownField').map((e) => e.field);
  if (unknown.length === 0) return { object: obj, warnings: [] };
  if (mode === 'Strict') {
    throw ApiError.badRequest(
      `strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`,
    );
  }
  let object: unknown = obj;
  for (const f of unknown) object = without(object, pathTokens(f));
  return { object: object as T, warnings: mode === 'Warn' ? unknown.map((f) => `unknown field "${f}"`) : [] };
}
