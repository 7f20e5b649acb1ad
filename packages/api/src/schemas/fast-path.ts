/**
 * A fast yes/no structural check that agrees with the generated zod schemas on the happy path.
 *
 * Why: `schema.safeParse` on a Pod costs about as much as all semantic rules together (zod builds a
 * payload, an issue array and a fresh output object for every node, and the memoizer that gives
 * `z.json()` its cycle support wraps every container above `managedFields`). Almost every object a
 * store sees is valid, so `validate` first asks this check and only runs zod — to produce the errors
 * with their paths and wording — when it says no.
 *
 * Contract (`src/schemas/fast-check.test.ts` checks it against zod on generated and mutated objects):
 * - `conforms(value) === true` only when zod accepts `value` AND zod's output deep-equals `value`
 *   (so the caller may use the input in place of `parsed.data`; only key order can differ).
 * - `false` means "not sure": the caller runs zod. The check is deliberately stricter than zod where
 *   that is cheaper or simpler (objects must be plain, `__proto__` keys, absent fields that zod would
 *   default, exotic number formats), and it may also throw (e.g. stack overflow on absurdly deep
 *   JSON), which the caller treats as `false`.
 * - Schemas using a zod feature not modelled here get no fast check (`compileConformance` returns
 *   `undefined`), so a new generator feature can only make validation slower, never wrong.
 *
 * The check is built once per schema from zod's definition objects (`_zod.def`), as closures; no
 * `eval`.
 */
import type { z } from 'zod';
import { cachedTryParseQuantity } from '../quantity.js';
import { QuantityValueSchema } from './primitives.js';

export type Conformance = (value: unknown) => boolean;

/** The parts of zod's internal definition this module reads. */
interface Def {
  readonly type: string;
  readonly shape?: Record<string, z.ZodType>;
  readonly catchall?: z.ZodType;
  readonly innerType?: z.ZodType;
  readonly element?: z.ZodType;
  readonly keyType?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly values?: readonly unknown[];
  readonly entries?: Record<string, unknown>;
  readonly format?: string;
  readonly coerce?: boolean;
  readonly checks?: readonly z.ZodType[];
  readonly check?: string;
  readonly pattern?: RegExp;
}

interface Internals {
  readonly def: Def;
  readonly innerType?: z.ZodType;
}

const internals = (schema: z.ZodType): Internals => (schema as unknown as { _zod: Internals })._zod;

/** Thrown while building: the schema uses something this module does not model. */
class Unsupported extends Error {}

/**
 * Schemas whose zod form has a refinement (a user callback) this module cannot read from the def;
 * each is re-stated here from the same source (`QuantityValueSchema`'s `superRefine` accepts what
 * `tryParseQuantity` parses).
 */
const REFINED: ReadonlyMap<z.ZodType, Conformance> = new Map<z.ZodType, Conformance>([
  [
    QuantityValueSchema as z.ZodType,
    (v) =>
      (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) &&
      typeof cachedTryParseQuantity(v) !== 'string',
  ],
]);

/** Plain data objects only (zod also takes class instances; those go to zod). */
function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

const noChecks = (def: Def) => def.checks === undefined || def.checks.length === 0;

function stringCheck(def: Def): Conformance {
  if (def.coerce) throw new Unsupported('coerce');
  const patterns: RegExp[] = [];
  for (const check of def.checks ?? []) {
    const c = internals(check).def;
    // `.regex(re)`: zod resets `lastIndex` and tests; a g/y flag would make `test` stateful.
    if (c.check !== 'string_format' || c.format !== 'regex' || !c.pattern || /[gy]/.test(c.pattern.flags)) {
      throw new Unsupported(`string check ${String(c.check)}/${String(c.format)}`);
    }
    patterns.push(c.pattern);
  }
  if (patterns.length === 0) return (v) => typeof v === 'string';
  if (patterns.length === 1) {
    const [re] = patterns as [RegExp];
    return (v) => typeof v === 'string' && re.test(v);
  }
  return (v) => typeof v === 'string' && patterns.every((re) => re.test(v));
}

function numberCheck(def: Def): Conformance {
  if (def.coerce || !noChecks(def)) throw new Unsupported('number checks');
  switch (def.format) {
    case undefined:
      return (v) => typeof v === 'number' && Number.isFinite(v);
    case 'int32':
      return (v) => typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647;
    case 'safeint':
      return (v) => typeof v === 'number' && Number.isSafeInteger(v);
    default:
      throw new Unsupported(`number format ${def.format}`);
  }
}

function objectCheck(def: Def, build: (s: z.ZodType) => Conformance): Conformance {
  // Only strict objects (`z.strictObject`: catchall `never`), as the generator emits.
  if (!def.shape || !def.catchall || internals(def.catchall).def.type !== 'never' || !noChecks(def)) {
    throw new Unsupported('non-strict object');
  }
  const keys = Object.keys(def.shape);
  const known: Record<string, true> = Object.create(null);
  for (const key of keys) known[key] = true;
  // `optional` accepts an absent field itself; every other field must be present.
  const fields: Field[] = keys.map((key) => {
    const schema = (def.shape as Record<string, z.ZodType>)[key] as z.ZodType;
    return { key, check: build(schema), optional: internals(schema).def.type === 'optional' };
  });
  return generatedObjectCheck(fields, known) ?? closureObjectCheck(fields, known);
}

interface Field {
  readonly key: string;
  readonly check: Conformance;
  readonly optional: boolean;
}

