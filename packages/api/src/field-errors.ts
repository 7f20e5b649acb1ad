/**
 * Field errors, as apimachinery's `field.Error`: every validation problem names the field by its JSON
 * path (`spec.template.spec.containers[0].name`), its type, the offending value and a detail that
 * states the rule. Rendering follows Kubernetes' wording so messages read the same as kubectl's.
 */
export type FieldErrorType =
  | 'NotFound'
  | 'Required'
  | 'Duplicate'
  | 'Invalid'
  | 'NotSupported'
  | 'Forbidden'
  | 'TooLong'
  | 'TooMany'
  | 'Internal'
  | 'TypeInvalid'
  /** A field the schema does not know (strict decoding). */
  | 'UnknownField';

export interface FieldError {
  readonly field: string;
  readonly type: FieldErrorType;
  readonly value?: unknown;
  readonly detail: string;
}

const TYPE_TEXT: Record<FieldErrorType, string> = {
  NotFound: 'Not found',
  Required: 'Required value',
  Duplicate: 'Duplicate value',
  Invalid: 'Invalid value',
  NotSupported: 'Unsupported value',
  Forbidden: 'Forbidden',
  TooLong: 'Too long',
  TooMany: 'Too many',
  Internal: 'Internal error',
  TypeInvalid: 'Invalid value',
  UnknownField: 'unknown field',
};

/** Status cause reasons, as `metav1.CauseType` for each field error type. */
export const CAUSE_REASON: Record<FieldErrorType, string> = {
  NotFound: 'FieldValueNotFound',
  Required: 'FieldValueRequired',
  Duplicate: 'FieldValueDuplicate',
  Invalid: 'FieldValueInvalid',
  NotSupported: 'FieldValueNotSupported',
  Forbidden: 'FieldValueForbidden',
  TooLong: 'FieldValueTooLong',
  TooMany: 'FieldValueTooMany',
  Internal: 'InternalError',
  TypeInvalid: 'FieldValueTypeInvalid',
  UnknownField: 'FieldValueInvalid',
};

/** Renders a value the way Go's `%v`/`%q` does in Kubernetes messages: strings quoted, numbers bare. */
export function formatFieldValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value);
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** The text after the field path: `Invalid value: -1: must be greater than or equal to 0`. */
export function formatFieldErrorBody(error: FieldError): string {
  let body: string;
  switch (error.type) {
    case 'Required':
    case 'Forbidden':
    case 'TooLong':
    case 'Internal':
      body = TYPE_TEXT[error.type];
      break;
    case 'UnknownField':
      return error.detail
        ? `unknown field ${JSON.stringify(error.field)}: ${error.detail}`
        : `unknown field ${JSON.stringify(error.field)}`;
    default:
      body = `${TYPE_TEXT[error.type]}: ${formatFieldValue(error.value)}`;
  }
  return error.detail ? `${body}: ${error.detail}` : body;
}

/** `spec.replicas: Invalid value: -1: must be greater than or equal to 0`. */
export function formatFieldError(error: FieldError): string {
  if (error.type === 'UnknownField') return formatFieldErrorBody(error);
  return error.field ? `${error.field}: ${formatFieldErrorBody(error)}` : formatFieldErrorBody(error);
}

/** Joins a list as Kubernetes' aggregate error does: one message bare, several in `[a, b]`. */
export function formatFieldErrors(errors: readonly FieldError[]): string {
  const parts = errors.map(formatFieldError);
  return parts.length === 1 ? (parts[0] as string) : `[${parts.join(', ')}]`;
}

/** Builds `prefix.child`, `prefix[3]` and `prefix[key]` paths without stray dots. */
export function fieldPath(parent: string, child: string | number): string {
  if (typeof child === 'number') return `${parent}[${child}]`;
  return parent ? `${parent}.${child}` : child;
}

/** Builds `prefix[key]` for map entries (`metadata.labels[app]`). */
export function fieldKey(parent: string, key: string): string {
  return `${parent}[${key}]`;
}

/** Small constructors that keep call sites short and the types exact. */
export const fieldErrors = {
  required: (field: string, detail = ''): FieldError => ({ field, type: 'Required', detail }),
  invalid: (field: string, value: unknown, detail: string): FieldError => ({
    field,
    type: 'Invalid',
    value,
    detail,
  }),
  duplicate: (field: string, value: unknown): FieldError => ({ field, type: 'Duplicate', value, detail: '' }),
  notSupported: (field: string, value: unknown, supported: readonly string[]): FieldError => ({
    field,
    type: 'NotSupported',
    value,
    detail: supported.length ? `supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}` : '',
  }),
  forbidden: (field: string, detail: string): FieldError => ({ field, type: 'Forbidden', detail }),
  tooLong: (field: string, value: unknown, max: number): FieldError => ({
    field,
    type: 'TooLong',
    value,
    detail: `may not be more than ${max} bytes`,
  }),
  typeInvalid: (field: string, value: unknown, detail: string): FieldError => ({
    field,
    type: 'TypeInvalid',
    value,
    detail,
  }),
  notFound: (field: string, value: unknown): FieldError => ({ field, type: 'NotFound', value, detail: '' }),
  unknownField: (field: string): FieldError => ({ field, type: 'UnknownField', detail: '' }),
} as const;
