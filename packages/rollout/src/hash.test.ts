import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJSON, computeHash, fnv32a, safeEncodeString } from './hash.js';
import { template } from './testing/fixtures.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('fnv32a', () => {
  it.each([
    { input: '', want: 0x811c9dc5 },
    { input: 'a', want: 0xe40c292c },
    { input: 'foobar', want: 0xbf9cf968 },
  ])('FNV-1a 32 of "$input"', ({ input, want }) => {
    expect(fnv32a(bytes(input))).toBe(want);
  });

  it('continues from a previous hash like a streaming hasher', () => {
    expect(fnv32a(bytes('bar'), fnv32a(bytes('foo')))).toBe(fnv32a(bytes('foobar')));
  });
});

describe('safeEncodeString', () => {
  it('re-spells digits with the vowel-free alphabet (Kubernetes SafeEncodeString)', () => {
    expect(safeEncodeString('0123456789')).toBe('456789bcdf');
  });
});

describe('canonicalJSON', () => {
  it('sorts keys at every level and drops undefined', () => {
    expect(canonicalJSON({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"y":2,"z":1}]},"b":1}',
    );
  });
});

describe('computeHash', () => {
  it('is a short name-safe string that depends on the template and the collision count', () => {
    const hash = computeHash(template('nginx:1'));
    expect(hash).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    expect(computeHash(template('nginx:1'))).toBe(hash);
    expect(computeHash(template('nginx:2'))).not.toBe(hash);
    expect(computeHash(template('nginx:1'), 1)).not.toBe(hash);
    expect(computeHash(template('nginx:1'), 0)).not.toBe(hash);
  });

  it('property: key order does not change the hash', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 6 }),
        (labels) => {
          const reversed = Object.fromEntries(Object.entries(labels).reverse());
          expect(computeHash({ metadata: { labels } })).toBe(computeHash({ metadata: { labels: reversed } }));
        },
      ),
      { numRuns: 100 },
    );
  });
});
