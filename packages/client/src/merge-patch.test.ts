import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyMergePatch } from './merge-patch.js';

// RFC 7386, Appendix A: every example, verbatim.
const rfcExamples = [
  { target: { a: 'b' }, patch: { a: 'c' }, want: { a: 'c' } },
  { target: { a: 'b' }, patch: { b: 'c' }, want: { a: 'b', b: 'c' } },
  { target: { a: 'b' }, patch: { a: null }, want: {} },
  { target: { a: 'b', b: 'c' }, patch: { a: null }, want: { b: 'c' } },
  { target: { a: ['b'] }, patch: { a: 'c' }, want: { a: 'c' } },
  { target: { a: 'c' }, patch: { a: ['b'] }, want: { a: ['b'] } },
  { target: { a: { b: 'c' } }, patch: { a: { b: 'd', c: null } }, want: { a: { b: 'd' } } },
  { target: { a: [{ b: 'c' }] }, patch: { a: [1] }, want: { a: [1] } },
  { target: ['a', 'b'], patch: ['c', 'd'], want: ['c', 'd'] },
  { target: { a: 'b' }, patch: ['c'], want: ['c'] },
  { target: { a: 'foo' }, patch: null, want: null },
  { target: { a: 'foo' }, patch: 'bar', want: 'bar' },
  { target: { e: null }, patch: { a: 1 }, want: { e: null, a: 1 } },
  { target: [1, 2], patch: { a: 'b', c: null }, want: { a: 'b' } },
  { target: {}, patch: { a: { bb: { ccc: null } } }, want: { a: { bb: {} } } },
];

describe('applyMergePatch', () => {
  it.each(rfcExamples)('RFC 7386 example: $target + $patch', ({ target, patch, want }) => {
    expect(applyMergePatch(target, patch)).toEqual(want);
  });

  it('does not modify its inputs and shares untouched subtrees', () => {
    const target = Object.freeze({
      spec: Object.freeze({ replicas: 1 }),
      status: Object.freeze({ ready: 0 }),
    });
    const patch = Object.freeze({ spec: Object.freeze({ replicas: 3 }) });
    const out = applyMergePatch(target, patch) as typeof target;
    expect(out).toEqual({ spec: { replicas: 3 }, status: { ready: 0 } });
    expect(out.status).toBe(target.status);
    expect(target.spec.replicas).toBe(1);
  });

  it('keeps a __proto__ member as data', () => {
    const out = applyMergePatch({}, JSON.parse('{"__proto__":{"polluted":true}}')) as Record<string, unknown>;
    expect(Object.hasOwn(out, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('is idempotent: applying a patch twice equals applying it once', () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(json, json, (target, patch) => {
        const once = applyMergePatch(target, patch);
        expect(applyMergePatch(once, patch)).toEqual(once);
      }),
      { numRuns: 300 },
    );
  });
});
