/**
 * Turns zod issues into Kubernetes field errors, and walks schemas the way Kubernetes' decoder walks
 * Go structs.
 *
 * - Paths read as apimachinery's `field.Path`: `spec.template.spec.containers[0].image` for fields
 *   and list items, `metadata.labels[app]` for map keys.
 * - An unknown field becomes `UnknownField` (`unknown field "spec.replica"`, as kubectl's strict
 *   validation says); a missing required field `Required`; a value of the wrong JSON type
 *   `TypeInvalid`; anything else (a bad quantity, time or base64 string) `Invalid` with the rule.
 */
import type { z } from 'zod';
import type { FieldError } from '../field-errors.js';

type PathKey = PropertyKey;

/** The parts of zod's internal definition this module reads. */
interface Def {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly innerType?: z.ZodType;
  readonly element?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly format?: string;
  readonly options?: readonly z.ZodType[];
}

function defOf(schema: z.ZodType | undefined): Def | undefined {
  return (schema as unknown as { _zod?: { def?: Def } } | undefined)?._zod?.def;
}

/** Strips `optional` and `default` wrappers. */
function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let current = schema;
  for (
    let def = defOf(current);
    def && (def.type === 'optional' || def.type === 'default');
    def = defOf(current)
  ) {
    current = def.innerType;
  }
  return current;
}

/** The schema one path step below `schema`, and whether that step is a map key. */
function step(
  schema: z.ZodType | undefined,
  key: PathKey,
): { schema: z.ZodType | undefined; mapKey: boolean } {
  const def = defOf(unwrap(schema));
  if (!def) return { schema: undefined, mapKey: false };
  if (def.type === 'object' && typeof key === 'string') return { schema: def.shape?.[key], mapKey: false };
  if (def.type === 'array') return { schema: def.element, mapKey: false };
  if (def.type === 'record') return { schema: def.valueType, mapKey: true };
  return { schema: undefined, mapKey: false };
}

function schemaAt(schema: z.ZodType | undefined, path: readonly PathKey[]): z.ZodType | undefined {
  let current = schema;
  for (const key of path) current = step(current, key).schema;
  return current;
}

/** The JSON type a schema expects, in Kubernetes' words (`integer` for int32/int64 fields). */
function expectedType(zodExpected: string, schema: z.ZodType | undefined): string {
  const def = defOf(unwrap(schema));
  if (def?.type === 'number' && def.format !== undefined && /int/.test(def.format)) return 'integer';
  return JSON_TYPE[zodExpected] ?? zodExpected;
}

/**
 * Renders a zod path as a Kubernetes field path. With the schema, map keys are told apart from
 * fields (`metadata.labels[app]`); without it, every string key reads as a field.
 */
export function formatFieldPath(path: readonly PathKey[], schema?: z.ZodType, prefix = ''): string {
  let out = prefix;
  let current = schema;
  for (const key of path) {
    const next = step(current, key);
    if (typeof key === 'number') out = `${out}[${key}]`;
    else if (next.mapKey) out = `${out}[${String(key)}]`;
    else out = out ? `${out}.${String(key)}` : String(key);
    current = next.schema;
  }
  return out;
}

/**
 * Removes `null` fields from objects the schema describes, as Go's JSON decoder does (`null` leaves a
 * field at its zero value, so `creationTimestamp: null` from `kubectl create --dry-run -o yaml` is
 * accepted). Raw JSON fields (`RawExtension`) keep their nulls. Returns a new value; never mutates.
 */
export function dropNullFields(schema: z.ZodType, value: unknown): unknown {
  const def = defOf(unwrap(schema));
  if (!def || value === null || typeof value !== 'object') return value;
  if (def.type === 'array' && Array.isArray(value) && def.element) {
    const element = def.element;
    return value.map((item) => dropNullFields(element, item));
  }
  if (Array.isArray(value)) return value;
  if (def.type === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      if (field === null) continue;
      const fieldSchema = def.shape?.[key];
      out[key] = fieldSchema ? dropNullFields(fieldSchema, field) : field;
    }
    return out;
  }
  if (def.type === 'record' && def.valueType) {
    const valueType = def.valueType;
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) out[key] = dropNullFields(valueType, field);
    return out;
  }
  return value;
}