/**
 * The object check as a generated function with one property read per declared field
 * (`x = v["containers"]; …`), the way zod's own JIT reads objects. Each read gets its own inline
 * cache in V8, which makes it about twice as fast as the loop in `closureObjectCheck` (a Pod spec
 * declares ~40 fields; the loop's one shared read site goes megamorphic). The generated text only
 * embeds field names as JSON string literals and indices. `undefined` where `new Function` is not
 * allowed (a CSP, `--disallow-code-generation-from-strings`).
 */
function generatedObjectCheck(
  fields: readonly Field[],
  known: Record<string, true>,
): Conformance | undefined {
  const body = fields.map((f, i) => {
    const absent = f.optional ? '' : 'return false;';
    return `x = v[${JSON.stringify(f.key)}]; if (x === undefined) {${absent}} else if (!checks[${i}](x)) return false;`;
  });
  const code = [
    'return function conforms(v) {',
    '  if (!isPlainObject(v)) return false;',
    '  let x;',
    ...body.map((line) => `  ${line}`),
    '  for (const key in v) if (known[key] !== true) return false;',
    '  return true;',
    '};',
  ].join('\n');
  try {
    const factory = new Function('isPlainObject', 'checks', 'known', code);
    return factory(
      isPlainObject,
      fields.map((f) => f.check),
      known,
    ) as Conformance;
  } catch {
    return undefined;
  }
}

/** The same check as `generatedObjectCheck`, as a plain loop. */
function closureObjectCheck(fields: readonly Field[], known: Record<string, true>): Conformance {
  return (v) => {
    if (!isPlainObject(v)) return false;
    for (const field of fields) {
      const value = v[field.key];
      if (value === undefined ? !field.optional : !field.check(value)) return false;
    }
    // Strict: any other key is an unknown field (zod walks `for…in` too). `__proto__` never matches.
    for (const key in v) if (known[key] !== true) return false;
    return true;
  };
}

function recordCheck(def: Def, build: (s: z.ZodType) => Conformance): Conformance {
  const keyDef = def.keyType && internals(def.keyType).def;
  if (!def.valueType || keyDef?.type !== 'string' || keyDef.coerce || !noChecks(keyDef) || !noChecks(def)) {
    throw new Unsupported('record key type');
  }
  const value = build(def.valueType);
  return (v) => {
    if (!isPlainObject(v)) return false;
    // zod walks own keys including symbols (which a string key type rejects) and drops `__proto__`.
    if (Object.getOwnPropertySymbols(v).length > 0) return false;
    for (const key in v) {
      if (key === '__proto__' || !Object.hasOwn(v, key) || !value(v[key])) return false;
    }
    return true;
  };
}

/** Builds the check for one schema; memoized per schema instance so `z.json()`'s cycle terminates. */
function builder(): (schema: z.ZodType) => Conformance {
  const built = new Map<z.ZodType, Conformance>();
  const build = (schema: z.ZodType): Conformance => {
    const cached = built.get(schema);
    if (cached) return cached;
    const refined = REFINED.get(schema);
    if (refined) return refined;
    const def = internals(schema).def;
    let check: Conformance;
    switch (def.type) {
      case 'optional': {
        const inner = build(def.innerType as z.ZodType);
        check = (v) => v === undefined || inner(v);
        break;
      }
      case 'default': {
        // An absent value would be filled in (zod's output then differs from the input): ask zod.
        const inner = build(def.innerType as z.ZodType);
        check = (v) => v !== undefined && inner(v);
        break;
      }
      case 'string':
        check = stringCheck(def);
        break;
      case 'number':
        check = numberCheck(def);
        break;
      case 'boolean':
        if (def.coerce) throw new Unsupported('coerce');
        check = (v) => typeof v === 'boolean';
        break;
      case 'null':
        check = (v) => v === null;
        break;
      case 'literal': {
        const values = new Set(def.values);
        check = (v) => values.has(v);
        break;
      }
      case 'enum': {
        const values = Object.values(def.entries ?? {});
        if (!values.every((x) => typeof x === 'string')) throw new Unsupported('non-string enum');
        const set = new Set<unknown>(values);
        check = (v) => set.has(v);
        break;
      }
      case 'array': {
        if (!noChecks(def)) throw new Unsupported('array checks');
        const element = build(def.element as z.ZodType);
        check = (v) => {
          if (!Array.isArray(v)) return false;
          for (let i = 0; i < v.length; i++) if (!element(v[i])) return false;
          return true;
        };
        break;
      }
      case 'object':
        check = objectCheck(def, build);
        break;
      case 'record':
        check = recordCheck(def, build);
        break;
      case 'union': {
        if (!noChecks(def)) throw new Unsupported('refined union');
        const options = (def.options ?? []).map(build);
        check = (v) => {
          for (const option of options) if (option(v)) return true;
          return false;
        };
        break;
      }
      case 'lazy': {
        // `z.json()`: zod caches the resolved inner schema, so the cycle closes through `built`.
        // Registered before its inner schema is built, which refers back to it.
        let inner: Conformance = () => false;
        const self: Conformance = (v) => inner(v);
        built.set(schema, self);
        inner = build(internals(schema).innerType as z.ZodType);
        return self;
      }
      default:
        throw new Unsupported(def.type);
    }
    built.set(schema, check);
    return check;
  };
  return build;
}

/**
 * The fast check for `schema`, or `undefined` when the schema uses a zod feature this module does
 * not model (then zod alone decides).
 */
export function compileConformance(schema: z.ZodType): Conformance | undefined {
  try {
    return builder()(schema);
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}
