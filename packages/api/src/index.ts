/**
 * @flotilla/api — Kubernetes' object model: schemas and types, the kind registry, validation with
 * field paths, defaulting, resource quantities and `ApiError`.
 */

export { type Binding, BindingSchema, type BindOutcome, bindPod, validateBinding } from './binding.js';
export { applyDefaults } from './defaults/index.js';
export {
  ApiError,
  type GroupKind,
  type GroupResource,
  hasReason,
  isAlreadyExists,
  isApiError,
  isBadRequest,
  isConflict,
  isForbidden,
  isGone,
  isInvalid,
  isNotFound,
  isTooManyRequests,
  STATUS_CODES,
  type Status,
  type StatusCause,
  type StatusDetails,
  type StatusReason,
} from './errors.js';
export {
  CAUSE_REASON,
  type FieldError,
  type FieldErrorType,
  fieldErrors,
  fieldKey,
  fieldPath,
  formatFieldError,
  formatFieldErrorBody,
  formatFieldErrors,
  formatFieldValue,
} from './field-errors.js';
export { freezeJson, isDeeplyFrozen, isFrozenJson } from './frozen-json.js';
export { jsonEqual } from './json-equal.js';
export {
  type KindInfo,
  type KubeObject,
  type KubeObjectList,
  kinds,
  kindsInCategory,
  lookupKind,
  lookupResource,
  type Verb,
} from './kinds.js';
export {
  decodeObject,
  formatManifestProblem,
  isManifestError,
  ManifestError,
  type ManifestProblem,
  type ManifestResult,
  parseManifests,
  tryParseManifests,
} from './manifests.js';
export {
  DNS1035_LABEL_MAX_LENGTH,
  DNS1123_LABEL_MAX_LENGTH,
  DNS1123_SUBDOMAIN_MAX_LENGTH,
  inclusiveRangeError,
  isCIdentifier,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isIP,
  isQualifiedName,
  isValidIP,
  isValidLabelValue,
  isValidPathSegmentName,
  isValidPercent,
  isValidPortName,
  isValidPortNum,
  LABEL_VALUE_MAX_LENGTH,
  type NameValidator,
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  nameIsPathSegment,
  QUALIFIED_NAME_MAX_LENGTH,
  regexError,
} from './names.js';
export { BOOTSTRAP_NAMESPACES } from './namespaces.js';
export {
  addQuantities,
  canonicalQuantity,
  compareQuantities,
  formatQuantity,
  isQuantity,
  milliQuantity,
  parseQuantity,
  QUANTITY_FORMAT_ERROR,
  type Quantity,
  type QuantityFormat,
  QuantityParseError,
  quantityOf,
  quantityToMilli,
  quantityToNumber,
  subtractQuantities,
  tryParseQuantity,
} from './quantity.js';
export { compareResourceVersions } from './resource-version.js';
export * from './schemas/index.js';
export {
  assertValid,
  assertValidUpdate,
  validate,
  validateStatusUpdate,
  validateUpdate,
} from './validate.js';
