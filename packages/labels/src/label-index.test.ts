import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KEYS, labelsArb, requirementsArb } from './arbitraries.test-support.js';
import { LabelIndex } from './label-index.js';
import { parseSelector } from './parser.js';
import type { Labels } from './requirement.js';
import { everything, nothing, type Selector, selectorFromRequirements } from './selector.js';

function scan(index: LabelIndex, selector: Selector): Set<string> {
  const out = new Set<string>();
  for (const key of index.keys()) if (selector.matches(index.get(key)!)) out.add(key);
  return out;
}

function sorted(keys: Iterable<string>): string[] {
  return [...keys].sort();
}

describe('LabelIndex', () => {
  const build = (): LabelIndex => {
    const index = new LabelIndex();
    index.set('a', { app: 'web', tier: 'fe' });
    index.set('b', { app: 'web', tier: 'be', canary: 'true' });
    index.set('c', { app: 'db', tier: 'be' });
    index.set('d', { app: 'web' });
    index.set('e', { n: '5' });
    index.set('f', { n: '12' });
    index.set('g', { n: 'x' });
    return index;
  };

  it.each<{ selector: string; want: string[] }>([
    { selector: '', want: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] },
    { selector: 'app=web', want: ['a', 'b', 'd'] },
    { selector: 'app==web', want: ['a', 'b', 'd'] },
    { selector: 'app=web,tier in (fe,be),!canary', want: ['a'] },
    { selector: 'tier in (fe,be)', want: ['a', 'b', 'c'] },
    { selector: 'tier', want: ['a', 'b', 'c'] },
    { selector: '!tier', want: ['d', 'e', 'f', 'g'] },
    { selector: 'app!=web', want: ['c', 'e', 'f', 'g'] },
    { selector: 'tier notin (fe)', want: ['b', 'c', 'd', 'e', 'f', 'g'] },
    { selector: '!canary,app!=db', want: ['a', 'd', 'e', 'f', 'g'] },
    { selector: 'n>5', want: ['f'] },
    { selector: 'n<13', want: ['e', 'f'] },
    { selector: 'n>5,n<10', want: [] },
    { selector: 'app=nope', want: [] },
    { selector: 'nokey=x', want: [] },
    { selector: 'app=web,nokey', want: [] },
    { selector: 'nokey>1', want: [] },
  ])('$selector → $want', ({ selector, want }) => {
    const index = build();
    const sel = parseSelector(selector);
    expect(sorted(index.query(sel))).toEqual(want);
    expect(sorted(index.query(sel))).toEqual(sorted(scan(index, sel)));
  });

  it('answers nothing and everything', () => {
    const index = build();
    expect(index.query(nothing()).size).toBe(0);
    expect(index.query(everything()).size).toBe(7);
  });

  it('updates incrementally on set, replace and delete', () => {
    const index = build();
    expect(index.size).toBe(7);
    index.set('a', { app: 'db', canary: 'true' });
    expect(sorted(index.query(parseSelector('app=web')))).toEqual(['b', 'd']);
    expect(sorted(index.query(parseSelector('canary')))).toEqual(['a', 'b']);
    expect(sorted(index.query(parseSelector('tier=fe')))).toEqual([]);
    expect(index.delete('b')).toBe(true);
    expect(index.delete('b')).toBe(false);
    expect(sorted(index.query(parseSelector('canary')))).toEqual(['a']);
    expect(index.size).toBe(6);
    expect(index.has('b')).toBe(false);
    expect(index.get('a')).toEqual({ app: 'db', canary: 'true' });
    index.clear();
    expect(index.size).toBe(0);
    expect(index.query(parseSelector('app')).size).toBe(0);
  });

  it('stores a frozen copy', () => {
    const index = new LabelIndex();
    const labels: Record<string, string> = { app: 'web' };
    index.set('a', labels);
    labels.app = 'db';
    expect(index.get('a')).toEqual({ app: 'web' });
    expect(Object.isFrozen(index.get('a'))).toBe(true);
    expect(index.query(parseSelector('app=web')).has('a')).toBe(true);
  });

  it('handles keys that are Object.prototype names', () => {
    const index = new LabelIndex();
    index.set('a', { constructor: 'x' });
    index.set('b', {});
    expect(sorted(index.query(parseSelector('constructor')))).toEqual(['a']);
    expect(sorted(index.query(parseSelector('!constructor')))).toEqual(['b']);
  });

  it('returns a set the caller owns', () => {
    const index = build();
    const got = index.query(parseSelector('app=web'));
    got.clear();
    expect(index.query(parseSelector('app=web')).size).toBe(3);
  });
});

