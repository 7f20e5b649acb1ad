/**
 * Resource quantities, as apimachinery's `resource.Quantity`: `"500m"`, `"1.5Gi"`, `"1e3"`, `"2"`.
 *
 * Guarantees:
 * - A quantity is an exact integer count of nano-units (`bigint`) plus the format family the text
 *   was written in; there is no floating point anywhere, so `0.1 + 0.2` is exactly `300m`.
 * - Parsing follows `resource.ParseQuantity`: values finer than `1n` round up (away from zero),
 *   binary quantities below 1 become decimal, and binary quantities are capped at 2^63-1.
 * - `formatQuantity` is Kubernetes' canonical form (`CanonicalizeBytes`): it keeps the family
 *   (binary `Ki…Ei`, decimal SI `n…E`, decimal exponent `eN`), uses the largest suffix that keeps
 *   the number an integer, and falls back to decimal SI when binary would lose precision.
 * - `parseQuantity(formatQuantity(q))` equals `q`, and formatting a canonical string gives it back.
 */

/** The three notations Kubernetes keeps apart when it re-renders a quantity. */
export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** A parsed quantity: an exact value in nano-units and the notation family it was written in. */
export interface Quantity {
  /** The value × 10^9, exact. */
  readonly nanos: bigint;
  readonly format: QuantityFormat;
}

/** Kubernetes' error for text that is not a quantity. */
export const QUANTITY_FORMAT_ERROR =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const SUFFIX_ERROR = "unable to parse quantity's suffix";
const QUANTITY_TOO_LARGE = 'quantity is too large (the exponent may not exceed 10^300)';
const MAX_SHIFT = 309;

/** Thrown by `parseQuantity`; `message` is apimachinery's text. */
export class QuantityParseError extends Error {
  override readonly name = 'QuantityParseError';
  constructor(
    readonly input: string,
    message: string,
  ) {
    super(message);
  }
}

const NANO = 1_000_000_000n;
const MAX_BINARY_NANOS = (2n ** 63n - 1n) * NANO;

const DECIMAL_SUFFIX_EXPONENT: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const BINARY_SUFFIX_EXPONENT: Readonly<Record<string, number>> = {
  Ki: 10,
  Mi: 20,
  Gi: 30,
  Ti: 40,
  Pi: 50,
  Ei: 60,
};
const DECIMAL_EXPONENT_SUFFIX = new Map(Object.entries(DECIMAL_SUFFIX_EXPONENT).map(([s, e]) => [e, s]));
const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'] as const;

const SUFFIX_CHARS = 'eEinumkKMGTP';
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

interface Parts {
  positive: boolean;
  num: string;
  denom: string;
  suffix: string;
}

/** Splits as apimachinery's `parseQuantityString`: sign, integer digits, fraction digits, suffix. */
function splitQuantity(str: string): Parts | undefined {
  let pos = 0;
  const end = str.length;
  let positive = true;
  if (str[0] === '-') {
    positive = false;
    pos++;
  } else if (str[0] === '+') {
    pos++;
  }
  while (pos < end && str[pos] === '0') pos++;
  const numStart = pos;
  while (pos < end && isDigit(str[pos])) pos++;
  const num = str.slice(numStart, pos) || '0';
  let denom = '';
  if (pos < end && str[pos] === '.') {
    pos++;
    const denomStart = pos;
    while (pos < end && isDigit(str[pos])) pos++;
    denom = str.slice(denomStart, pos);
  }
  const suffixStart = pos;
  while (pos < end && SUFFIX_CHARS.includes(str[pos] as string)) pos++;
  if (pos < end && (str[pos] === '-' || str[pos] === '+')) pos++;
  while (pos < end && isDigit(str[pos])) pos++;
  if (pos < end) return undefined;
  return { positive, num, denom, suffix: str.slice(suffixStart) };
}

type Interpreted = { base: 10 | 2; exponent: number; format: QuantityFormat };

