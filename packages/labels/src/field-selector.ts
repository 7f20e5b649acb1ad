import { SelectorParseError } from './errors.js';

/** Field values by field path (`metadata.name` → `web-1`), as Kubernetes' `fields.Set`. */
export type Fields = Readonly<Record<string, string>>;

/** `=` (also written `==`) or `!=`. */
export type FieldOperator = '=' | '!=';

/** One term of a field selector. `value` is unescaped. */
export interface FieldRequirement {
  readonly field: string;
  readonly operator: FieldOperator;
  readonly value: string;
}

/**
 * A field selector (`kubectl --field-selector`), with Kubernetes' `fields.Selector` semantics:
 * - the AND of its terms; a missing field reads as `''`, so `spec.nodeName=` matches unbound Pods and
 *   `x!=y` matches objects without `x`;
 * - `toString()` is canonical: terms sorted, `==` printed as `=`, values escaped; parsing it gives an
 *   equal selector.
 */
export interface FieldSelector {
  readonly requirements: readonly FieldRequirement[];
  /** True when the fields satisfy every term. */
  readonly matches: (fields: Fields) => boolean;
  /**
   * True when the object satisfies every term, reading each field by its dotted path
   * (`status.phase` → `obj.status.phase`); numbers and booleans compare as their string form,
   * anything else missing as `''`.
   */
  matchesObject(object: unknown): boolean;
  /** True when there are no terms (matches everything). */
  isEmpty(): boolean;
  toString(): string;
  /** The value an `=` term requires of the field, else `undefined`. */
  requiresExactMatch(field: string): string | undefined;
}

/** Options of {@link parseFieldSelector}. */
export interface ParseFieldSelectorOptions {
  /**
   * Field paths this resource supports (`metadata.name`, `status.phase`, …). A term on any other
   * field is rejected with Kubernetes' message `field label not supported: <field>`.
   */
  readonly allowedFields?: Iterable<string>;
}

/** Escapes `\`, `,` and `=` with a backslash (Kubernetes' `fields.EscapeValue`). */
export function escapeFieldValue(value: string): string {
  return value.replace(/[\\,=]/g, (c) => `\\${c}`);
}

class UnescapeError {
  constructor(
    readonly offset: number,
    readonly detail: string,
    readonly hint?: string,
  ) {}
}

function unescapeRaw(raw: string): string {
  if (!/[\\,=]/.test(raw)) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '\\') {
      if (i + 1 >= raw.length)
        throw new UnescapeError(i, 'invalid field selector: invalid escape sequence: \\');
      const next = String.fromCodePoint(raw.codePointAt(i + 1)!);
      if (next !== '\\' && next !== ',' && next !== '=') {
        throw new UnescapeError(i, `invalid field selector: invalid escape sequence: \\${next}`);
      }
      out += next;
      i++;
    } else if (c === ',' || c === '=') {
      // Kubernetes prints the character's code point (`%v` of a rune).
      throw new UnescapeError(
        i,
        `invalid field selector: unescaped character in value: ${c.charCodeAt(0)}`,
        c,
      );
    } else {
      out += c;
    }
  }
  return out;
}

/**
 * Reverses {@link escapeFieldValue} (Kubernetes' `fields.UnescapeValue`). Throws a
 * `SelectorParseError` on an unknown escape (`\x`), a trailing `\`, or an unescaped `,` or `=`.
 */
export function unescapeFieldValue(value: string): string {
  try {
    return unescapeRaw(value);
  } catch (e) {
    if (e instanceof UnescapeError) throw new SelectorParseError(value, e.offset, e.detail, e.hint);
    throw e;
  }
}

/** Comma-separated terms; `\,` is data, not a separator. */
function splitTerms(text: string): Array<{ text: string; position: number }> {
  if (text.length === 0) return [];
  const terms: Array<{ text: string; position: number }> = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push({ text: text.slice(start, i), position: start });
      start = i + 1;
    }
  }
  terms.push({ text: text.slice(start), position: start });
  return terms;
}

const TERM_OPERATORS = ['!=', '==', '='] as const;

/** Splits at the first operator: the field part cannot escape anything. */
function splitTerm(
  term: string,
): { lhs: string; op: (typeof TERM_OPERATORS)[number]; rhs: string; at: number } | null {
  for (let i = 0; i < term.length; i++) {
    for (const op of TERM_OPERATORS) {
      if (term.startsWith(op, i))
        return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length), at: i + op.length };
    }
  }
  return null;
}

function termToString(r: FieldRequirement): string {
  return `${r.field}${r.operator}${escapeFieldValue(r.value)}`;
}

/** Split paths, as a watch cache reads the same few (`spec.nodeName`) for every write. */
const splitPaths = new Map<string, readonly string[]>();

