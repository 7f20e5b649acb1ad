import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addQuantities,
  cachedTryParseQuantity,
  canonicalQuantity,
  compareQuantities,
  formatQuantity,
  isQuantity,
  milliQuantity,
  parseQuantity,
  QUANTITY_FORMAT_ERROR,
  type QuantityFormat,
  QuantityParseError,
  quantityOf,
  quantityToMilli,
  quantityToNumber,
  subtractQuantities,
  tryParseQuantity,
} from './quantity.js';

const N = 1_000_000_000n;

// apimachinery quantity_test.go TestQuantityParse: input → exact value (in nano-units) and format.
const parseTable: [string, bigint, QuantityFormat][] = [
  ['0', 0n, 'DecimalSI'],
  ['0n', 0n, 'DecimalSI'],
  ['0u', 0n, 'DecimalSI'],
  ['0m', 0n, 'DecimalSI'],
  ['0Ki', 0n, 'BinarySI'],
  ['0k', 0n, 'DecimalSI'],
  ['0Mi', 0n, 'BinarySI'],
  ['0Ti', 0n, 'BinarySI'],
  ['1', N, 'DecimalSI'],
  ['1Ki', 1024n * N, 'BinarySI'],
  ['8Ki', 8n * 1024n * N, 'BinarySI'],
  ['7Mi', 7n * 1024n ** 2n * N, 'BinarySI'],
  ['6Gi', 6n * 1024n ** 3n * N, 'BinarySI'],
  ['5Ti', 5n * 1024n ** 4n * N, 'BinarySI'],
  ['4Pi', 4n * 1024n ** 5n * N, 'BinarySI'],
  ['3Ei', 3n * 1024n ** 6n * N, 'BinarySI'],
  ['5n', 5n, 'DecimalSI'],
  ['4u', 4000n, 'DecimalSI'],
  ['3m', 3_000_000n, 'DecimalSI'],
  ['8k', 8000n * N, 'DecimalSI'],
  ['50k', 50_000n * N, 'DecimalSI'],
  ['7M', 7n * 10n ** 6n * N, 'DecimalSI'],
  ['2P', 2n * 10n ** 15n * N, 'DecimalSI'],
  ['1E', 10n ** 18n * N, 'DecimalSI'],
  ['1E-3', 1_000_000n, 'DecimalExponent'],
  ['1e3', 1000n * N, 'DecimalExponent'],
  ['1E6', 10n ** 6n * N, 'DecimalExponent'],
  ['1e14', 10n ** 14n * N, 'DecimalExponent'],
  ['100.035k', 100_035n * N, 'DecimalSI'],
  ['0.001', 1_000_000n, 'DecimalSI'],
  ['0.0005k', 500_000_000n, 'DecimalSI'],
  ['0.5', 500_000_000n, 'DecimalSI'],
  ['0.00050k', 500_000_000n, 'DecimalSI'],
  ['0.5e0', 500_000_000n, 'DecimalExponent'],
  ['0.5e-2', 5_000_000n, 'DecimalExponent'],
  ['10.035M', 10_035_000n * N, 'DecimalSI'],
  ['1.2e3', 1200n * N, 'DecimalExponent'],
  ['1.3E+6', 1_300_000n * N, 'DecimalExponent'],
  ['1.53E12', 153n * 10n ** 10n * N, 'DecimalExponent'],
  ['9.01', 9_010_000_000n, 'DecimalSI'],
  ['6.987654321G', 6_987_654_321n * N, 'DecimalSI'],
  ['1.01E', 101n * 10n ** 16n * N, 'DecimalSI'],
  // rounding up to nano
  ['3.001n', 4n, 'DecimalSI'],
  ['1.1E-9', 2n, 'DecimalExponent'],
  ['0.0000000001', 1n, 'DecimalSI'],
  ['0.0000000005', 1n, 'DecimalSI'],
  ['0.5e-9', 1n, 'DecimalExponent'],
  ['0.9n', 1n, 'DecimalSI'],
  ['0.00000012345', 124n, 'DecimalSI'],
  // binary maximum
  ['9Ei', (2n ** 63n - 1n) * N, 'BinarySI'],
  ['9223372036854775807Ki', (2n ** 63n - 1n) * N, 'BinarySI'],
  ['12E', 12n * 10n ** 18n * N, 'DecimalSI'],
  ['100.035Ki', 102_435_840_000_000n, 'BinarySI'],
  ['0.5Mi', 524_288n * N, 'BinarySI'],
  ['0.025Ti', 27_487_790_694_400_000_000n, 'BinarySI'],
  ['0.000000000001Ki', 2n, 'DecimalSI'],
  ['.001', 1_000_000n, 'DecimalSI'],
  ['.0001k', 100_000_000n, 'DecimalSI'],
  ['1.', N, 'DecimalSI'],
  ['1.G', N * N, 'DecimalSI'],
  ['.', 0n, 'DecimalSI'],
  ['-.', 0n, 'DecimalSI'],
];

