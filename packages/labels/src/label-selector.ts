import { LabelSelectorError } from './errors.js';
import { childPath, indexPath, type LabelFieldError } from './field-error.js';
import { type Operator, type Requirement, requirementOf } from './requirement.js';
import { everything, nothing, type Selector, selectorFromRequirements } from './selector.js';
import { validateLabelKey, validateLabelValue } from './validation.js';

/** Operators of a `matchExpressions` entry (Kubernetes' `metav1.LabelSelectorOperator`). */
export type LabelSelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

/** One entry of `matchExpressions`, in Kubernetes' JSON shape. */
export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: LabelSelectorOperator;
  /** Non-empty for `In`/`NotIn`; empty or absent for `Exists`/`DoesNotExist`. */
  readonly values?: readonly string[] | null;
}

/**
 * A label selector object, in Kubernetes' JSON shape (`spec.selector` of a Deployment): the AND of
 * `matchLabels` (each `key: value` an equality) and `matchExpressions`.
 */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>> | null;
  readonly matchExpressions?: readonly LabelSelectorRequirement[] | null;
}

const OPERATOR_MAP: Readonly<Record<LabelSelectorOperator, Operator>> = {
  In: 'in',
  NotIn: 'notin',
  Exists: 'exists',
  DoesNotExist: '!',
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeInvalid(field: string, value: unknown, detail: string): LabelFieldError {
  return { field, type: 'TypeInvalid', value, detail };
}

function validateLabelName(key: string, field: string, errs: LabelFieldError[]): void {
  for (const msg of validateLabelKey(key)) errs.push({ field, type: 'Invalid', value: key, detail: msg });
}

function validateRequirementObject(req: unknown, path: string, errs: LabelFieldError[]): void {
  if (!isRecord(req)) {
    errs.push(typeInvalid(path, req, 'must be an object'));
    return;
  }
  const valuesPath = childPath(path, 'values');
  const rawValues = req.values;
  let values: readonly unknown[] = [];
  if (Array.isArray(rawValues)) values = rawValues;
  else if (rawValues !== undefined && rawValues !== null) {
    errs.push(typeInvalid(valuesPath, rawValues, 'must be a list of strings'));
  }
  switch (req.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) {
        errs.push({
          field: valuesPath,
          type: 'Required',
          detail: "must be specified when `operator` is 'In' or 'NotIn'",
        });
      }
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) {
        errs.push({
          field: valuesPath,
          type: 'Forbidden',
          detail: "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
        });
      }
      break;
    default:
      errs.push({
        field: childPath(path, 'operator'),
        type: 'Invalid',
        value: req.operator,
        detail: 'not a valid selector operator',
      });
  }
  if (typeof req.key === 'string') validateLabelName(req.key, childPath(path, 'key'), errs);
  else errs.push(typeInvalid(childPath(path, 'key'), req.key, 'must be a string'));
  values.forEach((value, i) => {
    const field = indexPath(valuesPath, i);
    if (typeof value !== 'string') {
      errs.push(typeInvalid(field, value, 'must be a string'));
      return;
    }
    for (const msg of validateLabelValue(value)) errs.push({ field, type: 'Invalid', value, detail: msg });
  });
}

/**
 * Every problem of a `LabelSelector` object, as the Kubernetes API server's `ValidateLabelSelector`
 * reports them (same types, paths and details), with paths prefixed by `path`
 * (`validateLabelSelector(sel, 'spec.selector')` → `spec.selector.matchExpressions[0].values`).
 * `matchLabels` problems name `matchLabels`, as Kubernetes does. Values that are not of the JSON
 * shape (a number where a string belongs) are reported as `TypeInvalid` instead of crashing.
 * `null` and `undefined` are valid (they select nothing). Returns `[]` when valid.
 */