type Op = { kind: 'set'; key: string; labels: Labels } | { kind: 'delete'; key: string };

describe('LabelIndex properties', () => {
  const objectKey = fc.constantFrom('o1', 'o2', 'o3', 'o4', 'o5', 'o6', 'o7', 'o8');
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({ kind: fc.constant('set' as const), key: objectKey, labels: labelsArb }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), key: objectKey }) },
  );

  it('query equals a full scan after any sequence of updates', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 30 }),
        fc.array(requirementsArb, { minLength: 1, maxLength: 5 }),
        (ops, selectors) => {
          const index = new LabelIndex();
          const model = new Map<string, Labels>();
          for (const op of ops) {
            if (op.kind === 'set') {
              index.set(op.key, op.labels);
              model.set(op.key, op.labels);
            } else {
              expect(index.delete(op.key)).toBe(model.delete(op.key));
            }
          }
          expect(index.size).toBe(model.size);
          for (const reqs of selectors) {
            const sel = selectorFromRequirements(reqs);
            const want = sorted([...model].filter(([, labels]) => sel.matches(labels)).map(([k]) => k));
            expect(sorted(index.query(sel))).toEqual(want);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('index structures hold no stale entries (queries per key/value agree with the model)', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => {
        const index = new LabelIndex();
        const model = new Map<string, Labels>();
        for (const op of ops) {
          if (op.kind === 'set') {
            index.set(op.key, op.labels);
            model.set(op.key, op.labels);
          } else {
            index.delete(op.key);
            model.delete(op.key);
          }
        }
        for (const key of KEYS) {
          const sel = parseSelector(key); // 'in' and 'notin' are valid keys too
          const want = sorted([...model].filter(([, l]) => Object.hasOwn(l, key)).map(([k]) => k));
          expect(sorted(index.query(sel))).toEqual(want);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('LabelIndex snapshots', () => {
  it('keeps __proto__ as an ordinary label', () => {
    const index = new LabelIndex();
    index.set('a', JSON.parse('{"__proto__":"x","app":"web"}') as Labels);
    expect(Object.keys(index.get('a')!)).toEqual(['__proto__', 'app']);
    expect(Object.getPrototypeOf(index.get('a'))).toBe(Object.prototype);
    expect(index.query(parseSelector('app=web')).has('a')).toBe(true);
  });
});

describe('LabelIndex work', () => {
  function counting(sel: Selector): { selector: Selector; calls: () => number } {
    let calls = 0;
    const selector: Selector = {
      requirements: sel.requirements,
      matches: (labels) => {
        calls++;
        return sel.matches(labels);
      },
      isEmpty: () => sel.isEmpty(),
      isNothing: () => sel.isNothing(),
      toString: () => sel.toString(),
      requiresExactMatch: (key) => sel.requiresExactMatch(key),
      add: (...reqs) => sel.add(...reqs),
      equals: (other) => sel.equals(other),
    };
    return { selector, calls: () => calls };
  }

  it('checks only the smallest posting, never every object', () => {
    const index = new LabelIndex();
    for (let i = 0; i < 1000; i++) {
      index.set(`o${i}`, { app: i < 10 ? 'web' : `app-${i % 50}`, tier: i % 2 === 0 ? 'fe' : 'be' });
    }
    const { selector, calls } = counting(parseSelector('tier in (fe,be),app=web,!canary'));
    expect(index.query(selector).size).toBe(10);
    expect(calls()).toBe(10);
    const negative = counting(parseSelector('!canary,app!=web'));
    expect(index.query(negative.selector).size).toBe(990);
    expect(negative.calls()).toBe(0); // answered by difference, no label reads
  });
});