describe('parseQuantity', () => {
  it.each(parseTable)('%s', (input, nanos, format) => {
    expect(parseQuantity(input)).toEqual({ nanos, format });
    if (input.startsWith('-')) return;
    expect(parseQuantity(`+${input}`)).toEqual({ nanos, format });
    expect(parseQuantity(`-${input}`)).toEqual({ nanos: -nanos, format });
  });

  it.each([
    '1.1.M',
    '1+1.0M',
    '0.1mi',
    '0.1am',
    'aoeu',
    '.5i',
    '1i',
    '-3.01i',
    '-3.01e-',
    ' 1',
    '1 ',
    '',
    '1e',
    '5 Mi',
  ])('rejects %j', (input) => {
    expect(() => parseQuantity(input)).toThrow(QuantityParseError);
    expect(typeof tryParseQuantity(input)).toBe('string');
    expect(isQuantity(input)).toBe(false);
  });

  it("uses Kubernetes' message for malformed text", () => {
    expect(tryParseQuantity('aoeu')).toBe(QUANTITY_FORMAT_ERROR);
    expect(QUANTITY_FORMAT_ERROR).toBe(
      "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
    );
    expect(tryParseQuantity('1i')).toBe("unable to parse quantity's suffix");
  });

  it('accepts JSON numbers', () => {
    expect(canonicalQuantity(1)).toBe('1');
    expect(canonicalQuantity(0.5)).toBe('500m');
    expect(canonicalQuantity(1e21)).toBe('1e21');
  });

  it('refuses absurd exponents instead of allocating', () => {
    expect(typeof tryParseQuantity('1e999999999')).toBe('string');
    expect(parseQuantity('1e-999999999')).toEqual({ nanos: 1n, format: 'DecimalExponent' });
  });
});

// TestQuantityString / TestQuantityParseEmit: canonical form and alternate spellings.
const formatTable: [string, string][] = [
  ['1Gi', '1Gi'],
  ['1024Mi', '1Gi'],
  ['300Mi', '300Mi'],
  ['307200Ki', '300Mi'],
  ['6Ki', '6Ki'],
  ['1001Gi', '1001Gi'],
  ['1025024Mi', '1001Gi'],
  ['1Ti', '1Ti'],
  ['1024Gi', '1Ti'],
  ['5000m', '5'],
  ['0.5', '500m'],
  ['1G', '1G'],
  ['1000M', '1G'],
  ['0.001T', '1G'],
  ['1000u', '1m'],
  ['80m', '80m'],
  ['1.08', '1080m'],
  ['1080000000n', '1080m'],
  ['300M', '300M'],
  ['1T', '1T'],
  ['1E', '1E'],
  ['1000E', '1e21'],
  ['5000E', '5e21'],
  ['1000000E', '1e24'],
  ['1234567M', '1234567M'],
  ['3k', '3k'],
  ['1025Ki', '1025Ki'],
  ['1025', '1025'],
  ['0', '0'],
  ['0Gi', '0'],
  ['1e9', '1e9'],
  ['.001e12', '1e9'],
  ['1e-3', '1e-3'],
  ['0.001e0', '1e-3'],
  ['1000e-12', '1e-9'],
  ['80e-3', '80e-3'],
  ['300e6', '300e6'],
  ['1e3', '1e3'],
  ['3e3', '3e3'],
  ['00', '0'],
  ['1n', '1n'],
  ['1080n', '1080n'],
  ['1080u', '1080u'],
  ['1Ki', '1Ki'],
  ['1Mi', '1Mi'],
  ['.001Ki', '1024m'],
  ['.000001Ki', '1024u'],
  ['.000000001Ki', '1024n'],
  ['.000000000001Ki', '2n'],
  ['1.5Gi', '1536Mi'],
  ['1536Mi', '1536Mi'],
  ['1000m', '1'],
  ['100m', '100m'],
  ['1.01E', '1010P'],
  ['1.5e3', '1500'],
];

