/**
 * Small building blocks shared by the semantic validators: each appends field errors to a list, as
 * apimachinery's `field.ErrorList` helpers do, with Kubernetes' wording.
 */
import {
  type LabelSelector as LabelsSelector,
  type Selector,
  selectorFromLabelSelector,
  validateLabelSelector,
} from '@flotilla/labels';
import { type FieldError, fieldErrors } from '../field-errors.js';
import type { LabelSelector as GeneratedLabelSelector } from '../generated/schemas.generated.js';
import { isValidPercent, isValidPortName, isValidPortNum } from '../names.js';

export type ErrorList = FieldError[];

export const IS_NEGATIVE = 'must be greater than or equal to 0';
export const FIELD_IMMUTABLE = 'field is immutable';

/** `ValidateNonnegativeField`: absent values are fine (defaulting fills them). */
export function nonNegative(errs: ErrorList, value: number | undefined | null, path: string): void {
  if (typeof value === 'number' && value < 0) errs.push(fieldErrors.invalid(path, value, IS_NEGATIVE));
}

/**
 * An enum field: absent is fine unless `required` (fields that defaulting fills are optional here so
 * that `validate` accepts manifests before defaulting); `""` is Required, anything else unknown is
 * `NotSupported` with the supported values listed.
 */
export function enumValue(
  errs: ErrorList,
  value: unknown,
  path: string,
  supported: readonly string[],
  required = false,
): void {
  if (value === undefined || value === null) {
    if (required) errs.push(fieldErrors.required(path));
    return;
  }
  if (value === '') errs.push(fieldErrors.required(path));
  else if (typeof value !== 'string' || !supported.includes(value))
    errs.push(fieldErrors.notSupported(path, value, supported));
}

/** Pushes one `Invalid` error per message (the shape of `for _, msg := range IsX(v)`). */
export function invalidEach(
  errs: ErrorList,
  path: string,
  value: unknown,
  messages: readonly string[],
): void {
  for (const msg of messages) errs.push(fieldErrors.invalid(path, value, msg));
}

/** `ValidatePortNumOrName`: an int port 1–65535 or an IANA_SVC_NAME. */
export function portNumOrName(errs: ErrorList, port: number | string | undefined, path: string): void {
  if (port === undefined) {
    errs.push(fieldErrors.required(path));
    return;
  }
  if (typeof port === 'number') invalidEach(errs, path, port, isValidPortNum(port));
  else if (port.length === 0) errs.push(fieldErrors.required(path));
  else invalidEach(errs, path, port, isValidPortName(port));
}

/** `ValidatePositiveIntOrPercent`. */
export function positiveIntOrPercent(
  errs: ErrorList,
  value: number | string | undefined,
  path: string,
): void {
  if (typeof value === 'string') invalidEach(errs, path, value, isValidPercent(value));
  else nonNegative(errs, value, path);
}

/** The number in an int-or-percent (`"25%"` → 25, `3` → 3); `undefined` for other strings. */
export function intOrPercentValue(value: number | string | undefined): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && /^[0-9]+%$/.test(value)) return Number.parseInt(value, 10);
  return undefined;
}

/** `IsNotMoreThan100Percent`. */
export function notMoreThan100Percent(
  errs: ErrorList,
  value: number | string | undefined,
  path: string,
): void {
  if (typeof value !== 'string' || !value.endsWith('%')) return;
  const n = intOrPercentValue(value);
  if (n !== undefined && n > 100)
    errs.push(fieldErrors.invalid(path, value, 'must not be greater than 100%'));
}

const isEmpty = (v: unknown) =>
  v === undefined ||
  v === null ||
  (Array.isArray(v) ? v.length === 0 : typeof v === 'object' && Object.keys(v).length === 0);

/**
 * Equality as apimachinery's `equality.Semantic.DeepEqual` sees JSON: key order does not matter and
 * an empty list or map equals an absent one.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isEmpty(a) && isEmpty(b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  for (const k of keys) if (!deepEqual(ra[k], rb[k])) return false;
  return true;
}

/** `ValidateImmutableField`. */
export function immutable(errs: ErrorList, newValue: unknown, oldValue: unknown, path: string): void {
  if (!deepEqual(newValue, oldValue)) errs.push(fieldErrors.invalid(path, newValue, FIELD_IMMUTABLE));
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `ValidateLabelSelector` for the generated `LabelSelector` type (operators are plain strings there). */
export function labelSelectorErrors(selector: GeneratedLabelSelector | undefined, path: string): ErrorList {
  return validateLabelSelector(selector as LabelsSelector | undefined, path).map((e) => ({ ...e }));
}

/** `LabelSelectorAsSelector`, or `undefined` when the selector is invalid. */
export function selectorOf(selector: GeneratedLabelSelector | undefined): Selector | undefined {
  try {
    return selectorFromLabelSelector(selector as LabelsSelector | undefined);
  } catch {
    return undefined;
  }
}
