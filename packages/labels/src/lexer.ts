/**
 * The label selector lexer, token for token as Kubernetes' `labels.Lexer`:
 * - Whitespace is space, tab, CR and LF; it separates tokens and is otherwise ignored.
 * - The special symbols `= ! ( ) , > <` form the operators `=`, `==`, `!=`, `!`, `(`, `)`, `,`, `>`,
 *   `<` (longest match first).
 * - Every other run of characters is an identifier, except the keywords `in` and `notin`.
 * - A NUL character ends the current identifier or operator (and is consumed with it); where a
 *   token would start, it ends the input (Kubernetes reads NUL as its end-of-input byte).
 */

/** Token kinds; operators and keywords are their own literal. */
export type TokenKind =
  | 'end'
  | 'identifier'
  | 'in'
  | 'notin'
  | '='
  | '=='
  | '!='
  | '!'
  | '>'
  | '<'
  | '('
  | ')'
  | ',';

export interface Token {
  readonly kind: TokenKind;
  /** The text of the token (`''` for the end). */
  readonly literal: string;
  /** Offset of the token's first character in the input. */
  readonly position: number;
}

function isWhitespace(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 10;
}

function isSpecial(c: number): boolean {
  // = ! ( ) , > <
  return c === 61 || c === 33 || c === 40 || c === 41 || c === 44 || c === 62 || c === 60;
}

/** Scans the whole input; the last token is always `end`. */
export function lex(input: string): Token[] {
  const tokens: Token[] = [];
  const n = input.length;
  let pos = 0;
  for (;;) {
    while (pos < n && isWhitespace(input.charCodeAt(pos))) pos++;
    if (pos >= n || input.charCodeAt(pos) === 0) {
      tokens.push({ kind: 'end', literal: '', position: Math.min(pos, n) });
      return tokens;
    }
    const start = pos;
    const c = input.charCodeAt(pos);
    if (isSpecial(c)) {
      const next = pos + 1 < n ? input.charCodeAt(pos + 1) : -1;
      if ((c === 61 /* = */ || c === 33) /* ! */ && next === 61) {
        tokens.push({ kind: c === 61 ? '==' : '!=', literal: input.slice(pos, pos + 2), position: start });
        pos += 2;
      } else {
        const literal = input[pos]!;
        tokens.push({ kind: literal as TokenKind, literal, position: start });
        pos += 1;
      }
      // Kubernetes' symbol scanner consumes a NUL that follows an operator.
      if (pos < n && input.charCodeAt(pos) === 0) pos++;
      continue;
    }
    while (pos < n) {
      const d = input.charCodeAt(pos);
      if (d === 0 || isSpecial(d) || isWhitespace(d)) break;
      pos++;
    }
    const literal = input.slice(start, pos);
    // A NUL ends the identifier and is consumed with it.
    if (pos < n && input.charCodeAt(pos) === 0) pos++;
    const kind: TokenKind = literal === 'in' ? 'in' : literal === 'notin' ? 'notin' : 'identifier';
    tokens.push({ kind, literal, position: start });
  }
}