function interpretSuffix(suffix: string): Interpreted | undefined {
  const dec = DECIMAL_SUFFIX_EXPONENT[suffix];
  if (dec !== undefined) return { base: 10, exponent: dec, format: 'DecimalSI' };
  const bin = BINARY_SUFFIX_EXPONENT[suffix];
  if (bin !== undefined) return { base: 2, exponent: bin, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E')) {
    const rest = suffix.slice(1);
    if (!/^[+-]?\d+$/.test(rest)) return undefined;
    const exponent = Number.parseInt(rest, 10);
    // Go parses the exponent as int32; anything larger is not a quantity.
    if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 2 ** 31 - 1) return undefined;
    return { base: 10, exponent, format: 'DecimalExponent' };
  }
  return undefined;
}

/** Divides rounding away from zero (Kubernetes' `inf.RoundUp`). */
function divRoundUp(n: bigint, d: bigint): bigint {
  const q = n / d;
  if (q * d === n) return q;
  return n < 0n ? q - 1n : q + 1n;
}

/** Parses a quantity or returns the Kubernetes error message. */
export function tryParseQuantity(input: string | number): Quantity | string {
  const str = typeof input === 'number' ? numberText(input) : input;
  if (str === undefined || str.length === 0) return QUANTITY_FORMAT_ERROR;
  const parts = splitQuantity(str);
  if (!parts) return QUANTITY_FORMAT_ERROR;
  const interpreted = interpretSuffix(parts.suffix);
  if (!interpreted) return SUFFIX_ERROR;
  // Magnitude as digits × 10^scale, then into nano-units.
  const digits = BigInt(parts.num + parts.denom);
  let scale = -parts.denom.length;
  let magnitude = digits;
  if (interpreted.base === 2) magnitude = digits << BigInt(interpreted.exponent);
  else scale += interpreted.exponent;
  let nanos: bigint;
  const shift = scale + 9;
  // Go keeps any exponent in an arbitrary-precision decimal; we bound it so that a hostile
  // "1e999999999" cannot allocate a gigantic integer.
  if (shift > MAX_SHIFT && magnitude !== 0n) return QUANTITY_TOO_LARGE;
  if (shift >= 0) nanos = magnitude * 10n ** BigInt(shift);
  else if (-shift > 40 && magnitude !== 0n) nanos = 1n;
  else nanos = divRoundUp(magnitude, 10n ** BigInt(-shift));
  let format = interpreted.format;
  if (format === 'BinarySI') {
    if (nanos > MAX_BINARY_NANOS) nanos = MAX_BINARY_NANOS;
    // Kubernetes' slow path (fractional binary values) turns values below 1 into decimal ones;
    // whole binary numbers (including 0Ki) keep their format.
    if (parts.denom.length > 0 && nanos < NANO) format = 'DecimalSI';
  }
  if (!parts.positive) nanos = -nanos;
  return { nanos, format };
}

function numberText(n: number): string | undefined {
  if (!Number.isFinite(n)) return undefined;
  // JSON numbers such as `cpu: 1` or `0.5`; exponent forms from JS become Kubernetes' exponent form.
  return String(n).replace('e+', 'e');
}

/** Parses a Kubernetes quantity (`"100m"`, `"1.5Gi"`, `"1e3"`, or a JSON number); throws `QuantityParseError`. */
export function parseQuantity(input: string | number): Quantity {
  const result = tryParseQuantity(input);
  if (typeof result === 'string') throw new QuantityParseError(String(input), result);
  return result;
}

/** True when `input` parses as a quantity. */
export function isQuantity(input: unknown): input is string | number {
  return (
    (typeof input === 'string' || typeof input === 'number') && typeof tryParseQuantity(input) !== 'string'
  );
}

/** Kubernetes' canonical text for a quantity (`resource.Quantity.String()`). */
export function formatQuantity(q: Quantity): string {
  const { nanos } = q;
  if (nanos === 0n) return '0';
  const negative = nanos < 0n;
  const abs = negative ? -nanos : nanos;
  const sign = negative ? '-' : '';
  if (q.format === 'BinarySI' && abs >= 1024n * NANO && abs % NANO === 0n) {
    let amount = abs / NANO;
    let exponent = 0;
    while (exponent < BINARY_SUFFIXES.length - 1 && amount % 1024n === 0n) {
      amount /= 1024n;
      exponent++;
    }
    return `${sign}${amount}${BINARY_SUFFIXES[exponent]}`;
  }
  // Decimal: remove factors of ten, then lower the exponent to a multiple of three.
  let amount = abs;
  let exponent = -9;
  while (amount % 10n === 0n) {
    amount /= 10n;
    exponent++;
  }
  const mod = ((exponent % 3) + 3) % 3;
  if (mod !== 0) {
    amount *= 10n ** BigInt(mod);
    exponent -= mod;
  }
  if (q.format === 'DecimalExponent' || exponent > 18) {
    return exponent === 0 ? `${sign}${amount}` : `${sign}${amount}e${exponent}`;
  }
  return `${sign}${amount}${DECIMAL_EXPONENT_SUFFIX.get(exponent) ?? ''}`;
}

