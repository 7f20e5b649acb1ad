import { SelectorParseError } from './errors.js';
import { formatLabelFieldError, goQuote } from './field-error.js';
import { lex, type Token, type TokenKind } from './lexer.js';
import { type Operator, type Requirement, requirementOf, validateRequirement } from './requirement.js';
import { everything, type Selector, selectorFromRequirements } from './selector.js';
import { validateLabelKey } from './validation.js';

/** Where a token is read: in value position the keywords `in`/`notin` are plain identifiers. */
type Context = 'keyAndOperator' | 'values';

const BINARY_OPERATORS = 'in, notin, =, ==, !=, gt, lt';

class Failure {
  constructor(
    readonly position: number,
    readonly detail: string,
  ) {}
}

class Parser {
  #pos = 0;
  constructor(
    readonly input: string,
    readonly tokens: readonly Token[],
  ) {}

  #item(index: number, context: Context): { kind: TokenKind; token: Token } {
    // Never read past the final `end` token.
    const token = this.tokens[Math.min(index, this.tokens.length - 1)]!;
    const kind =
      context === 'values' && (token.kind === 'in' || token.kind === 'notin') ? 'identifier' : token.kind;
    return { kind, token };
  }

  lookahead(context: Context): { kind: TokenKind; token: Token } {
    return this.#item(this.#pos, context);
  }

  consume(context: Context): { kind: TokenKind; token: Token } {
    return this.#item(this.#pos++, context);
  }

  parse(): Requirement[] {
    const requirements: Requirement[] = [];
    for (;;) {
      const { kind, token } = this.lookahead('values');
      if (kind === 'end') return requirements;
      if (kind !== 'identifier' && kind !== '!') {
        throw new Failure(
          token.position,
          `found '${token.literal}', expected: !, identifier, or 'end of string'`,
        );
      }
      try {
        requirements.push(this.parseRequirement());
      } catch (e) {
        if (e instanceof Failure) throw new Failure(e.position, `unable to parse requirement: ${e.detail}`);
        throw e;
      }
      const after = this.consume('values');
      if (after.kind === 'end') return requirements;
      if (after.kind !== ',') {
        throw new Failure(
          after.token.position,
          `found '${after.token.literal}', expected: ',' or 'end of string'`,
        );
      }
      const next = this.lookahead('values');
      if (next.kind !== 'identifier' && next.kind !== '!') {
        throw new Failure(
          next.token.position,
          `found '${next.token.literal}', expected: identifier after ','`,
        );
      }
    }
  }

  parseRequirement(): Requirement {
    const start = this.lookahead('values').token.position;
    let first = this.consume('values');
    let operator: Operator | undefined;
    if (first.kind === '!') {
      operator = '!';
      first = this.consume('values');
    }
    if (first.kind !== 'identifier') {
      throw new Failure(first.token.position, `found '${first.token.literal}', expected: identifier`);
    }
    const key = first.token.literal;
    const keyErrs = validateLabelKey(key);
    if (keyErrs.length > 0) {
      throw new Failure(first.token.position, `<nil>: Invalid value: ${goQuote(key)}: ${keyErrs.join('; ')}`);
    }
    const follow = this.lookahead('values').kind;
    if (operator === undefined && (follow === 'end' || follow === ',')) operator = 'exists';
    if (operator === 'exists' || operator === '!') return this.build(key, operator, [], start, new Map());

    const opToken = this.consume('keyAndOperator');
    let op: Operator;
    switch (opToken.kind) {
      case 'in':
        op = 'in';
        break;
      case 'notin':
        op = 'notin';
        break;
      case '=':
        op = '=';
        break;
      case '==':
        op = '==';
        break;
      case '!=':
        op = '!=';
        break;
      case '>':
        op = 'gt';
        break;
      case '<':
        op = 'lt';
        break;
      default:
        throw new Failure(
          opToken.token.position,
          `found '${opToken.token.literal}', expected: ${BINARY_OPERATORS}`,
        );
    }
    const positions = new Map<string, number>();
    const values =
      op === 'in' || op === 'notin' ? this.parseValues(positions) : this.parseExactValue(positions);
    return this.build(key, op, values, start, positions);
  }

  /** Kubernetes' `NewRequirement` checks, reported as its aggregated field errors. */
  build(
    key: string,
    op: Operator,
    values: readonly string[],
    start: number,
    positions: ReadonlyMap<string, number>,
  ): Requirement {
    const req = requirementOf(key, op, values);
    const errs = validateRequirement(key, op, req.values);
    if (errs.length === 0) return req;
    const messages = [...new Set(errs.map(formatLabelFieldError))];
    const detail = messages.length === 1 ? messages[0]! : `[${messages.join(', ')}]`;
    const firstValue = errs[0]!.value;
    const at = typeof firstValue === 'string' ? (positions.get(firstValue) ?? start) : start;
    throw new Failure(at, detail);
  }

  parseValues(positions: Map<string, number>): string[] {
    const open = this.consume('values');
    if (open.kind !== '(')
      throw new Failure(open.token.position, `found '${open.token.literal}' expected: '('`);
    const { kind, token } = this.lookahead('values');
    if (kind === ')') {
      this.consume('values');
      positions.set('', token.position);
      return [''];
    }
    if (kind !== 'identifier' && kind !== ',') {
      throw new Failure(token.position, `found '${token.literal}', expected: ',', ')' or identifier`);
    }
    const values = this.parseIdentifiersList(positions);
    const close = this.consume('values');
    if (close.kind !== ')')
      throw new Failure(close.token.position, `found '${token.literal}', expected: ')'`);
    return values;
  }

  /** A list of comma-separated, possibly empty, identifiers, up to (not including) `)`. */
  parseIdentifiersList(positions: Map<string, number>): string[] {
    const values = new Set<string>();
    const add = (value: string, position: number): void => {
      values.add(value);
      if (!positions.has(value)) positions.set(value, position);
    };
    for (;;) {
      const { kind, token } = this.consume('values');
      if (kind === 'identifier') {
        add(token.literal, token.position);
        const next = this.lookahead('values');
        if (next.kind === ',') continue;
        if (next.kind === ')') return [...values];
        throw new Failure(next.token.position, `found '${next.token.literal}', expected: ',' or ')'`);
      }
      if (kind === ',') {
        if (values.size === 0) add('', token.position); // "(,"
        const next = this.lookahead('values');
        if (next.kind === ')') {
          add('', token.position); // ",)"
          return [...values];
        }
        if (next.kind === ',') {
          this.consume('values');
          add('', token.position); // ",,"
        }
        continue;
      }
      throw new Failure(token.position, `found '${token.literal}', expected: ',', or identifier`);
    }
  }

  /** The one value of `=`, `==`, `!=`, `>`, `<`; empty when the requirement ends right away. */
  parseExactValue(positions: Map<string, number>): string[] {
    const next = this.lookahead('values');
    if (next.kind === 'end' || next.kind === ',') {
      positions.set('', next.token.position);
      return [''];
    }
    const { kind, token } = this.consume('values');
    if (kind === 'identifier') {
      positions.set(token.literal, token.position);
      return [token.literal];
    }
    throw new Failure(token.position, `found '${token.literal}', expected: identifier`);
  }
}

