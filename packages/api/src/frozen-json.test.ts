import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyDefaults } from './defaults/index.js';
import { freezeJson, isDeeplyFrozen, isFrozenJson } from './frozen-json.js';
import { validate, validateUpdate } from './validate.js';
import { validPod } from './validation/arbitraries.test-support.js';

// biome-ignore lint/suspicious/noExplicitAny: tests poke at plain JSON.
type J = any;

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

describe('freezeJson', () => {
  it.each([
    ['nested plain data', { a: [1, 'x', true, null, { b: [] }], c: { d: 0.5 } }],
    ['an empty object', {}],
    ['an array', [{ a: 1 }, []]],
    ['a null-free record with unicode keys', { ünï: 'cødé' }],
  ])('vouches for %s, deeply frozen', (_, tree) => {
    expect(freezeJson(tree)).toBe(true);
    expect(isFrozenJson(tree)).toBe(true);
    expect(isDeeplyFrozen(tree)).toBe(true);
    expect(Object.isFrozen(tree)).toBe(true);
  });

  class Point {
    x = 1;
  }
  const withProto = JSON.parse('{"__proto__": {"x": 1}}');
  const holes: unknown[] = [];
  holes[1] = 1;
  it.each([
    ['an undefined property', { a: undefined }],
    ['undefined in an array', [undefined]],
    ['a hole in an array', holes],
    ['NaN', { n: Number.NaN }],
    ['Infinity', { n: Number.POSITIVE_INFINITY }],
    ['-0', { n: -0 }],
    ['a function', { f: () => 1 }],
    ['a class instance', { p: new Point() }],
    ['a Date (toJSON)', { d: new Date(0) }],
    ['a __proto__ key', withProto],
    ['a null-prototype object', { o: Object.create(null) }],
    ['a symbol key', { [Symbol('s')]: 1 }],
    ['a bigint', { b: 1n }],
  ])('refuses %s and leaves the tree unfrozen', (_, tree) => {
    expect(freezeJson(tree)).toBe(false);
    expect(isFrozenJson(tree)).toBe(false);
    expect(Object.isFrozen(tree)).toBe(false);
  });

  it('isDeeplyFrozen sees a mutable subtree under a frozen root', () => {
    expect(isDeeplyFrozen(Object.freeze({ a: { b: 1 } }))).toBe(false);
    expect(isDeeplyFrozen(deepFreeze({ a: { b: [1] } }))).toBe(true);
    expect(isDeeplyFrozen('text')).toBe(true);
  });
});

describe('a Pod whose spec is deeply frozen (a ReplicaSet template shared by its pods)', () => {
  const pod = (name: string, spec: unknown): J => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', labels: { app: 'web' } },
    spec,
  });
  const template = () => ({
    containers: [{ name: 'c', image: 'nginx', resources: { limits: { cpu: '1' } } }],
  });

  it('is defaulted once: every pod made from the spec shares one frozen, vouched defaulted spec', () => {
    const spec = deepFreeze(template());
    const a = applyDefaults(pod('a', spec));
    const b = applyDefaults(pod('b', spec));
    expect(a.spec).toBe(b.spec);
    expect(isFrozenJson(a.spec)).toBe(true);
    expect(a.spec).toEqual(applyDefaults(pod('a', template())).spec);
    // Pod-only defaults are in it: requests from limits, enableServiceLinks.
    expect(a.spec.containers[0].resources.requests).toEqual({ cpu: '1' });
    expect(a.spec.enableServiceLinks).toBe(true);
    // The rest is a fresh copy, as before.
    expect(a.metadata).not.toBe(b.metadata);
    expect(Object.isFrozen(a.metadata)).toBe(false);
    expect(Object.keys(a)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
  });

  it('a spec frozen only at the top is defaulted as before (not shared)', () => {
    const spec = Object.freeze(template());
    const a = applyDefaults(pod('a', spec));
    expect(a.spec).not.toBe(applyDefaults(pod('b', spec)).spec);
    expect(isFrozenJson(a.spec)).toBe(false);
  });

  it('metadata problems are still found with a valid shared spec', () => {
    const spec = deepFreeze(template());
    expect(validate(applyDefaults(pod('ok', spec)))).toEqual([]);
    const errors = validate(applyDefaults(pod('Not_A_Name', spec)));
    expect(errors.map((e) => e.field)).toEqual(['metadata.name']);
  });

  it('an invalid shared spec is reported, with the same errors, on every pod', () => {
    const spec = deepFreeze({ ...template(), restartPolicy: 'Sometimes' });
    const expected = validate(applyDefaults(pod('a', structuredClone(spec))));
    expect(expected.map((e) => e.field)).toEqual(['spec.restartPolicy']);
    expect(validate(applyDefaults(pod('a', spec)))).toEqual(expected);
    expect(validate(applyDefaults(pod('b', spec)))).toEqual(expected);
  });

  const damage: readonly [string, (p: J) => void][] = [
    ['none', () => undefined],
    ['bad restartPolicy', (p) => (p.spec.restartPolicy = 'Sometimes')],
    ['no containers', (p) => (p.spec.containers = [])],
    ['bad container name', (p) => (p.spec.containers[0].name = 'Bad_Name')],
    ['unknown spec field', (p) => (p.spec.colour = 'blue')],
    ['null in the spec', (p) => (p.spec.nodeSelector = null)],
    ['bad metadata name', (p) => (p.metadata.name = 'Bad_Name')],
    ['unknown metadata field', (p) => (p.metadata.colour = 'blue')],
    ['status of the wrong type', (p) => (p.status = 'Running')],
  ];

  it('defaulting and validation give what an unfrozen copy gives (property)', () => {
    fc.assert(
      fc.property(validPod, fc.constantFrom(...damage), fc.integer({ min: 0, max: 2 }), (p, [, harm], n) => {
        const plain = structuredClone(p) as J;
        harm(plain);
        const frozenSpec = deepFreeze(structuredClone(plain.spec));
        // The same frozen spec used by several pods: the memo must not leak one pod's result to another.
        for (let i = 0; i <= n; i++) {
          const shared = { ...structuredClone(plain), spec: frozenSpec };
          const defaulted = applyDefaults(shared);
          const ordinary = applyDefaults(structuredClone(plain));
          expect(defaulted).toEqual(ordinary);
          expect(validate(defaulted)).toEqual(validate(ordinary));
          expect(validateUpdate(defaulted, ordinary)).toEqual(validateUpdate(ordinary, ordinary));
        }
      }),
      { numRuns: 300 },
    );
  });
});
