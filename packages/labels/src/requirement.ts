import { LabelSelectorError } from './errors.js';
import { childPath, indexPath, type LabelFieldError } from './field-error.js';
import { validateLabelKey, validateLabelValue } from './validation.js';

/** A set of labels: key → value. Objects with own string properties; nothing else is read. */
export type Labels = Readonly<Record<string, string>>;

/**
 * Selector operators, spelled as Kubernetes' `selection.Operator`: `exists` is a bare `key`, `!` is
 * `!key`, `gt`/`lt` are `key>n`/`key<n`. `=` and `==` mean the same; both are kept so that a
 * selector prints back the way it was written (as Kubernetes does).
 */
export type Operator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

/** Every operator, in Kubernetes' order (binary operators, then unary). */
export const OPERATORS: readonly Operator[] = Object.freeze([
  'in',
  'notin',
  '=',
  '==',
  '!=',
  'gt',
  'lt',
  'exists',
  '!',
] as const);

/**
 * One condition on one label key. A selector is the AND of its requirements.
 * `values` is sorted and free of duplicates; it is empty for `exists` and `!`, holds one value for
 * `=`, `==`, `!=`, `gt`, `lt`, and one or more for `in`/`notin`. Frozen.
 */
export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  readonly values: readonly string[];
}

/**
 * Go's `strconv.ParseInt(s, 10, 64)`: an optional sign, then decimal digits only, within the int64
 * range. Returns `null` where Go returns an error. Small values come back as numbers, large ones as
 * bigints (JavaScript compares the two exactly).
 */
export function parseInt64(s: string): number | bigint | null {
  const n = s.length;
  if (n === 0) return null;
  let start = 0;
  const first = s.charCodeAt(0);
  if (first === 43 /* + */ || first === 45 /* - */) {
    if (n === 1) return null;
    start = 1;
  }
  for (let i = start; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  if (n - start <= 15) return Number(s);
  const big = BigInt(s);
  if (big > 9223372036854775807n || big < -9223372036854775808n) return null;
  return big;
}

function sortedUnique(values: readonly string[]): string[] {
  const out = [...new Set(values)];
  out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return out;
}

/**
 * Everything wrong with a requirement, as Kubernetes' `NewRequirement` checks it (all problems, not
 * only the first), with paths relative to `path`: `key`, `operator`, `values`, `values[i]`,
 * `values[i][key]`.
 */
export function validateRequirement(
  key: string,
  operator: string,
  values: readonly string[],
  path = '',
): LabelFieldError[] {
  const errs: LabelFieldError[] = [];
  const keyErrs = validateLabelKey(key);
  if (keyErrs.length > 0) {
    errs.push({ field: childPath(path, 'key'), type: 'Invalid', value: key, detail: keyErrs.join('; ') });
  }
  const valuesPath = childPath(path, 'values');
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) {
        errs.push({
          field: valuesPath,
          type: 'Invalid',
          value: [...values],
          detail: "for 'in', 'notin' operators, values set can't be empty",
        });
      }
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) {
        errs.push({
          field: valuesPath,
          type: 'Invalid',
          value: [...values],
          detail: 'exact-match compatibility requires one single value',
        });
      }
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) {
        errs.push({
          field: valuesPath,
          type: 'Invalid',
          value: [...values],
          detail: 'values set must be empty for exists and does not exist',
        });
      }
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) {
        errs.push({
          field: valuesPath,
          type: 'Invalid',
          value: [...values],
          detail: "for 'Gt', 'Lt' operators, exactly one value is required",
        });
      }
      values.forEach((v, i) => {
        if (parseInt64(v) === null) {
          errs.push({
            field: indexPath(valuesPath, i),
            type: 'Invalid',
            value: v,
            detail: "for 'Gt', 'Lt' operators, the value must be an integer",
          });
        }
      });
      break;
    default:
      errs.push({
        field: childPath(path, 'operator'),
        type: 'NotSupported',
        value: operator,
        detail: `supported values: ${OPERATORS.map((o) => JSON.stringify(o)).join(', ')}`,
      });
  }
  values.forEach((v, i) => {
    const valueErrs = validateLabelValue(v);
    if (valueErrs.length > 0) {
      errs.push({
        field: indexPath(indexPath(valuesPath, i), key),
        type: 'Invalid',
        value: v,
        detail: valueErrs.join('; '),
      });
    }
  });
  return errs;
}