/**
 * Parses a label selector string exactly as Kubernetes' `labels.Parse` does: the same strings are
 * accepted and rejected, and the result matches the same label sets. Throws a
 * {@link SelectorParseError} carrying the position and Kubernetes' message.
 *
 * Grammar:
 * ```
 * <selector-syntax>         ::= "" | <requirement> | <requirement> "," <selector-syntax>
 * <requirement>             ::= [!] KEY [ <set-based-restriction> | <exact-match-restriction> ]
 * <set-based-restriction>   ::= "" | <inclusion-exclusion> <value-set>
 * <inclusion-exclusion>     ::= "in" | "notin"
 * <value-set>               ::= "(" <values> ")"
 * <values>                  ::= VALUE | VALUE "," <values>
 * <exact-match-restriction> ::= ("=" | "==" | "!=" | ">" | "<") VALUE
 * ```
 * KEY is a label key: an optional DNS-1123 subdomain prefix (≤ 253 bytes) and `/`, then a name of
 * ≤ 63 bytes of `[A-Za-z0-9_.-]` starting and ending alphanumeric. VALUE is empty or such a name.
 * Whitespace (space, tab, CR, LF) may surround every token.
 *
 * Notes, all as in Kubernetes:
 * 1. The empty string is the empty selector and matches everything.
 * 2. A VALUE may be empty: `a=`, `a in ()`, `a in (x,)`, `a in (,)` (but `a in (,,)` is an error).
 * 3. `in`/`notin` are also valid values: `x in (in, notin)` and `notin=in` parse.
 * 4. `!key` requires the key to be absent; `!=` and `notin` also match when the key is absent.
 * 5. `>`/`<` take a 64-bit integer and match labels whose value parses as one.
 * 6. A `!` cannot take an operator (`!a=b` is an error); `,` must separate requirements.
 * 7. Requirements are sorted by key; set values are sorted and deduplicated.
 *
 * @example parseSelector('app=web,tier in (fe,be),!canary').toString() // "app=web,!canary,tier in (be,fe)"
 */
export function parseSelector(text: string): Selector {
  const tokens = lex(text);
  if (tokens.length === 1) return everything();
  try {
    return selectorFromRequirements(new Parser(text, tokens).parse());
  } catch (e) {
    if (e instanceof Failure) throw new SelectorParseError(text, e.position, e.detail);
    throw e;
  }
}