describe('formatQuantity', () => {
  it.each(formatTable)('%s → %s', (input, want) => {
    expect(formatQuantity(parseQuantity(input))).toBe(want);
    if (want !== '0') expect(formatQuantity(parseQuantity(`-${input}`))).toBe(`-${want}`);
  });

  it.each([
    [1n, 'DecimalSI', '1m'],
    [1000n, 'DecimalSI', '1'],
    [1_234_000n, 'DecimalSI', '1234'],
    [1024n, 'BinarySI', '1024m'],
    [1_000_000n, 'DecimalExponent', '1e3'],
    [1024n * 1024n, 'BinarySI', '1048576m'],
  ] as const)('milliQuantity(%s, %s) → %s', (milli, format, want) => {
    expect(formatQuantity(milliQuantity(milli, format))).toBe(want);
  });

  it.each([
    [1, 'DecimalSI', '1'],
    [1000, 'DecimalSI', '1k'],
    [1_234_000, 'DecimalSI', '1234k'],
    [1024, 'BinarySI', '1Ki'],
    [1_000_000, 'DecimalExponent', '1e6'],
    [1024 * 1024, 'BinarySI', '1Mi'],
  ] as const)('quantityOf(%s, %s) → %s', (value, format, want) => {
    expect(formatQuantity(quantityOf(value, format))).toBe(want);
  });
});

describe('comparison and arithmetic', () => {
  it.each([
    ['0', '0', 0],
    ['100m', '50m', 1],
    ['50m', '100m', -1],
    ['10000T', '100Gi', 1],
    ['1Gi', '1073741824', 0],
    ['1k', '1000', 0],
    ['1e3', '1k', 0],
    ['-1', '1m', -1],
    ['0.1', '100m', 0],
  ] as const)('compare(%s, %s) = %i', (a, b, want) => {
    expect(compareQuantities(a, b)).toBe(want);
    expect(compareQuantities(b, a)).toBe(want === 0 ? 0 : -want);
  });

  it.each([
    ['100m', 100, 1],
    ['1', 1000, 1],
    ['1.5', 1500, 2],
    ['1n', 1, 1],
    ['-1n', -1, -1],
    ['1Ki', 1_024_000, 1024],
    ['9.01', 9010, 10],
    ['-9.01', -9010, -10],
  ] as const)('%s: milli %i, value %i (rounded away from zero)', (q, milli, value) => {
    expect(quantityToMilli(q)).toBe(milli);
    expect(quantityToNumber(parseQuantity(q))).toBe(value);
  });

  it('adds and subtracts without floating-point drift', () => {
    expect(formatQuantity(addQuantities('0.1', '0.2'))).toBe('300m');
    expect(formatQuantity(addQuantities('1Gi', '512Mi'))).toBe('1536Mi');
    expect(formatQuantity(subtractQuantities('1', '1m'))).toBe('999m');
    expect(formatQuantity(addQuantities())).toBe('0');
  });

  it.each(['100m', '1Gi'])(
    'a zero operand keeps the suffix of %s (TestQuantityAddZeroPreservesSuffix)',
    (v) => {
      expect(formatQuantity(addQuantities(v, '0'))).toBe(v);
      expect(formatQuantity(addQuantities('0', v))).toBe(v);
      expect(formatQuantity(subtractQuantities(v, '0'))).toBe(v);
      expect(formatQuantity(subtractQuantities('0', v))).toBe(`-${v}`);
    },
  );
});

