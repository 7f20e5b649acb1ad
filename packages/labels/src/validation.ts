/**
 * Label key and value validation with Kubernetes' rules and wording (apimachinery
 * `IsQualifiedName` / `IsValidLabelValue`, now `content.IsLabelKey` / `content.IsLabelValue`).
 *
 * Guarantees:
 * - Each function returns every problem it finds as a message; an empty list means valid.
 * - Lengths are counted in UTF-8 bytes, as Go's `len` does, so a key of multi-byte characters is
 *   judged the same as by Kubernetes.
 * - The messages are Kubernetes' own text, word for word.
 */

/** Longest label value and longest name part of a label key (63). */
export const LABEL_VALUE_MAX_LENGTH = 63;
/** Longest DNS-1123 subdomain, the optional prefix of a label key (253). */
export const DNS1123_SUBDOMAIN_MAX_LENGTH = 253;

const LABEL_KEY_FMT = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_KEY_ERR_MSG =
  "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_KEY_RE = new RegExp(`^${LABEL_KEY_FMT}$`);

const LABEL_VALUE_FMT = `(${LABEL_KEY_FMT})?`;
const LABEL_VALUE_ERR_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character";
const LABEL_VALUE_RE = new RegExp(`^${LABEL_VALUE_FMT}$`);

const DNS1123_LABEL_FMT = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const DNS1123_SUBDOMAIN_FMT = `${DNS1123_LABEL_FMT}(\\.${DNS1123_LABEL_FMT})*`;
const DNS1123_SUBDOMAIN_ERR_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character";
const DNS1123_SUBDOMAIN_RE = new RegExp(`^${DNS1123_SUBDOMAIN_FMT}$`);

/** Kubernetes' `RegexError`: the rule, examples, and the regular expression that enforces it. */
function regexError(msg: string, re: string, ...examples: string[]): string {
  if (examples.length === 0) return `${msg} (regex used for validation is '${re}')`;
  let out = `${msg} (e.g. `;
  examples.forEach((example, i) => {
    if (i > 0) out += ' or ';
    out += `'${example}', `;
  });
  return `${out}regex used for validation is '${re}')`;
}

/** Kubernetes' `MaxLenError`. */
function maxLenError(length: number): string {
  return `must be no more than ${length} bytes`;
}

const EMPTY_ERROR = 'must be non-empty';

/** Length of `s` in UTF-8 bytes (Go's `len`); equals `s.length` for ASCII. */
export function utf8Length(s: string): number {
  let bytes = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) bytes += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        // A surrogate pair is 2 UTF-16 units and 4 UTF-8 bytes.
        bytes += 2;
        i++;
      } else bytes += 2;
    } else bytes += 2;
  }
  return bytes;
}

/** Problems of `value` as a lowercase RFC 1123 subdomain (`example.com`); empty when valid. */
export function validateDNS1123Subdomain(value: string): string[] {
  const errs: string[] = [];
  if (utf8Length(value) > DNS1123_SUBDOMAIN_MAX_LENGTH) errs.push(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
  if (!DNS1123_SUBDOMAIN_RE.test(value)) {
    errs.push(regexError(DNS1123_SUBDOMAIN_ERR_MSG, DNS1123_SUBDOMAIN_FMT, 'example.com'));
  }
  return errs;
}

/**
 * Problems of `key` as a label key (Kubernetes' "qualified name"): an optional DNS-1123 subdomain
 * prefix of at most 253 bytes and a `/`, then a name of 1–63 bytes of `[A-Za-z0-9_.-]` that starts
 * and ends with `[A-Za-z0-9]`. Returns an empty list when the key is valid.
 *
 * @example validateLabelKey('app.kubernetes.io/name') // []
 * @example validateLabelKey('-x') // ["name part must consist of alphanumeric characters, …"]
 */
export function validateLabelKey(key: string): string[] {
  const errs: string[] = [];
  const parts = key.split('/');
  let name: string;
  if (parts.length === 1) {
    name = parts[0]!;
  } else if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errs.push(`prefix part ${EMPTY_ERROR}`);
    else for (const msg of validateDNS1123Subdomain(prefix)) errs.push(`prefix part ${msg}`);
  } else {
    return [
      `a valid label key ${regexError(LABEL_KEY_ERR_MSG, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ];
  }
  if (name.length === 0) errs.push(`name part ${EMPTY_ERROR}`);
  else if (utf8Length(name) > LABEL_VALUE_MAX_LENGTH)
    errs.push(`name part ${maxLenError(LABEL_VALUE_MAX_LENGTH)}`);
  if (!LABEL_KEY_RE.test(name)) {
    errs.push(`name part ${regexError(LABEL_KEY_ERR_MSG, LABEL_KEY_FMT, 'MyName', 'my.name', '123-abc')}`);
  }
  return errs;
}

/**
 * Problems of `value` as a label value: empty, or at most 63 bytes of `[A-Za-z0-9_.-]` that start
 * and end with `[A-Za-z0-9]`. Returns an empty list when the value is valid.
 *
 * @example validateLabelValue('') // []
 * @example validateLabelValue('web-1') // []
 */
export function validateLabelValue(value: string): string[] {
  const errs: string[] = [];
  if (utf8Length(value) > LABEL_VALUE_MAX_LENGTH) errs.push(maxLenError(LABEL_VALUE_MAX_LENGTH));
  if (!LABEL_VALUE_RE.test(value)) {
    errs.push(regexError(LABEL_VALUE_ERR_MSG, LABEL_VALUE_FMT, 'MyValue', 'my_value', '12345'));
  }
  return errs;
}