/** Canonical text of a quantity string (`"1000m"` → `"1"`); throws `QuantityParseError` on bad input. */
export function canonicalQuantity(input: string | number): string {
  return formatQuantity(parseQuantity(input));
}

/** -1, 0 or 1, comparing values (formats are irrelevant). Accepts quantities or their text. */
export function compareQuantities(a: Quantity | string | number, b: Quantity | string | number): -1 | 0 | 1 {
  const x = toQuantity(a).nanos;
  const y = toQuantity(b).nanos;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Sum of quantities; as `Quantity.Add`, a zero accumulator takes the next operand's format. */
export function addQuantities(...qs: readonly (Quantity | string | number)[]): Quantity {
  let nanos = 0n;
  let format: QuantityFormat = 'DecimalSI';
  for (const item of qs) {
    const q = toQuantity(item);
    if (nanos === 0n) format = q.format;
    nanos += q.nanos;
  }
  return { nanos, format };
}

/** `a - b`, keeping `a`'s format (or `b`'s when `a` is zero). */
export function subtractQuantities(a: Quantity | string | number, b: Quantity | string | number): Quantity {
  const x = toQuantity(a);
  const y = toQuantity(b);
  return { nanos: x.nanos - y.nanos, format: x.nanos === 0n ? y.format : x.format };
}

/** `MilliValue()`: the value in thousandths, rounded away from zero. */
export function quantityToMilli(q: Quantity | string | number): number {
  return Number(divRoundUp(toQuantity(q).nanos, 1_000_000n));
}

/** `Value()`: the value as an integer, rounded away from zero (`"100m"` → 1). */
export function quantityToNumber(q: Quantity | string | number): number {
  return Number(divRoundUp(toQuantity(q).nanos, NANO));
}

/** Builds a quantity from a whole number of milli-units (`NewMilliQuantity`). */
export function milliQuantity(milli: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
  return { nanos: BigInt(milli) * 1_000_000n, format };
}

/** Builds a quantity from a whole number (`NewQuantity`). */
export function quantityOf(value: number | bigint, format: QuantityFormat = 'DecimalSI'): Quantity {
  return { nanos: BigInt(value) * NANO, format };
}

function toQuantity(q: Quantity | string | number): Quantity {
  if (typeof q === 'object') return q;
  const result = cachedTryParseQuantity(q);
  if (typeof result === 'string') throw new QuantityParseError(String(q), result);
  return result;
}

/*
 * `tryParseQuantity` behind a small memo, for the hot paths that parse the same few quantity strings (and
 * numbers) over and over (`"100m"`, `"512Mi"`, `0`): defaulting, the structural fast check, resource
 * validation, the scheduler's requests and the agent's QoS class each parse every quantity of every Pod,
 * with BigInt arithmetic each time. The memo holds at most `MEMO_ENTRIES` strings of at most
 * `MEMO_KEY_LENGTH` characters and is simply emptied when full, so hostile input cannot grow it. Results
 * are frozen: they are shared.
 */
const MEMO_ENTRIES = 2048;
const MEMO_KEY_LENGTH = 40;
const memo = new Map<string | number, Quantity | string>();

/** As `tryParseQuantity` (a quantity, or Kubernetes' error message); the result must not be mutated. */
export function cachedTryParseQuantity(input: string | number): Quantity | string {
  if (typeof input === 'string' ? input.length > MEMO_KEY_LENGTH : !Number.isFinite(input)) {
    return tryParseQuantity(input);
  }
  let result = memo.get(input);
  if (result === undefined) {
    const parsed = tryParseQuantity(input);
    result = typeof parsed === 'string' ? parsed : Object.freeze(parsed);
    if (memo.size >= MEMO_ENTRIES) memo.clear();
    memo.set(input, result);
  }
  return result;
}
