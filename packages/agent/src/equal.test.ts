import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deepEqual, deepEqualIgnoring } from './equal.js';

// Small key and value alphabets so that equal and nearly equal objects come up often.
const key = fc.constantFrom('a', 'b', 'status', 'metadata', 'resourceVersion');
const value = fc.letrec((tie) => ({
  leaf: fc.constantFrom(undefined, 1, 2, 'x', null, true),
  node: fc.oneof(
    { depthSize: 'small' },
    tie('leaf'),
    fc.dictionary(key, tie('node'), { maxKeys: 3 }),
    fc.array(tie('node'), { maxLength: 2 }),
  ),
})).node;
const record = fc.dictionary(key, value, { maxKeys: 4 });

describe('deepEqualIgnoring', () => {
  it('equals deepEqual of copies with the ignored keys set to undefined', () => {
    const ignore = (k: string) => k === 'status' || k === 'metadata';
    const strip = (r: Record<string, unknown>) => ({ ...r, status: undefined, metadata: undefined });
    fc.assert(
      fc.property(record, record, fc.boolean(), (a, b, same) => {
        const other = same ? { ...a, status: b.status } : b;
        expect(deepEqualIgnoring(a, other, ignore)).toBe(deepEqual(strip(a), strip(other)));
      }),
      { numRuns: 2000 },
    );
  });
});
