/**
 * Field errors in the shape of apimachinery's `field.Error` (and of `@flotilla/api`'s `FieldError`,
 * which they are structurally compatible with): the JSON path of the offending field, the error type,
 * the bad value and a detail stating the rule.
 */

/** The kinds of field error this package reports (Kubernetes' `field.ErrorType` without the prefix). */
export type LabelFieldErrorType = 'Invalid' | 'Required' | 'Forbidden' | 'NotSupported' | 'TypeInvalid';

/** One validation problem: `{ field: 'matchExpressions[0].values', type: 'Required', … }`. */
export interface LabelFieldError {
  /** JSON path of the field, relative to the path the caller passed (`''` = the value itself). */
  readonly field: string;
  readonly type: LabelFieldErrorType;
  /** The offending value (omitted for `Required` and `Forbidden`). */
  readonly value?: unknown;
  /** The rule in Kubernetes' words. */
  readonly detail: string;
}

const TYPE_TEXT: Record<LabelFieldErrorType, string> = {
  Invalid: 'Invalid value',
  Required: 'Required value',
  Forbidden: 'Forbidden',
  NotSupported: 'Unsupported value',
  TypeInvalid: 'Invalid value',
};

/** `parent.child`, or `child` when the parent path is empty. */
export function childPath(parent: string, name: string): string {
  return parent === '' ? name : `${parent}.${name}`;
}

/** `parent[index]`. */
export function indexPath(parent: string, index: number | string): string {
  return `${parent}[${index}]`;
}

const GO_ESCAPES: Record<string, string> = {
  '\x07': '\\a',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\v': '\\v',
  '"': '\\"',
  '\\': '\\\\',
};

/** Go's `%q` for the characters a selector can hold: ASCII control characters escaped, the rest kept. */
export function goQuote(s: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what Go escapes.
  const body = s.replace(/[\x00-\x1f\x7f"\\]/g, (c) => {
    const known = GO_ESCAPES[c];
    if (known !== undefined) return known;
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
  return `"${body}"`;
}

/** Renders a value as Go's `%q` (strings) or JSON (the rest) does in Kubernetes messages. */
function formatValue(value: unknown): string {
  if (typeof value === 'string') return goQuote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === undefined) return 'null';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Renders a field error as Kubernetes does:
 * `matchExpressions[0].operator: Invalid value: "Has": not a valid selector operator`.
 */
export function formatLabelFieldError(error: LabelFieldError): string {
  let body = TYPE_TEXT[error.type];
  if (error.type !== 'Required' && error.type !== 'Forbidden') body += `: ${formatValue(error.value)}`;
  if (error.detail !== '') body += `: ${error.detail}`;
  return error.field === '' ? body : `${error.field}: ${body}`;
}
