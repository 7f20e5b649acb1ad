/**
 * `validate`, `validateUpdate` and `assertValid`: every problem of an object, as the Kubernetes API
 * server would report it on create or update.
 *
 * Guarantees:
 * - Never throws on bad input: anything (a number, `null`, a half-built object) yields field errors.
 * - Structural problems come first (the kind's zod schema: unknown fields, wrong JSON types, missing
 *   required fields), then semantic rules with Kubernetes' field paths, types and wording.
 * - Fields that defaulting fills may be absent: a manifest validates before or after `applyDefaults`.
 * - An unknown `apiVersion`/`kind` gives exactly one error, on `kind` or `apiVersion`.
 */
import { z } from 'zod';
import { ApiError } from './errors.js';
import { type FieldError, fieldErrors } from './field-errors.js';
import { isFrozenJson } from './frozen-json.js';
import { type KindInfo, type KubeObject, kinds, lookupKind } from './kinds.js';
import { type Conformance, compileConformance } from './schemas/fast-path.js';
import { dropNullFields, schemaErrorsToFieldErrors } from './schemas/schema-errors.js';
import { isRecord } from './validation/helpers.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './validation/meta.js';
import { type KindRules, rulesFor } from './validation/registry.js';

type Checked = { info: KindInfo; value: Record<string, unknown>; errors: FieldError[] };

function typeErrors(obj: unknown): FieldError[] | KindInfo {
  if (!isRecord(obj)) {
    const got = obj === null ? 'null' : Array.isArray(obj) ? 'array' : typeof obj;
    return [fieldErrors.typeInvalid('', obj, `must be of type object, got ${got}`)];
  }
  const info = lookupKind(obj);
  if (info) return info;
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || apiVersion === '') return [fieldErrors.required('apiVersion')];
  if (typeof kind !== 'string' || kind === '') return [fieldErrors.required('kind')];
  const inVersion = kinds.filter((k) => k.apiVersion === apiVersion).map((k) => k.kind);
  if (inVersion.length > 0) return [fieldErrors.notSupported('kind', kind, inVersion)];
  return [fieldErrors.notSupported('apiVersion', apiVersion, [...new Set(kinds.map((k) => k.apiVersion))])];
}

/** True when a `null` occurs anywhere (then nulls are dropped as Go's decoder does; rare, so checked first). */
function containsNull(value: unknown): boolean {
  if (value === null) return true;
  if (typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (const item of value) if (containsNull(item)) return true;
    return false;
  }
  for (const key in value) if (containsNull((value as Record<string, unknown>)[key])) return true;
  return false;
}