const quantityArb = fc
  .record({
    nanos: fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
    format: fc.constantFrom<QuantityFormat>('DecimalSI', 'BinarySI', 'DecimalExponent'),
  })
  // Binary quantities are capped at 2^63-1 by parsing; values below 1 parse as decimal.
  .filter(
    (q) => q.format !== 'BinarySI' || (q.nanos >= -(2n ** 63n - 1n) * N && q.nanos <= (2n ** 63n - 1n) * N),
  );

const textArb = fc
  .tuple(
    fc.constantFrom('', '-', '+'),
    fc.stringMatching(/^[0-9]{1,12}$/),
    fc.option(fc.stringMatching(/^[0-9]{0,12}$/), { nil: undefined }),
    fc.constantFrom(
      '',
      'n',
      'u',
      'm',
      'k',
      'M',
      'G',
      'T',
      'P',
      'E',
      'Ki',
      'Mi',
      'Gi',
      'Ti',
      'Pi',
      'Ei',
      'e3',
      'e-6',
      'E9',
    ),
  )
  .map(([sign, int, frac, suffix]) => `${sign}${int}${frac === undefined ? '' : `.${frac}`}${suffix}`);

describe('properties', () => {
  it('parse ∘ format is the identity on values (and the formatted text is canonical)', () => {
    fc.assert(
      fc.property(quantityArb, (q) => {
        const text = formatQuantity(q);
        const back = parseQuantity(text);
        expect(back.nanos).toBe(q.nanos);
        expect(formatQuantity(back)).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it('format ∘ parse is idempotent on any quantity text', () => {
    fc.assert(
      fc.property(textArb, (text) => {
        const canonical = canonicalQuantity(text);
        expect(canonicalQuantity(canonical)).toBe(canonical);
        expect(compareQuantities(canonical, text)).toBe(0);
      }),
      { numRuns: 500 },
    );
  });

  it('comparison agrees with subtraction', () => {
    fc.assert(
      fc.property(textArb, textArb, (a, b) => {
        const diff = subtractQuantities(a, b).nanos;
        expect(compareQuantities(a, b)).toBe(diff > 0n ? 1 : diff < 0n ? -1 : 0);
      }),
      { numRuns: 300 },
    );
  });
});

describe('cachedTryParseQuantity', () => {
  it.each<string | number>(['100m', '512Mi', '1.5Gi', 0, -0, 1, 0.5, 1e21, '1e3'])(
    'gives what tryParseQuantity gives for %s, the same frozen object each time',
    (input) => {
      const first = cachedTryParseQuantity(input);
      expect(first).toEqual(tryParseQuantity(input));
      expect(cachedTryParseQuantity(input)).toBe(first);
      expect(Object.isFrozen(first)).toBe(true);
    },
  );

  it.each<string | number>(['', '12x', 'x'.repeat(50), Number.NaN, Number.POSITIVE_INFINITY])(
    'reports %s as tryParseQuantity does',
    (input) => {
      expect(cachedTryParseQuantity(input)).toEqual(tryParseQuantity(input));
    },
  );

  it('quantity arithmetic on strings and numbers goes through it unchanged', () => {
    expect(compareQuantities('1', 1)).toBe(0);
    expect(compareQuantities('100m', 0)).toBe(1);
    expect(quantityToMilli('1.5')).toBe(1500);
    expect(() => quantityToMilli('12x')).toThrow(QuantityParseError);
  });
});
