import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { applyDefaults } from '../defaults/index.js';
import { kinds, lookupKind } from '../kinds.js';
import { invalidCases } from '../testdata/invalid-cases.js';
import { validManifests } from '../testdata/manifests.js';
import { validDeployment, validPod } from '../validation/arbitraries.test-support.js';
import { compileConformance } from './fast-path.js';

// biome-ignore lint/suspicious/noExplicitAny: mutations poke at plain JSON.
type J = any;

function conformanceOf(obj: unknown) {
  const info = lookupKind(obj as { apiVersion: string; kind: string });
  if (!info) throw new Error('unknown kind');
  const fast = compileConformance(info.schema);
  if (!fast) throw new Error(`no fast check for ${info.kind}`);
  return { fast, schema: info.schema as z.ZodType };
}

/** True when an own `__proto__` key occurs (the fast check refuses those; zod's records drop them). */
function hasProtoKey(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (Object.hasOwn(value, '__proto__')) return true;
  return Object.values(value).some(hasProtoKey);
}

/**
 * The contract: the fast check says yes only when zod accepts and returns the input unchanged (up to
 * key order); on JSON data it says no only when zod rejects (an own `__proto__` key excepted).
 */
function expectAgreement(obj: unknown): boolean {
  const { fast, schema } = conformanceOf(obj);
  const parsed = schema.safeParse(obj);
  let answer: boolean;
  try {
    answer = fast(obj);
  } catch {
    answer = false;
  }
  if (answer || !hasProtoKey(obj)) expect(answer).toBe(parsed.success);
  if (answer && parsed.success) expect(plain(parsed.data)).toStrictEqual(plain(obj));
  return answer;
}

/** A copy with every object a plain one (zod's output never has a null prototype; arbitraries may). */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
}

/** Every `[parent, key]` position in a JSON tree (the root excluded). */
function positions(root: J): Array<[J, string | number]> {
  const out: Array<[J, string | number]> = [];
  const walk = (node: J) => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => {
        out.push([node, i]);
        walk(item);
      });
    } else if (node !== null && typeof node === 'object') {
      for (const key of Object.keys(node)) {
        out.push([node, key]);
        walk(node[key]);
      }
    }
  };
  walk(root);
  return out;
}

const oddValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(
    undefined,
    null,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    -1,
    0,
    1.5,
    2 ** 31,
    -(2 ** 31),
    2 ** 53,
    '',
    'x',
    '100m',
    '1Gi',
    '12 apples',
    '2024-05-01T10:00:00Z',
    'not-a-time',
    true,
    [],
    {},
    [null],
    { unknownField: 1 },
  ),
);

const mutation = fc.record({
  at: fc.nat(),
  kind: fc.constantFrom('replace', 'delete', 'addUnknown', 'wrapInArray'),
  value: oddValue,
  key: fc.constantFrom('unknownField', 'name', 'image', 'spec', '__proto__', 'cpu', 'labels'),
});

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

/** Applies one random change somewhere in a copy of `obj`. */
function mutate(obj: unknown, m: Mutation): J {
  const copy = structuredClone(obj) as J;
  const spots = positions(copy);
  if (spots.length === 0) return copy;
  const [parent, key] = spots[m.at % spots.length] as [J, string | number];
  switch (m.kind) {
    case 'replace':
      parent[key] = m.value;
      break;
    case 'delete':
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      break;
    case 'addUnknown': {
      const target = parent[key];
      if (target !== null && typeof target === 'object' && !Array.isArray(target))
        Object.defineProperty(target, m.key, { value: m.value, enumerable: true, writable: true });
      else parent[key] = m.value;
      break;
    }
    case 'wrapInArray':
      parent[key] = [parent[key]];
      break;
  }
  return copy;
}

const validObject = fc.oneof(
  validPod,
  validDeployment,
  fc.constantFrom(...Object.values(validManifests)).map((make) => make()),
);

describe('compileConformance', () => {
  it.each(kinds.map((k) => [`${k.apiVersion} ${k.kind}`, k] as const))('has a fast check for %s', (_, k) => {
    expect(compileConformance(k.schema)).toBeTypeOf('function');
  });

  it('accepts generated valid objects, before and after defaulting, as zod does', () => {
    fc.assert(
      fc.property(validObject, (obj) => {
        expect(expectAgreement(obj)).toBe(true);
        expect(expectAgreement(applyDefaults(obj))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('agrees with zod on randomly mutated objects', () => {
    fc.assert(
      fc.property(validObject, fc.array(mutation, { minLength: 1, maxLength: 3 }), (obj, ms) => {
        let current: J = applyDefaults(obj);
        for (const m of ms) current = mutate(current, m);
        if (!lookupKind(current)) return; // the mutation hit apiVersion or kind
        expectAgreement(current);
      }),
      { numRuns: 400 },
    );
  });

  it.each(invalidCases.map((c) => [c.name, c] as const))('agrees with zod on invalid case: %s', (_, c) => {
    if (lookupKind(c.object as J)) expectAgreement(c.object);
  });

  it('falls back (says no) for what it does not model, where zod may still accept', () => {
    const pod = applyDefaults(validManifests.podWithProbes()) as J;
    const { fast } = conformanceOf(pod);
    expect(fast(pod)).toBe(true);
    // A class instance instead of a plain object, a __proto__ key, a sparse array.
    expect(fast({ ...pod, metadata: Object.assign(new (class Meta {})(), pod.metadata) })).toBe(false);
    expect(fast({ ...pod, metadata: JSON.parse(`{"__proto__": {}, "name": "x"}`) })).toBe(false);
    // biome-ignore lint/suspicious/noSparseArray: the point of the test.
    expect(fast({ ...pod, spec: { ...pod.spec, containers: [, ...pod.spec.containers] } })).toBe(false);
    // A `null` field: zod rejects it as it stands (validate drops nulls first, on the slow path).
    expect(fast({ ...pod, spec: { ...pod.spec, hostname: null } })).toBe(false);
  });

  it('keeps nulls inside raw JSON (managedFields fieldsV1), as zod does', () => {
    const pod = applyDefaults(validManifests.podWithProbes()) as J;
    pod.metadata.managedFields = [
      { manager: 'kubectl', fieldsV1: { 'f:spec': { 'f:x': null, 'f:y': [1, 'a'] } } },
    ];
    expect(expectAgreement(pod)).toBe(true);
    pod.metadata.managedFields[0].fieldsV1['f:z'] = () => 1;
    expect(expectAgreement(pod)).toBe(false);
  });
});