function segmentsOf(path: string): readonly string[] {
  let segments = splitPaths.get(path);
  if (segments === undefined) {
    if (splitPaths.size >= 256) splitPaths.clear(); // bounded: paths come from selectors, i.e. users
    segments = path.split('.');
    splitPaths.set(path, segments);
  }
  return segments;
}

/**
 * A field's value as field selectors read it from an object: `spec.nodeName` → the string; numbers and
 * booleans as text; anything missing or not a scalar reads as `''` (so `spec.nodeName=` matches unbound Pods).
 */
export function readFieldPath(object: unknown, path: string): string {
  return readSegments(object, segmentsOf(path));
}

function readSegments(object: unknown, segments: readonly string[]): string {
  let cur: unknown = object;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as string;
    if (typeof cur !== 'object' || cur === null || !Object.hasOwn(cur, segment)) return '';
    cur = (cur as Record<string, unknown>)[segment];
  }
  if (typeof cur === 'string') return cur;
  if (typeof cur === 'number' || typeof cur === 'boolean') return String(cur);
  return '';
}

function fieldValue(fields: Fields, field: string): string {
  const v = fields[field];
  return typeof v === 'string' && Object.hasOwn(fields, field) ? v : '';
}

class TermsSelector implements FieldSelector {
  readonly requirements: readonly FieldRequirement[];
  readonly matches: (fields: Fields) => boolean;
  readonly #text: string;
  #paths: readonly (readonly string[])[] | undefined;

  constructor(requirements: readonly FieldRequirement[]) {
    const withText = requirements.map((r) => ({ r: Object.freeze({ ...r }), text: termToString(r) }));
    withText.sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
    this.requirements = Object.freeze(withText.map((x) => x.r));
    this.#text = withText.map((x) => x.text).join(',');
    const reqs = this.requirements;
    this.matches = (fields) => {
      for (const r of reqs) {
        if ((fieldValue(fields, r.field) === r.value) !== (r.operator === '=')) return false;
      }
      return true;
    };
  }

  matchesObject(object: unknown): boolean {
    // A watch cache asks this for every write: the paths are split once, here.
    this.#paths ??= this.requirements.map((r) => Object.freeze(r.field.split('.')));
    for (let i = 0; i < this.requirements.length; i++) {
      const r = this.requirements[i] as FieldRequirement;
      if ((readSegments(object, this.#paths[i] as readonly string[]) === r.value) !== (r.operator === '=')) {
        return false;
      }
    }
    return true;
  }

  isEmpty(): boolean {
    return this.requirements.length === 0;
  }

  toString(): string {
    return this.#text;
  }

  requiresExactMatch(field: string): string | undefined {
    return this.requirements.find((r) => r.field === field && r.operator === '=')?.value;
  }
}

/**
 * Parses a field selector as Kubernetes' `fields.ParseSelector` does: comma-separated terms
 * `field=value`, `field==value` or `field!=value`; empty terms are skipped (`''` matches everything);
 * in values `\\`, `\,` and `\=` stand for `\`, `,` and `=`, and a bare `,` or `=` is an error. The
 * field part is everything before the first operator. Throws a `SelectorParseError` with the position
 * of the offending term or character.
 *
 * @example parseFieldSelector('status.phase=Running,spec.nodeName!=n1').matches({ 'status.phase': 'Running' }) // true
 */
export function parseFieldSelector(text: string, options: ParseFieldSelectorOptions = {}): FieldSelector {
  const allowed = options.allowedFields === undefined ? undefined : new Set(options.allowedFields);
  const parts = splitTerms(text).sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0));
  const reqs: FieldRequirement[] = [];
  for (const part of parts) {
    if (part.text === '') continue;
    const split = splitTerm(part.text);
    if (split === null) {
      throw new SelectorParseError(
        text,
        part.position,
        `invalid selector: '${text}'; can't understand '${part.text}'`,
      );
    }
    let value: string;
    try {
      value = unescapeRaw(split.rhs);
    } catch (e) {
      if (e instanceof UnescapeError) {
        throw new SelectorParseError(text, part.position + split.at + e.offset, e.detail, e.hint);
      }
      throw e;
    }
    if (allowed !== undefined && !allowed.has(split.lhs)) {
      throw new SelectorParseError(text, part.position, `field label not supported: ${split.lhs}`);
    }
    reqs.push({ field: split.lhs, operator: split.op === '!=' ? '!=' : '=', value });
  }
  return new TermsSelector(reqs);
}

/** A field selector requiring each `field=value` of the set (Kubernetes' `fields.SelectorFromSet`). */
export function fieldSelectorFromSet(fields: Fields | null | undefined): FieldSelector {
  const entries = fields == null ? [] : Object.keys(fields);
  return new TermsSelector(entries.map((field) => ({ field, operator: '=', value: fields![field]! })));
}