/** A frozen requirement, values sorted and deduplicated. No validation: use {@link createRequirement}. */
export function requirementOf(key: string, operator: Operator, values: readonly string[]): Requirement {
  return Object.freeze({ key, operator, values: Object.freeze(sortedUnique(values)) });
}

/**
 * Builds a validated requirement (Kubernetes' `NewRequirement`). Throws a `LabelSelectorError` listing
 * every problem (see {@link validateRequirement}). The empty string is a valid value.
 *
 * @example createRequirement('tier', 'in', ['fe', 'be']).values // ['be', 'fe']
 */
export function createRequirement(
  key: string,
  operator: Operator,
  values: readonly string[] = [],
  path = '',
): Requirement {
  const errs = validateRequirement(key, operator, values, path);
  if (errs.length > 0) throw new LabelSelectorError(errs);
  return requirementOf(key, operator, values);
}

/**
 * Kubernetes' `Requirement.String()`: `!k`, `k`, `k=v`, `k==v`, `k!=v`, `k in (a,b)`,
 * `k notin (a,b)`, `k>1`, `k<1`; set values sorted.
 */
export function requirementToString(r: Requirement): string {
  const joined = r.values.length === 1 ? r.values[0]! : sortedUnique(r.values).join(',');
  switch (r.operator) {
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case 'in':
      return `${r.key} in (${joined})`;
    case 'notin':
      return `${r.key} notin (${joined})`;
    case 'gt':
      return `${r.key}>${joined}`;
    case 'lt':
      return `${r.key}<${joined}`;
    default:
      return `${r.key}${r.operator}${joined}`;
  }
}

/** Above this many values, `in`/`notin` test membership with a `Set` instead of a scan. */
const SET_THRESHOLD = 8;

/**
 * Compiles one requirement into a predicate over labels, with Kubernetes' semantics:
 * 1. `exists`: the key is present. `!`: the key is absent.
 * 2. `=`, `==`, `in`: the key is present and its value is one of the values.
 * 3. `!=`, `notin`: the key is absent, or its value is none of the values.
 * 4. `gt`, `lt`: the key is present, its value parses as an int64, and the inequality holds.
 * Only own string-valued properties count as present (`constructor` is not a label of `{}`).
 */
export function compileRequirement(r: Requirement): (labels: Labels) => boolean {
  const k = r.key;
  const vals = r.values;
  switch (r.operator) {
    case 'exists':
      return (l) => typeof l[k] === 'string' && Object.hasOwn(l, k);
    case '!':
      return (l) => typeof l[k] !== 'string' || !Object.hasOwn(l, k);
    case '=':
    case '==':
    case 'in': {
      if (vals.length === 1) {
        const v = vals[0]!;
        return (l) => l[k] === v && Object.hasOwn(l, k);
      }
      if (vals.length > SET_THRESHOLD) {
        const set = new Set(vals);
        return (l) => {
          const x = l[k];
          return typeof x === 'string' && set.has(x) && Object.hasOwn(l, k);
        };
      }
      return (l) => {
        const x = l[k];
        return typeof x === 'string' && vals.includes(x) && Object.hasOwn(l, k);
      };
    }
    case '!=':
    case 'notin': {
      if (vals.length === 1) {
        const v = vals[0]!;
        return (l) => l[k] !== v || !Object.hasOwn(l, k);
      }
      if (vals.length > SET_THRESHOLD) {
        const set = new Set(vals);
        return (l) => {
          const x = l[k];
          return typeof x !== 'string' || !set.has(x) || !Object.hasOwn(l, k);
        };
      }
      return (l) => {
        const x = l[k];
        return typeof x !== 'string' || !vals.includes(x) || !Object.hasOwn(l, k);
      };
    }
    case 'gt':
    case 'lt': {
      const bound = vals.length === 1 ? parseInt64(vals[0]!) : null;
      if (bound === null) return () => false;
      const greater = r.operator === 'gt';
      return (l) => {
        const x = l[k];
        if (typeof x !== 'string') return false;
        const n = parseInt64(x);
        if (n === null || !Object.hasOwn(l, k)) return false;
        return greater ? n > bound : n < bound;
      };
    }
  }
}
