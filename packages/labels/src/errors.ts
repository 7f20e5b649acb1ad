import { formatLabelFieldError, type LabelFieldError } from './field-error.js';

/**
 * A selector string that Kubernetes' parser would reject.
 *
 * - `position` is the 0-based offset (in UTF-16 units) of the token where parsing failed.
 * - `detail` is Kubernetes' own error text (`unable to parse requirement: found ',', expected: in,
 *   notin, =, ==, !=, gt, lt`), for API responses that must read like Kubernetes'.
 * - `message` adds the position and the input, for people.
 */
export class SelectorParseError extends Error {
  override readonly name = 'SelectorParseError' as const;
  readonly input: string;
  readonly position: number;
  readonly detail: string;

  /** `hint` (optional) is added to the message only, e.g. the character Kubernetes prints as a number. */
  constructor(input: string, position: number, detail: string, hint?: string) {
    const extra = hint === undefined ? '' : ` ('${hint}')`;
    super(`${detail}${extra} (at position ${position} of ${JSON.stringify(input)})`);
    this.input = input;
    this.position = position;
    this.detail = detail;
  }
}

/** True for a {@link SelectorParseError}, also across module copies (checks `name`). */
export function isSelectorParseError(e: unknown): e is SelectorParseError {
  return e instanceof SelectorParseError || (e instanceof Error && e.name === 'SelectorParseError');
}

/**
 * A `LabelSelector` object (or a requirement built in code) that breaks Kubernetes' rules.
 * `errors` lists every problem with its field path; `message` joins them as Kubernetes' aggregate does.
 */
export class LabelSelectorError extends Error {
  override readonly name = 'LabelSelectorError' as const;
  readonly errors: readonly LabelFieldError[];

  constructor(errors: readonly LabelFieldError[]) {
    const messages = [...new Set(errors.map(formatLabelFieldError))];
    super(messages.length === 1 ? messages[0]! : `[${messages.join(', ')}]`);
    this.errors = errors;
  }
}

/** True for a {@link LabelSelectorError}, also across module copies (checks `name`). */
export function isLabelSelectorError(e: unknown): e is LabelSelectorError {
  return e instanceof LabelSelectorError || (e instanceof Error && e.name === 'LabelSelectorError');
}
