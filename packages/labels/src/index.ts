/**
 * `@flotilla/labels`: Kubernetes' label selector language, with no runtime dependencies.
 *
 * - `parseSelector` accepts, rejects and matches exactly what Kubernetes' `labels.Parse` does; errors
 *   are `SelectorParseError`s with the position and Kubernetes' message.
 * - Selectors are immutable and compiled: `matches` runs specialised predicates, allocation-free.
 * - `toString()` is canonical (requirements sorted by key, set values sorted) and re-parses to an
 *   equal selector.
 * - `selectorFromLabelSelector` converts `LabelSelector` objects with Kubernetes' semantics (missing
 *   selects nothing, empty selects everything); `validateLabelSelector` lists problems with paths.
 * - `parseFieldSelector` parses `--field-selector` strings with Kubernetes' escaping.
 * - `LabelIndex` answers selectors from an inverted index, equal to a full scan.
 */

export {
  isLabelSelectorError,
  isSelectorParseError,
  LabelSelectorError,
  SelectorParseError,
} from './errors.js';
export type { LabelFieldError, LabelFieldErrorType } from './field-error.js';
export { formatLabelFieldError } from './field-error.js';
export type {
  FieldOperator,
  FieldRequirement,
  FieldSelector,
  Fields,
  ParseFieldSelectorOptions,
} from './field-selector.js';
export {
  escapeFieldValue,
  fieldSelectorFromSet,
  parseFieldSelector,
  readFieldPath,
  unescapeFieldValue,
} from './field-selector.js';
export { LabelIndex } from './label-index.js';
export type { LabelSelector, LabelSelectorOperator, LabelSelectorRequirement } from './label-selector.js';
export { selectorFromLabelSelector, validateLabelSelector } from './label-selector.js';
export { parseSelector } from './parser.js';
export type { Labels, Operator, Requirement } from './requirement.js';
export {
  createRequirement,
  OPERATORS,
  parseInt64,
  requirementToString,
  validateRequirement,
} from './requirement.js';
export type { Selector } from './selector.js';
export { everything, nothing, selectorFromRequirements, selectorFromSet } from './selector.js';
export {
  DNS1123_SUBDOMAIN_MAX_LENGTH,
  LABEL_VALUE_MAX_LENGTH,
  validateDNS1123Subdomain,
  validateLabelKey,
  validateLabelValue,
} from './validation.js';
