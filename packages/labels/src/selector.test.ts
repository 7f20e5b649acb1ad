import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { labelsArb, referenceMatches, requirementsArb } from './arbitraries.test-support.js';
import { isLabelSelectorError, LabelSelectorError } from './errors.js';
import { parseSelector } from './parser.js';
import {
  createRequirement,
  type Operator,
  parseInt64,
  type Requirement,
  requirementOf,
  validateRequirement,
} from './requirement.js';
import { everything, nothing, selectorFromRequirements, selectorFromSet } from './selector.js';

// Kubernetes' TestRequirementConstructor.
describe('createRequirement', () => {
  it.each<{ key: string; op: Operator; values: string[]; ok: boolean }>([
    { key: 'x', op: 'in', values: [], ok: false },
    { key: 'x', op: 'notin', values: [], ok: false },
    { key: 'x', op: 'in', values: ['foo'], ok: true },
    { key: 'x', op: 'notin', values: ['foo'], ok: true },
    { key: 'x', op: 'exists', values: [], ok: true },
    { key: 'x', op: '!', values: [], ok: true },
    { key: '1foo', op: 'in', values: ['bar'], ok: true },
    { key: '1234', op: 'in', values: ['bar'], ok: true },
    { key: 'y', op: 'gt', values: ['1'], ok: true },
    { key: 'z', op: 'lt', values: ['6'], ok: true },
    { key: 'foo', op: 'gt', values: ['bar'], ok: false },
    { key: 'barz', op: 'lt', values: ['blah'], ok: false },
    { key: 'a'.repeat(254), op: 'exists', values: [], ok: false },
    { key: 'x', op: '=', values: ['a', 'b'], ok: false },
    { key: 'x', op: 'exists', values: ['a'], ok: false },
    { key: 'x', op: 'gt', values: ['1', '2'], ok: false },
    { key: 'x', op: '=', values: [''], ok: true },
  ])('$key $op $values → ok=$ok', ({ key, op, values, ok }) => {
    if (ok) expect(createRequirement(key, op, values).key).toBe(key);
    else expect(() => createRequirement(key, op, values)).toThrow(LabelSelectorError);
  });

  it('reports every problem with its path, as NewRequirement does', () => {
    const errs = validateRequirement('-k', 'gt', ['a', 'b_'], 'spec');
    expect(errs.map((e) => [e.field, e.type])).toEqual([
      ['spec.key', 'Invalid'],
      ['spec.values', 'Invalid'],
      ['spec.values[0]', 'Invalid'],
      ['spec.values[1]', 'Invalid'],
      ['spec.values[1][-k]', 'Invalid'],
    ]);
    expect(validateRequirement('k', 'has', [])).toEqual([
      {
        field: 'operator',
        type: 'NotSupported',
        value: 'has',
        detail: 'supported values: "in", "notin", "=", "==", "!=", "gt", "lt", "exists", "!"',
      },
    ]);
    try {
      createRequirement('k', 'in', []);
      expect.unreachable();
    } catch (e) {
      expect(isLabelSelectorError(e)).toBe(true);
      expect((e as Error).message).toBe(
        `values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty`,
      );
    }
  });

  it('sorts and deduplicates values', () => {
    expect(createRequirement('k', 'in', ['b', 'a', 'b']).values).toEqual(['a', 'b']);
  });
});

// Kubernetes' TestToString (built from requirements, not parsed).
describe('toString', () => {
  const r = (key: string, op: Operator, values: string[] = []): Requirement =>
    createRequirement(key, op, values);
  it.each<{ reqs: Requirement[]; want: string }>([
    {
      reqs: [r('x', 'in', ['abc', 'def']), r('y', 'notin', ['jkl']), r('z', 'exists')],
      want: 'x in (abc,def),y notin (jkl),z',
    },
    {
      reqs: [r('x', 'notin', ['abc', 'def']), r('y', '!=', ['jkl']), r('z', '!')],
      want: 'x notin (abc,def),y!=jkl,!z',
    },
    {
      reqs: [r('x', 'notin', ['abc']), r('y', 'in', ['jkl', 'mno']), r('z', 'notin', [''])],
      want: 'x notin (abc),y in (jkl,mno),z notin ()',
    },
    // Kubernetes prints this unsorted input as "x=abc,y==jkl,z!=a,z"; ours sorts ties by text.
    {
      reqs: [r('x', '=', ['abc']), r('y', '==', ['jkl']), r('z', '!=', ['a']), r('z', 'exists')],
      want: 'x=abc,y==jkl,z,z!=a',
    },
    { reqs: [r('x', 'gt', ['2']), r('y', 'lt', ['8']), r('z', 'exists')], want: 'x>2,y<8,z' },
    { reqs: [r('z', 'exists'), r('a', 'in', ['b'])], want: 'a in (b),z' },
  ])('$want', ({ reqs, want }) => {
    const sel = selectorFromRequirements(reqs);
    expect(sel.toString()).toBe(want);
    expect(parseSelector(want).equals(sel)).toBe(true);
  });
});

