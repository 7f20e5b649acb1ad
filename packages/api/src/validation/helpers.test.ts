import { describe, expect, it } from 'vitest';
import { deepEqual, intOrPercentValue } from './helpers.js';

describe('deepEqual (Semantic.DeepEqual on JSON)', () => {
  it.each([
    [{ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }, true],
    [{ a: [] }, {}, true],
    [{ a: {} }, { a: undefined }, true],
    [{ matchLabels: { app: 'a' }, matchExpressions: [] }, { matchLabels: { app: 'a' } }, true],
    [{ a: 1 }, { a: 2 }, false],
    [[1, 2], [2, 1], false],
    [{ a: [1] }, {}, false],
    ['x', 'x', true],
    [0, false, false],
  ])('%j vs %j → %s', (a, b, want) => {
    expect(deepEqual(a, b)).toBe(want);
    expect(deepEqual(b, a)).toBe(want);
  });

  it.each([
    [3, 3],
    ['25%', 25],
    ['0%', 0],
    ['x', undefined],
    [undefined, undefined],
  ] as const)('intOrPercentValue(%j) = %j', (v, want) => {
    expect(intOrPercentValue(v)).toBe(want);
  });
});
