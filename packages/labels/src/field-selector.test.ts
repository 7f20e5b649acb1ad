import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SelectorParseError } from './errors.js';
import {
  escapeFieldValue,
  type Fields,
  fieldSelectorFromSet,
  parseFieldSelector,
  unescapeFieldValue,
} from './field-selector.js';

// Kubernetes' fields TestSelectorParse: good strings print back unchanged.
describe('parseFieldSelector', () => {
  it.each(['x=a,y=b,z=c', '', 'x!=a,y=b'])('accepts %j and prints it back', (input) => {
    expect(parseFieldSelector(input).toString()).toBe(input);
  });

  it.each(['x=a||y=b', 'x==a==b', 'x', 'x=a,y', 'a=\\q', 'a=b\\', 'a=b=c', 'a=\\'])('rejects %j', (input) => {
    expect(() => parseFieldSelector(input)).toThrow(SelectorParseError);
  });

  it.each<{ input: string; want: string }>([
    { input: 'x=a,a=x', want: 'a=x,x=a' },
    { input: 'a=x,x=a', want: 'a=x,x=a' },
    { input: 'metadata.name==web', want: 'metadata.name=web' },
    { input: ',,a=b,', want: 'a=b' },
    { input: 'a=\\,b', want: 'a=\\,b' },
    { input: 'a=\\=b\\\\', want: 'a=\\=b\\\\' },
    { input: 'a==z,a=c', want: 'a=c,a=z' },
    { input: 'spec.nodeName=', want: 'spec.nodeName=' },
  ])('$input → $want', ({ input, want }) => {
    expect(parseFieldSelector(input).toString()).toBe(want);
  });

  it('unescapes values', () => {
    expect(parseFieldSelector('a=x\\,y\\=z\\\\').requirements).toEqual([
      { field: 'a', operator: '=', value: 'x,y=z\\' },
    ]);
    expect(parseFieldSelector('a!=b').requirements).toEqual([{ field: 'a', operator: '!=', value: 'b' }]);
  });

  it.each<{ input: string; position: number; detail: string }>([
    { input: 'x', position: 0, detail: "invalid selector: 'x'; can't understand 'x'" },
    { input: 'a=b,x', position: 4, detail: "invalid selector: 'a=b,x'; can't understand 'x'" },
    { input: 'a=b\\q', position: 3, detail: 'invalid field selector: invalid escape sequence: \\q' },
    { input: 'a=b\\', position: 3, detail: 'invalid field selector: invalid escape sequence: \\' },
    { input: 'x==a==b', position: 4, detail: 'invalid field selector: unescaped character in value: 61' },
  ])('$input fails at $position', ({ input, position, detail }) => {
    try {
      parseFieldSelector(input);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SelectorParseError);
      expect((e as SelectorParseError).detail).toBe(detail);
      expect((e as SelectorParseError).position).toBe(position);
    }
  });

  it('rejects fields the resource does not support when told which it does', () => {
    const allowedFields = ['metadata.name', 'metadata.namespace', 'status.phase', 'spec.nodeName'];
    expect(parseFieldSelector('status.phase=Running', { allowedFields }).isEmpty()).toBe(false);
    expect(() => parseFieldSelector('spec.foo=x', { allowedFields })).toThrow(
      'field label not supported: spec.foo',
    );
  });
});

// Kubernetes' fields TestSelectorMatches and TestSetMatches.
describe('matching', () => {
  const labelset = { foo: 'bar', baz: 'blah' };
  it.each<{ selector: string; fields: Fields; want: boolean }>([
    { selector: '', fields: { x: 'y' }, want: true },
    { selector: 'x=y', fields: { x: 'y' }, want: true },
    { selector: 'x=y,z=w', fields: { x: 'y', z: 'w' }, want: true },
    { selector: 'x!=y,z!=w', fields: { x: 'z', z: 'a' }, want: true },
    { selector: 'notin=in', fields: { notin: 'in' }, want: true },
    { selector: 'x=y', fields: { x: 'z' }, want: false },
    { selector: 'x=y,z=w', fields: { x: 'w', z: 'w' }, want: false },
    { selector: 'x!=y,z!=w', fields: { x: 'z', z: 'w' }, want: false },
    { selector: 'foo=bar', fields: labelset, want: true },
    { selector: 'baz=blah', fields: labelset, want: true },
    { selector: 'foo=bar,baz=blah', fields: labelset, want: true },
    { selector: 'foo=blah', fields: labelset, want: false },
    { selector: 'baz=bar', fields: labelset, want: false },
    { selector: 'foo=bar,foobar=bar,baz=blah', fields: labelset, want: false },
    { selector: 'x!=y', fields: {}, want: true },
    { selector: 'x=', fields: {}, want: true },
    { selector: 'constructor=', fields: {}, want: true },
  ])('$selector on $fields → $want', ({ selector, fields, want }) => {
    expect(parseFieldSelector(selector).matches(fields)).toBe(want);
  });

  it('matches objects by dotted paths', () => {
    const pod = {
      metadata: { name: 'web-1', namespace: 'default' },
      spec: { nodeName: 'n1' },
      status: { phase: 'Running' },
    };
    expect(parseFieldSelector('metadata.name=web-1,metadata.namespace!=kube-system').matchesObject(pod)).toBe(
      true,
    );
    expect(parseFieldSelector('status.phase=Running,spec.nodeName=n1').matchesObject(pod)).toBe(true);
    expect(parseFieldSelector('spec.nodeName=').matchesObject({ spec: {} })).toBe(true);
    expect(parseFieldSelector('spec.nodeName!=n1').matchesObject(pod)).toBe(false);
    expect(
      parseFieldSelector('spec.unschedulable=true').matchesObject({ spec: { unschedulable: true } }),
    ).toBe(true);
    expect(parseFieldSelector('a.b=').matchesObject(null)).toBe(true);
  });

  it('selectors from sets and exact matches', () => {
    expect(fieldSelectorFromSet({ foo: 'bar' }).matches({ foo: 'bar', baz: 'blah' })).toBe(true);
    expect(fieldSelectorFromSet({ foo: '=blah' }).matches({ foo: 'bar' })).toBe(false);
    expect(fieldSelectorFromSet(null).isEmpty()).toBe(true);
    expect(fieldSelectorFromSet({ a: 'x,y' }).toString()).toBe('a=x\\,y');
    expect(parseFieldSelector('a=b,c!=d').requiresExactMatch('a')).toBe('b');
    expect(parseFieldSelector('a=b,c!=d').requiresExactMatch('c')).toBeUndefined();
  });
});

describe('escaping', () => {
  it.each([
    ['', ''],
    ['a', 'a'],
    ['a,b', 'a\\,b'],
    ['a=b', 'a\\=b'],
    ['a\\b', 'a\\\\b'],
    ['\\,=', '\\\\\\,\\='],
  ])('%j ⇄ %j', (raw, escaped) => {
    expect(escapeFieldValue(raw)).toBe(escaped);
    expect(unescapeFieldValue(escaped)).toBe(raw);
  });

  it('round-trips any value through a selector', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', '\\', ',', '=', '!', ' ') }), (value) => {
        const sel = parseFieldSelector(`f=${escapeFieldValue(value)}`);
        expect(sel.requirements[0]?.value).toBe(value);
        expect(sel.matches({ f: value })).toBe(true);
        expect(parseFieldSelector(sel.toString()).toString()).toBe(sel.toString());
      }),
      { numRuns: 300 },
    );
  });
});