describe('selectors', () => {
  it('everything and nothing behave as Kubernetes', () => {
    expect(everything().matches({ x: 'y' })).toBe(true);
    expect(everything().isEmpty()).toBe(true);
    expect(everything().toString()).toBe('');
    expect(parseSelector('')).toBe(everything());
    expect(nothing().matches({})).toBe(false);
    expect(nothing().isEmpty()).toBe(false);
    expect(nothing().isNothing()).toBe(true);
    expect(nothing().toString()).toBe('');
    expect(nothing().add(createRequirement('a', 'exists'))).toBe(nothing());
    expect(nothing().equals(everything())).toBe(false);
    expect(everything().equals(nothing())).toBe(false);
    expect(parseSelector('a,!a').isNothing()).toBe(false);
  });

  // Kubernetes' TestSetMatches, TestNilMapIsValid, TestSetIsEmpty.
  it('selectorFromSet matches exactly the set', () => {
    const labelset = { foo: 'bar', baz: 'blah' };
    expect(selectorFromSet({}).matches(labelset)).toBe(true);
    expect(selectorFromSet({ foo: 'bar' }).matches(labelset)).toBe(true);
    expect(selectorFromSet({ baz: 'blah' }).matches(labelset)).toBe(true);
    expect(selectorFromSet({ foo: 'bar', baz: 'blah' }).matches(labelset)).toBe(true);
    expect(selectorFromSet({ foo: 'bar', x: 'y' }).matches(labelset)).toBe(false);
    expect(selectorFromSet(null).isEmpty()).toBe(true);
    expect(selectorFromSet({}).isEmpty()).toBe(true);
    expect(selectorFromSet({ b: '2', a: '1' }).toString()).toBe('a=1,b=2');
  });

  // Kubernetes' TestRequiresExactMatch.
  it.each<{ selector: string; key: string; want: string | undefined }>([
    { selector: 'key in (value)', key: 'key', want: 'value' },
    { selector: 'key in (value,value2)', key: 'key', want: undefined },
    { selector: 'key in (value,value1),key2 in (value2)', key: 'key2', want: 'value2' },
    { selector: 'key=value', key: 'key', want: 'value' },
    { selector: 'key==value', key: 'key', want: 'value' },
    { selector: 'key!=value', key: 'key', want: undefined },
    { selector: 'key in (value),key2 in (value2)', key: 'key', want: 'value' },
    { selector: 'key', key: 'other', want: undefined },
  ])('requiresExactMatch($selector, $key) = $want', ({ selector, key, want }) => {
    expect(parseSelector(selector).requiresExactMatch(key)).toBe(want);
  });

  // Kubernetes' TestAdd.
  it('add copies and sorts', () => {
    const base = selectorFromRequirements([createRequirement('key', 'in', ['value'])]);
    const added = base.add(createRequirement('key2', '=', ['value2']));
    expect(added.toString()).toBe('key in (value),key2=value2');
    expect(base.toString()).toBe('key in (value)');
    expect(everything().add(createRequirement('b', 'exists'), createRequirement('a', '!')).toString()).toBe(
      '!a,b',
    );
    expect(Object.isFrozen(added.requirements)).toBe(true);
    expect(Object.isFrozen(added.requirements[0])).toBe(true);
  });

  it('matches can be detached from its selector', () => {
    const { matches } = parseSelector('app=web');
    expect([{ app: 'web' }, { app: 'db' }].filter(matches)).toEqual([{ app: 'web' }]);
  });

  it('ignores inherited properties', () => {
    const inherited = Object.create({ app: 'web' }) as Record<string, string>;
    expect(parseSelector('app=web').matches(inherited)).toBe(false);
    expect(parseSelector('app').matches(inherited)).toBe(false);
    expect(parseSelector('!app').matches(inherited)).toBe(true);
    expect(parseSelector('app!=web').matches(inherited)).toBe(true);
    expect(parseSelector('app in (a,b,c,d,e,f,g,h,i,web)').matches(inherited)).toBe(false);
  });

  it('uses a Set for long value lists with the same answers', () => {
    const values = Array.from({ length: 20 }, (_, i) => `v${i}`);
    const inSel = selectorFromRequirements([createRequirement('k', 'in', values)]);
    const notinSel = selectorFromRequirements([createRequirement('k', 'notin', values)]);
    expect(inSel.matches({ k: 'v7' })).toBe(true);
    expect(inSel.matches({ k: 'x' })).toBe(false);
    expect(notinSel.matches({ k: 'v7' })).toBe(false);
    expect(notinSel.matches({})).toBe(true);
  });
});

