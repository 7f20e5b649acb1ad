/**
 * `tryParseQuantity` behind a small memo, for the hot paths that parse the same few quantity strings
 * over and over (`"100m"`, `"512Mi"`): defaulting, the structural fast check and resource
 * validation each parse every quantity of every Pod, with BigInt arithmetic each time.
 *
 * The memo holds at most `MAX_ENTRIES` strings of at most `MAX_KEY_LENGTH` characters and is simply
 * emptied when full, so hostile input cannot grow it. Results are frozen: they are shared.
 */
import { type Quantity, tryParseQuantity } from '../quantity.js';

const MAX_ENTRIES = 2048;
const MAX_KEY_LENGTH = 40;
const memo = new Map<string, Quantity | string>();

/** As `tryParseQuantity` (a quantity, or Kubernetes' error message); the result must not be mutated. */
export function cachedTryParseQuantity(input: string | number): Quantity | string {
  if (typeof input !== 'string' || input.length > MAX_KEY_LENGTH) return tryParseQuantity(input);
  let result = memo.get(input);
  if (result === undefined) {
    const parsed = tryParseQuantity(input);
    result = typeof parsed === 'string' ? parsed : Object.freeze(parsed);
    if (memo.size >= MAX_ENTRIES) memo.clear();
    memo.set(input, result);
  }
  return result;
}