const JSON_TYPE: Record<string, string> = {
  int: 'integer',
  number: 'number',
  string: 'string',
  boolean: 'boolean',
  array: 'array',
  object: 'object',
  record: 'object',
  literal: 'string',
};

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

const MISSING = Symbol('missing');

function valueAt(root: unknown, path: readonly PathKey[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return MISSING;
    if (!Object.hasOwn(current, key)) return MISSING;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** Options for `schemaErrorsToFieldErrors`. */
export interface SchemaErrorOptions {
  /** The value that was parsed: gives each error its value and tells missing fields apart. */
  readonly input?: unknown;
  /** The schema that was used: tells map keys (`labels[app]`) apart from fields. */
  readonly schema?: z.ZodType;
  /** A path to put in front of every field (`items[2]` for an item of a List). */
  readonly prefix?: string;
}

/**
 * Converts a zod error from one of the generated schemas into field errors, one per problem, in
 * the order zod found them. Union failures (IntOrString, quantities) are reported once for the
 * field, not once per alternative.
 */
export function schemaErrorsToFieldErrors(error: z.ZodError, options: SchemaErrorOptions = {}): FieldError[] {
  const { schema, prefix = '' } = options;
  const hasInput = Object.hasOwn(options, 'input');
  const errors: FieldError[] = [];
  for (const issue of error.issues) {
    const path = issue.path as PathKey[];
    const field = formatFieldPath(path, schema, prefix);
    const found = hasInput ? valueAt(options.input, path) : (issue as { input?: unknown }).input;
    const value = found === MISSING ? undefined : found;
    const missing = found === MISSING || (!hasInput && found === undefined);
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          errors.push({
            field: formatFieldPath([...path, key], schema, prefix),
            type: 'UnknownField',
            detail: '',
          });
        }
        break;
      case 'invalid_type': {
        const expected = expectedType(issue.expected, schemaAt(schema, path));
        if (missing || value === null) {
          errors.push({ field, type: 'Required', detail: '' });
        } else {
          errors.push({
            field,
            type: 'TypeInvalid',
            value,
            detail: `must be of type ${expected}, got ${jsonType(value)}`,
          });
        }
        break;
      }
      case 'invalid_union': {
        const options = defOf(unwrap(schemaAt(schema, path)))?.options;
        const fromSchema = options?.map((o) => expectedType(defOf(unwrap(o))?.type ?? '', o));
        const expected = fromSchema ?? [
          ...new Set(
            issue.errors.flatMap((alternative) =>
              alternative
                .filter((i) => i.code === 'invalid_type' && i.path.length === 0)
                .map((i) => (i.code === 'invalid_type' ? (JSON_TYPE[i.expected] ?? i.expected) : '')),
            ),
          ),
        ];
        if (missing) errors.push({ field, type: 'Required', detail: '' });
        else
          errors.push({
            field,
            type: 'TypeInvalid',
            value,
            detail: `must be of type ${expected.join(' or ') || 'a supported type'}, got ${jsonType(value)}`,
          });
        break;
      }
      case 'invalid_value':
        if (missing) {
          errors.push({ field, type: 'Required', detail: '' });
          break;
        }
        errors.push({
          field,
          type: 'NotSupported',
          value,
          detail: `supported values: ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`,
        });
        break;
      case 'too_big':
      case 'too_small':
        errors.push({ field, type: 'Invalid', value, detail: rangeDetail(issue) });
        break;
      default:
        errors.push({ field, type: 'Invalid', value, detail: issue.message });
    }
  }
  return errors;
}

function rangeDetail(issue: z.core.$ZodIssueTooBig | z.core.$ZodIssueTooSmall): string {
  if (issue.code === 'too_big') {
    return `must be less than ${issue.inclusive ? 'or equal to ' : ''}${String(issue.maximum)}`;
  }
  return `must be greater than ${issue.inclusive ? 'or equal to ' : ''}${String(issue.minimum)}`;
}
