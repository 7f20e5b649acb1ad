import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareResourceVersions } from './resource-version.js';

describe('compareResourceVersions', () => {
  it.each([
    ['1', '2', -1],
    ['10', '9', 1],
    ['123', '123', 0],
    ['007', '10', -1],
    ['10', '010', 0],
    ['0', '0', 0],
    ['99999999999999999999', '100000000000000000000', -1],
  ] as const)('%s vs %s → %s', (a, b, expected) => {
    expect(compareResourceVersions(a, b)).toBe(expected);
  });

  it.each([
    ['', '1'],
    ['1', ''],
    ['a1', '2'],
    ['1', '-2'],
    ['1.5', '2'],
  ])('%j vs %j: not both integers', (a, b) => {
    expect(compareResourceVersions(a, b)).toBeUndefined();
  });

  it('agrees with BigInt on digit strings (property)', () => {
    const digits = fc.stringMatching(/^[0-9]{1,25}$/);
    fc.assert(
      fc.property(digits, digits, (a, b) => {
        const x = BigInt(a);
        const y = BigInt(b);
        expect(compareResourceVersions(a, b)).toBe(x < y ? -1 : x > y ? 1 : 0);
      }),
    );
  });
});