export function validateLabelSelector(
  selector: LabelSelector | null | undefined,
  path = '',
): LabelFieldError[] {
  const errs: LabelFieldError[] = [];
  if (selector === null || selector === undefined) return errs;
  if (!isRecord(selector)) return [typeInvalid(path, selector, 'must be an object')];
  const matchLabels: unknown = selector.matchLabels;
  const labelsPath = childPath(path, 'matchLabels');
  if (isRecord(matchLabels)) {
    for (const key of Object.keys(matchLabels).sort()) {
      const value = matchLabels[key];
      validateLabelName(key, labelsPath, errs);
      if (typeof value !== 'string') {
        errs.push(typeInvalid(labelsPath, value, 'must be a string'));
        continue;
      }
      for (const msg of validateLabelValue(value)) {
        errs.push({ field: labelsPath, type: 'Invalid', value, detail: msg });
      }
    }
  } else if (matchLabels !== undefined && matchLabels !== null) {
    errs.push(typeInvalid(labelsPath, matchLabels, 'must be an object'));
  }
  const expressions: unknown = selector.matchExpressions;
  const expressionsPath = childPath(path, 'matchExpressions');
  if (Array.isArray(expressions)) {
    expressions.forEach((req, i) => {
      validateRequirementObject(req, indexPath(expressionsPath, i), errs);
    });
  } else if (expressions !== undefined && expressions !== null) {
    errs.push(typeInvalid(expressionsPath, expressions, 'must be a list'));
  }
  return errs;
}

/**
 * Converts a `LabelSelector` object to a compiled selector with Kubernetes' semantics
 * (`metav1.LabelSelectorAsSelector`):
 * - `null`/`undefined` (no selector) selects nothing: {@link nothing}.
 * - `{}` (no `matchLabels`, no `matchExpressions`) selects everything: {@link everything}.
 * - Otherwise the AND of `key=value` per `matchLabels` entry and one requirement per expression
 *   (`In` → `in`, `NotIn` → `notin`, `Exists` → `key`, `DoesNotExist` → `!key`).
 *
 * Throws a `LabelSelectorError` whose `errors` are those of {@link validateLabelSelector} (paths
 * relative to `path`) when the object is invalid.
 *
 * @example selectorFromLabelSelector({ matchLabels: { app: 'web' } }).toString() // "app=web"
 */
export function selectorFromLabelSelector(selector: LabelSelector | null | undefined, path = ''): Selector {
  if (selector === null || selector === undefined) return nothing();
  // Controllers convert the same stored (frozen) selector on every reconcile: remember those.
  const frozen = isFrozenSelector(selector);
  if (frozen) {
    const known = converted.get(selector);
    if (known !== undefined) return known;
  }
  const result = convert(selector, path);
  if (frozen) converted.set(selector, result);
  return result;
}

/** Selectors converted from deeply frozen `LabelSelector` objects (valid ones only: errors carry a path). */
const converted = new WeakMap<LabelSelector, Selector>();

function isFrozenSelector(selector: LabelSelector): boolean {
  if (!Object.isFrozen(selector)) return false;
  if (selector.matchLabels !== undefined && !Object.isFrozen(selector.matchLabels)) return false;
  const exprs = selector.matchExpressions;
  if (exprs === undefined || exprs === null) return true;
  if (!Object.isFrozen(exprs)) return false;
  for (const e of exprs)
    if (!Object.isFrozen(e) || (e.values !== undefined && !Object.isFrozen(e.values))) return false;
  return true;
}

function convert(selector: LabelSelector, path: string): Selector {
  const errs = validateLabelSelector(selector, path);
  if (errs.length > 0) throw new LabelSelectorError(errs);
  const reqs: Requirement[] = [];
  const matchLabels = selector.matchLabels ?? {};
  for (const key of Object.keys(matchLabels)) reqs.push(requirementOf(key, '=', [matchLabels[key]!]));
  for (const expr of selector.matchExpressions ?? []) {
    reqs.push(requirementOf(expr.key, OPERATOR_MAP[expr.operator], expr.values ?? []));
  }
  return reqs.length === 0 ? everything() : selectorFromRequirements(reqs);
}