describe('parseInt64 (Go strconv.ParseInt base 10, 64 bits)', () => {
  it.each<[string, number | bigint | null]>([
    ['0', 0],
    ['42', 42],
    ['+42', 42],
    ['-42', -42],
    ['007', 7],
    ['', null],
    ['+', null],
    ['-', null],
    ['1_000', null],
    ['0x10', null],
    [' 1', null],
    ['1.0', null],
    ['9223372036854775807', 9223372036854775807n],
    ['-9223372036854775808', -9223372036854775808n],
    ['9223372036854775808', null],
    ['-9223372036854775809', null],
  ])('%j → %s', (s, want) => {
    expect(parseInt64(s)).toBe(want);
  });
});

describe('properties', () => {
  it('canonical string round-trips to an equal selector', () => {
    fc.assert(
      fc.property(requirementsArb, (reqs) => {
        const sel = selectorFromRequirements(reqs.map((r) => createRequirement(r.key, r.operator, r.values)));
        const text = sel.toString();
        const again = parseSelector(text);
        expect(again.toString()).toBe(text);
        expect(again.equals(sel)).toBe(true);
        expect(again.requirements).toEqual(sel.requirements);
      }),
      { numRuns: 300 },
    );
  });

  it('requirement order and spacing do not change the canonical form', () => {
    fc.assert(
      fc.property(requirementsArb, fc.constantFrom(' ', '  ', '\t', '\n'), (reqs, space) => {
        const sel = selectorFromRequirements(reqs);
        const shuffled = [...sel.requirements].reverse().map((r) => selectorFromRequirements([r]).toString());
        const spaced = shuffled
          .map((t) => t.replaceAll(' in ', `${space}in${space}`))
          .join(`${space},${space}`);
        expect(parseSelector(spaced).toString()).toBe(sel.toString());
      }),
      { numRuns: 200 },
    );
  });

  it('compiled matching agrees with the reference model', () => {
    fc.assert(
      fc.property(requirementsArb, labelsArb, (reqs, labels) => {
        const sel = selectorFromRequirements(reqs.map((r) => requirementOf(r.key, r.operator, r.values)));
        expect(sel.matches(labels)).toBe(referenceMatches(reqs, labels));
      }),
      { numRuns: 1000 },
    );
  });

  it('parsing arbitrary text either succeeds with a round-tripping selector or throws SelectorParseError', () => {
    const piece = fc.constantFrom(
      'a',
      'b',
      'in',
      'notin',
      '=',
      '==',
      '!=',
      '!',
      '(',
      ')',
      ',',
      '>',
      '<',
      ' ',
      '1',
      '-',
      '_',
      '/',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const text = pieces.join('');
        let sel: ReturnType<typeof parseSelector>;
        try {
          sel = parseSelector(text);
        } catch (e) {
          expect((e as Error).name).toBe('SelectorParseError');
          return;
        }
        expect(parseSelector(sel.toString()).toString()).toBe(sel.toString());
      }),
      { numRuns: 1000 },
    );
  });
});
