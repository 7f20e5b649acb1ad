/**
 * Remembers strings a validator found valid, for validators that run on the same few strings for
 * every object (label keys such as `app`, annotation keys, resource names). Only valid strings are
 * kept — an invalid one is re-checked each time, so its messages are always fresh — and each memo is
 * bounded (emptied when full, strings over `MAX_LENGTH` never kept) so hostile input cannot grow it.
 */
const MAX_ENTRIES = 4096;
const MAX_LENGTH = 320;
const NONE: readonly string[] = Object.freeze([]);

export type Validator = (value: string) => readonly string[];

/** `validator` with a memo of the values it accepted; same results. */
export function memoizeValid(validator: Validator): Validator {
  const valid = new Set<string>();
  return (value) => {
    if (valid.has(value)) return NONE;
    const messages = validator(value);
    if (messages.length === 0 && value.length <= MAX_LENGTH) {
      if (valid.size >= MAX_ENTRIES) valid.clear();
      valid.add(value);
    }
    return messages;
  };
}
