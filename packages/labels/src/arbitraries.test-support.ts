/**
 * fast-check arbitraries and an independent reference model of selector matching, shared by this
 * package's property tests (not part of the public API).
 */
import fc from 'fast-check';
import type { Labels, Operator, Requirement } from './requirement.js';

/** A small alphabet of keys and values, so that generated selectors and labels often meet. */
export const KEYS = ['app', 'tier', 'canary', 'env', 'example.com/team', 'n', 'in', 'notin'] as const;
export const VALUES = ['', 'web', 'db', 'fe', 'be', 'prod', '1', '2', '10', '007', 'in'] as const;
export const INTEGERS = ['0', '1', '2', '5', '10', '9223372036854775807'] as const;

export const labelsArb: fc.Arbitrary<Record<string, string>> = fc.dictionary(
  fc.constantFrom(...KEYS),
  fc.constantFrom(...VALUES),
  { maxKeys: 5 },
);

export const requirementArb: fc.Arbitrary<Requirement> = fc.oneof(
  fc.record({
    key: fc.constantFrom(...KEYS),
    operator: fc.constantFrom<Operator>('=', '==', '!='),
    values: fc.constantFrom(...VALUES).map((v) => [v]),
  }),
  fc.record({
    key: fc.constantFrom(...KEYS),
    operator: fc.constantFrom<Operator>('in', 'notin'),
    values: fc.uniqueArray(fc.constantFrom(...VALUES), { minLength: 1, maxLength: 4 }).map((vs) => vs.sort()),
  }),
  fc.record({
    key: fc.constantFrom(...KEYS),
    operator: fc.constantFrom<Operator>('exists', '!'),
    values: fc.constant([] as string[]),
  }),
  fc.record({
    key: fc.constantFrom(...KEYS),
    operator: fc.constantFrom<Operator>('gt', 'lt'),
    values: fc.constantFrom(...INTEGERS).map((v) => [v]),
  }),
);

export const requirementsArb: fc.Arbitrary<Requirement[]> = fc.array(requirementArb, { maxLength: 4 });

/** Kubernetes' matching rules, written plainly over a `Map` (the model the compiled matcher must agree with). */
export function referenceMatches(requirements: readonly Requirement[], labels: Labels): boolean {
  const map = new Map(Object.entries(labels));
  return requirements.every((r) => {
    const has = map.has(r.key);
    const value = map.get(r.key);
    switch (r.operator) {
      case 'exists':
        return has;
      case '!':
        return !has;
      case '=':
      case '==':
      case 'in':
        return has && r.values.includes(value!);
      case '!=':
      case 'notin':
        return !has || !r.values.includes(value!);
      case 'gt':
      case 'lt': {
        if (!has || !/^[+-]?[0-9]+$/.test(value!)) return false;
        const n = BigInt(value!);
        if (n > 2n ** 63n - 1n || n < -(2n ** 63n)) return false;
        const bound = BigInt(r.values[0]!);
        return r.operator === 'gt' ? n > bound : n < bound;
      }
    }
    return false;
  });
}