const covers = (outer: string, inner: string) =>
  inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`) || outer === '';

/**
 * Runs semantic rules. They assume the schema's shapes; on structurally broken input they may trip
 * over a wrong type, which the structural errors already report, so their result is dropped.
 */
function guarded(wellFormed: boolean, run: () => FieldError[]): FieldError[] {
  try {
    return run();
  } catch (error) {
    if (wellFormed) return [{ field: '', type: 'Internal', detail: `validation failed: ${String(error)}` }];
    return [];
  }
}

/** Per kind schema: its fast structural check (`null` when the schema has none), built on first use. */
const conformance = new WeakMap<object, Conformance | null>();

/**
 * True when the schema surely accepts `obj` as it is: no `null` to drop, zod would succeed and its
 * output equals `obj`. Lets a valid object skip `containsNull` and zod (the slow part); anything
 * else (or a throw, e.g. on absurdly deep JSON) takes the zod path, which produces the errors.
 */
function surelyConforms(schema: z.ZodType, obj: unknown): boolean {
  let fast = conformance.get(schema);
  if (fast === undefined) {
    fast = compileConformance(schema) ?? null;
    conformance.set(schema, fast);
  }
  return fast !== null && passes(fast, obj);
}

/** `fast(value)`, a throw (e.g. stack overflow on absurdly deep JSON) read as "not sure". */
function passes(fast: Conformance, value: unknown): boolean {
  try {
    return fast(value);
  } catch {
    return false;
  }
}

/**
 * The structural errors and the parsed value: zod's, unless the fast check vouches for the input.
 * `null`s are read as absent (what Go clients send for empty fields), as Kubernetes reads them.
 */
export function parse(
  schema: z.ZodType,
  obj: Record<string, unknown>,
): { ok: boolean; value: Record<string, unknown>; structural: FieldError[] } {
  // A `null` passes the fast check only inside raw JSON (`fieldsV1`), which `dropNullFields` keeps.
  if (surelyConforms(schema, obj)) return { ok: true, value: obj, structural: [] };
  const input = (containsNull(obj) ? dropNullFields(schema, obj) : obj) as Record<string, unknown>;
  const parsed = schema.safeParse(input);
  if (parsed.success)
    return { ok: true, value: parsed.data as unknown as Record<string, unknown>, structural: [] };
  return { ok: false, value: input, structural: schemaErrorsToFieldErrors(parsed.error, { input, schema }) };
}

function check(obj: unknown): Checked | FieldError[] {
  const typed = typeErrors(obj);
  if (Array.isArray(typed)) return typed;
  const info = typed;
  const rules = rulesFor(info.apiVersion, info.kind);
  const shared = checkWithSharedSpec(info, rules, obj as Record<string, unknown>);
  if (shared !== undefined) return shared;
  const { ok, value, structural } = parse(info.schema, obj as Record<string, unknown>);
  const semantic = [
    ...guarded(ok, () =>
      validateObjectMeta(value.metadata as never, { namespaced: info.namespaced, nameFn: rules.nameFn }),
    ),
    ...guarded(ok, () => (rules.validate ? rules.validate(value) : [])),
  ];
  if (structural.length === 0) return { info, value, errors: semantic };
  const extra = semantic.filter((e) => !structural.some((s) => covers(s.field, e.field)));
  return { info, value, errors: [...structural, ...extra] };
}

/** Shared frozen specs found valid, with the schema they were checked against. */
const validSharedSpecs = new WeakMap<object, KindInfo['schema']>();

/**
 * `check` of an object whose spec is a shared frozen spec (`isFrozenJson`) of a kind whose rules read
 * only the spec: the spec is checked once (structure and rules), then only the rest of each object.
 * `undefined` when that does not apply or anything is in doubt — the caller then checks it all, which
 * also produces the errors.
 */
function checkWithSharedSpec(
  info: KindInfo,
  rules: KindRules,
  obj: Record<string, unknown>,
): Checked | undefined {
  const spec = obj.spec;
  if (!rules.validateReadsOnlySpec || !isFrozenJson(spec)) return undefined;
  const rest = speclessConformance(info.schema, true);
  if (rest === null) return undefined;
  if (validSharedSpecs.get(spec as object) !== info.schema) {
    if (!specIsValid(info, rules, spec as object)) return undefined;
    validSharedSpecs.set(spec as object, info.schema);
  }
  const { spec: _, ...others } = obj;
  if (!passes(rest, others)) return undefined;
  const meta = obj.metadata as never;
  const errors = guarded(true, () =>
    validateObjectMeta(meta, { namespaced: info.namespaced, nameFn: rules.nameFn }),
  );
  return { info, value: obj, errors };
}

function specIsValid(info: KindInfo, rules: KindRules, spec: object): boolean {
  const specSchema = info.schema instanceof z.ZodObject ? info.schema.shape.spec : undefined;
  if (specSchema === undefined || !surelyConforms(specSchema as z.ZodType, spec)) return false;
  try {
    return rules.validate !== undefined && rules.validate({ spec }).length === 0;
  } catch {
    return false;
  }
}

/** Every problem of `obj` as a create would report it; `[]` when valid. */
export function validate(obj: unknown): FieldError[] {
  const result = check(obj);
  return Array.isArray(result) ? result : result.errors;
}

/**
 * Every problem of `next` replacing `prev`: the create rules for `next`, then immutable fields
 * (`metadata.name`/`namespace`/`uid`, workload selectors, Service `clusterIP`, Job template, Pod
 * spec except images, immutable ConfigMap/Secret data).
 */
export function validateUpdate(next: unknown, prev: unknown): FieldError[] {
  const result = check(next);
  if (Array.isArray(result)) return result;
  const errs = [...result.errors];
  if (!isRecord(prev)) return errs;
  if (prev.kind !== result.info.kind || prev.apiVersion !== result.info.apiVersion) {
    errs.push(fieldErrors.invalid('kind', result.info.kind, 'field is immutable'));
    return errs;
  }
  const prevValue = (containsNull(prev) ? dropNullFields(result.info.schema, prev) : prev) as Record<
    string,
    unknown
  >;
  errs.push(...validateObjectMetaUpdate(result.value.metadata as never, prevValue.metadata as never));
  const rules = rulesFor(result.info.apiVersion, result.info.kind);
  if (rules.validateUpdate) {
    try {
      errs.push(...rules.validateUpdate(result.value, prevValue));
    } catch {
      // A malformed old object has nothing to compare against.
    }
  }
  return errs;
}

/** Per kind schema: the fast structural check of everything but `spec` (`null`: none), built on first use. */
const specless = new WeakMap<object, Conformance | null>();
/** The same without `metadata` either: for a status write that carries the stored metadata over. */
const statusOnly = new WeakMap<object, Conformance | null>();

function speclessConformance(schema: KindInfo['schema'], withMetadata: boolean): Conformance | null {
  const memo = withMetadata ? specless : statusOnly;
  let fast = memo.get(schema);
  if (fast === undefined) {
    fast =
      schema instanceof z.ZodObject && 'spec' in schema.shape
        ? (compileConformance(
            withMetadata ? schema.omit({ spec: true }) : schema.omit({ spec: true, metadata: true }),
          ) ?? null)
        : null;
    memo.set(schema, fast);
  }
  return fast;
}

/**
 * The status-update errors when the shortcut applies: `next` keeps `prev`'s spec object, the kind
 * declares `validateStatus`, and everything but the spec surely conforms to the schema. `undefined`
 * otherwise (the caller then validates the whole update).
 */
function statusOnlyErrors(next: unknown, prev: unknown): FieldError[] | undefined {
  if (!isRecord(next) || !isRecord(prev) || next.spec === undefined || next.spec !== prev.spec)
    return undefined;
  const info = lookupKind(next);
  if (!info || prev.kind !== info.kind || prev.apiVersion !== info.apiVersion) return undefined;
  const rules = rulesFor(info.apiVersion, info.kind);
  const validateStatus = rules.validateStatus;
  if (!validateStatus) return undefined;
  // Metadata carried over from `prev` (the store's status write keeps the stored metadata object) was
  // checked when it was stored, and an update to itself changes nothing: like the spec, not again.
  const sameMetadata = next.metadata !== undefined && next.metadata === prev.metadata;
  const fast = speclessConformance(info.schema, !sameMetadata);
  if (fast === null) return undefined;
  // `prev`'s metadata is compared as the full path would see it (nulls dropped): rare, so delegate.
  if (!sameMetadata && containsNull(prev.metadata)) return undefined;
  const { spec: _, ...rest } = next;
  if (sameMetadata) delete (rest as { metadata?: unknown }).metadata;
  if (!passes(fast, rest)) return undefined;
  if (sameMetadata) return guarded(true, () => validateStatus(next));
  const meta = next.metadata as never;
  return [
    ...guarded(true, () => validateObjectMeta(meta, { namespaced: info.namespaced, nameFn: rules.nameFn })),
    ...guarded(true, () => validateStatus(next)),
    ...validateObjectMetaUpdate(meta, prev.metadata as never),
  ];
}

/**
 * Every problem of a status update (Kubernetes' `Validate*StatusUpdate`): as `validateUpdate`, except
 * that a spec carried over unchanged from `prev` (the status subresource keeps the stored spec) is
 * not validated again, nor is metadata carried over as the same object. Same field paths and
 * messages for metadata and status; only a stored spec or metadata that is itself invalid (stored
 * before a rule existed, or by another writer) no longer blocks a status write, as in Kubernetes. A
 * changed spec, or a kind without status rules, gets `validateUpdate`.
 */
export function validateStatusUpdate(next: unknown, prev: unknown): FieldError[] {
  return statusOnlyErrors(next, prev) ?? validateUpdate(next, prev);
}

function groupKindOf(obj: unknown): { group: string; kind: string; name: string } {
  const r = isRecord(obj) ? obj : {};
  const apiVersion = typeof r.apiVersion === 'string' ? r.apiVersion : '';
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const meta = isRecord(r.metadata) ? r.metadata : {};
  const name =
    typeof meta.name === 'string'
      ? meta.name
      : typeof meta.generateName === 'string'
        ? meta.generateName
        : '';
  return { group, kind: typeof r.kind === 'string' ? r.kind : '', name };
}

/**
 * Throws `ApiError.invalid` (reason Invalid, HTTP 422, one cause per field error) unless `obj` is
 * valid: `Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0`.
 */
export function assertValid(obj: unknown): asserts obj is KubeObject {
  const errs = validate(obj);
  if (errs.length === 0) return;
  const { group, kind, name } = groupKindOf(obj);
  throw ApiError.invalid({ group, kind }, name, errs);
}

/** As `assertValid`, for an update of `prev` to `next`. */
export function assertValidUpdate(next: unknown, prev: unknown): asserts next is KubeObject {
  const errs = validateUpdate(next, prev);
  if (errs.length === 0) return;
  const { group, kind, name } = groupKindOf(next);
  throw ApiError.invalid({ group, kind }, name, errs);
}
