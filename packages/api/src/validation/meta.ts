/**
 * `metadata` validation, as apimachinery's `ValidateObjectMeta` / `ValidateObjectMetaUpdate`: name or
 * generateName, namespace presence by scope, labels, annotations (256 KiB in total), finalizers and
 * owner references.
 */
import { validateLabelKey, validateLabelValue } from '@flotilla/labels';
import { fieldErrors } from '../field-errors.js';
import type { ObjectMeta } from '../generated/schemas.generated.js';
import { isQualifiedName, type NameValidator, nameIsDNSLabel } from '../names.js';
import { type ErrorList, FIELD_IMMUTABLE, invalidEach, nonNegative } from './helpers.js';
import { memoizeValid } from './valid-memo.js';

/** `TotalAnnotationSizeLimitB`: keys plus values of all annotations. */
export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

/**
 * UTF-8 length of `s`, as `new TextEncoder().encode(s).length` (a lone surrogate counts as U+FFFD's
 * three bytes) without allocating the bytes: every annotation of every object is measured.
 */
function byteLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 2; // a surrogate pair: two code units, four bytes
      i++;
    } else n += 2;
  }
  return n;
}

// Label and annotation keys (and most label values) repeat across objects: remember the valid ones.
export const labelKeyProblems = memoizeValid(validateLabelKey);
const labelValueProblems = memoizeValid(validateLabelValue);
const annotationKeyProblems = memoizeValid(isQualifiedName);

/** `ValidateLabels`: every key a qualified name, every value a label value; errors name the map. */
export function validateLabels(
  errs: ErrorList,
  labels: Record<string, string> | undefined,
  path: string,
): void {
  if (!labels) return;
  for (const [key, value] of Object.entries(labels)) {
    invalidEach(errs, path, key, labelKeyProblems(key));
    if (typeof value === 'string') invalidEach(errs, path, value, labelValueProblems(value));
  }
}

/** `ValidateAnnotations`: keys are qualified names (case-insensitively), total size ≤ 256 KiB. */
export function validateAnnotations(
  errs: ErrorList,
  annotations: Record<string, string> | undefined,
  path: string,
): void {
  if (!annotations) return;
  let total = 0;
  for (const [key, value] of Object.entries(annotations)) {
    invalidEach(errs, path, key, annotationKeyProblems(key.toLowerCase()));
    total += byteLength(key) + (typeof value === 'string' ? byteLength(value) : 0);
  }
  if (total > TOTAL_ANNOTATION_SIZE_LIMIT)
    errs.push(fieldErrors.tooLong(path, '', TOTAL_ANNOTATION_SIZE_LIMIT));
}

export interface MetaRules {
  /** Namespaced kinds require `metadata.namespace`; cluster-scoped kinds forbid it. */
  readonly namespaced: boolean;
  /** The kind's name rule (`NameIsDNSSubdomain` for most kinds). */
  readonly nameFn: NameValidator;
}

/**
 * `ValidateObjectMeta`. Unlike the API server (which generates the name before validating), a
 * manifest that only has `generateName` is valid here: the store fills `name` from it.
 */
export function validateObjectMeta(
  meta: ObjectMeta | undefined,
  rules: MetaRules,
  path = 'metadata',
): ErrorList {
  const errs: ErrorList = [];
  const m = meta ?? {};
  if (m.generateName)
    invalidEach(errs, `${path}.generateName`, m.generateName, rules.nameFn(m.generateName, true));
  if (!m.name) {
    if (!m.generateName) errs.push(fieldErrors.required(`${path}.name`, 'name or generateName is required'));
  } else {
    invalidEach(errs, `${path}.name`, m.name, rules.nameFn(m.name, false));
  }
  if (rules.namespaced) {
    if (!m.namespace) errs.push(fieldErrors.required(`${path}.namespace`));
    else invalidEach(errs, `${path}.namespace`, m.namespace, nameIsDNSLabel(m.namespace, false));
  } else if (m.namespace) {
    errs.push(fieldErrors.forbidden(`${path}.namespace`, 'not allowed on this type'));
  }
  nonNegative(errs, m.generation, `${path}.generation`);
  validateLabels(errs, m.labels, `${path}.labels`);
  validateAnnotations(errs, m.annotations, `${path}.annotations`);
  validateOwnerReferences(errs, m, `${path}.ownerReferences`);
  validateFinalizers(errs, m.finalizers, `${path}.finalizers`);
  return errs;
}

function validateOwnerReferences(errs: ErrorList, meta: ObjectMeta, path: string): void {
  let controllers = 0;
  (meta.ownerReferences ?? []).forEach((ref, i) => {
    const p = `${path}[${i}]`;
    if (!ref.apiVersion)
      errs.push(fieldErrors.invalid(`${p}.apiVersion`, ref.apiVersion ?? '', 'version must not be empty'));
    if (!ref.kind) errs.push(fieldErrors.invalid(`${p}.kind`, ref.kind ?? '', 'kind must not be empty'));
    if (!ref.name) errs.push(fieldErrors.invalid(`${p}.name`, ref.name ?? '', 'name must not be empty'));
    if (!ref.uid) errs.push(fieldErrors.invalid(`${p}.uid`, ref.uid ?? '', 'uid must not be empty'));
    if (ref.controller) controllers++;
  });
  if (controllers > 1) {
    errs.push(
      fieldErrors.invalid(path, meta.ownerReferences, 'Only one reference can have Controller set to true'),
    );
  }
}

function validateFinalizers(errs: ErrorList, finalizers: string[] | undefined, path: string): void {
  const seen = new Set<string>();
  (finalizers ?? []).forEach((f) => {
    invalidEach(errs, path, f, isQualifiedName(f));
    if (seen.has(f)) errs.push(fieldErrors.duplicate(path, f));
    seen.add(f);
  });
}

/** `ValidateObjectMetaUpdate`: name, namespace, uid, creationTimestamp and generateName never change. */
export function validateObjectMetaUpdate(
  next: ObjectMeta | undefined,
  prev: ObjectMeta | undefined,
  path = 'metadata',
): ErrorList {
  const errs: ErrorList = [];
  const n = next ?? {};
  const o = prev ?? {};
  for (const key of ['name', 'namespace', 'uid', 'creationTimestamp'] as const) {
    // Empty new values are filled from the old object by the store, as the API server does.
    const nv = n[key];
    const ov = o[key];
    if (nv !== undefined && nv !== '' && ov !== undefined && nv !== ov)
      errs.push(fieldErrors.invalid(`${path}.${key}`, nv, FIELD_IMMUTABLE));
  }
  nonNegative(errs, n.generation, `${path}.generation`);
  return errs;
}
