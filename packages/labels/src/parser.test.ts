import { describe, expect, it } from 'vitest';
import { isSelectorParseError, SelectorParseError } from './errors.js';
import { parseSelector } from './parser.js';
import type { Labels } from './requirement.js';

/** Parses or returns the error, so tables can hold both outcomes. */
function tryParse(text: string): { ok: true; text: string } | { ok: false; error: SelectorParseError } {
  try {
    return { ok: true, text: parseSelector(text).toString() };
  } catch (e) {
    if (e instanceof SelectorParseError) return { ok: false, error: e };
    throw e;
  }
}

// Kubernetes' TestSelectorParse: good strings print back without their spaces; bad strings fail.
describe('Kubernetes TestSelectorParse', () => {
  it.each(['x=a,y=b,z=c', '', 'x!=a,y=b', 'x=', 'x= ', 'x=,z= ', 'x= ,z= ', '!x', 'x>1', 'x>1,z<5'])(
    'accepts %j and prints it without spaces',
    (input) => {
      expect(parseSelector(input).toString()).toBe(input.replaceAll(' ', ''));
    },
  );

  it.each(['x=a||y=b', 'x==a==b', '!x=a', 'x<a'])('rejects %j', (input) => {
    expect(() => parseSelector(input)).toThrow(SelectorParseError);
  });

  it('parses deterministically regardless of order (TestDeterministicParse)', () => {
    expect(parseSelector('x=a,a=x').toString()).toBe(parseSelector('a=x,x=a').toString());
    expect(parseSelector('x=a,a=x').toString()).toBe('a=x,x=a');
  });
});

// Kubernetes' TestSetSelectorParser: input, canonical form (null = rejected).
describe('Kubernetes TestSetSelectorParser', () => {
  it.each<{ input: string; want: string | null }>([
    { input: '', want: '' },
    { input: '\rx', want: 'x' },
    { input: 'this-is-a-dns.domain.com/key-with-dash', want: 'this-is-a-dns.domain.com/key-with-dash' },
    {
      input: 'this-is-another-dns.domain.com/key-with-dash in (so,what)',
      want: 'this-is-another-dns.domain.com/key-with-dash in (so,what)',
    },
    {
      input: '0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)',
      want: '0.1.2.domain/99 notin (10.10.100.1,tick.tack.clock)',
    },
    { input: 'foo  in\t (abc)', want: 'foo in (abc)' },
    { input: 'x notin\n (abc)', want: 'x notin (abc)' },
    { input: 'x  notin\t\t\t(abc,def)', want: 'x notin (abc,def)' },
    { input: 'x in (abc,def)', want: 'x in (abc,def)' },
    { input: 'x in (abc,)', want: 'x in (,abc)' },
    { input: 'x in ()', want: 'x in ()' },
    { input: 'x notin (abc,,def),bar,z in (),w', want: 'bar,w,x notin (,abc,def),z in ()' },
    { input: 'x,y in (a)', want: 'x,y in (a)' },
    { input: 'x=a', want: 'x=a' },
    { input: 'x>1', want: 'x>1' },
    { input: 'x<7', want: 'x<7' },
    { input: 'x=a,y!=b', want: 'x=a,y!=b' },
    { input: 'x=a,y!=b,z in (h,i,j)', want: 'x=a,y!=b,z in (h,i,j)' },
    { input: 'x=a||y=b', want: null },
    { input: 'x,,y', want: null },
    { input: ',x,y', want: null },
    { input: 'x nott in (y)', want: null },
    { input: 'x notin ( )', want: 'x notin ()' },
    { input: 'x notin (, a)', want: 'x notin (,a)' },
    { input: 'a in (xyz),', want: null },
    { input: 'a in (xyz)b notin ()', want: null },
    { input: 'a ', want: 'a' },
    { input: 'a in (x,y,notin, z,in)', want: 'a in (in,notin,x,y,z)' },
    { input: 'a in (xyz abc)', want: null },
    { input: 'a notin(', want: null },
    { input: 'a (', want: null },
    { input: '(', want: null },
  ])('$input → $want', ({ input, want }) => {
    const got = tryParse(input);
    if (want === null) expect(got.ok).toBe(false);
    else expect(got).toEqual({ ok: true, text: want });
  });
});

// More edges of Kubernetes' grammar, traced through its parser by hand.
describe('grammar edges', () => {
  it.each<{ input: string; want: string | null }>([
    { input: 'notin=in', want: 'notin=in' },
    { input: 'in in (in)', want: 'in in (in)' },
    { input: 'x in (,)', want: 'x in ()' },
    { input: 'x in (,,)', want: null },
    { input: 'x in (a,,,b)', want: 'x in (,a,b)' },
    { input: 'x in (b,a,b)', want: 'x in (a,b)' },
    { input: 'x==a', want: 'x==a' },
    { input: 'x = a , y', want: 'x=a,y' },
    { input: '!x,!y', want: '!x,!y' },
    { input: ' ! x', want: '!x' },
    { input: '!', want: null },
    { input: '!!x', want: null },
    { input: 'x!', want: null },
    { input: 'x=(a)', want: null },
    { input: 'x in a', want: null },
    { input: 'x in (a', want: null },
    { input: 'x in (a,=)', want: null },
    { input: 'x>-1', want: null },
    { input: 'x>+1', want: null },
    { input: 'x>99999999999999999999', want: null },
    { input: 'x>9223372036854775807', want: 'x>9223372036854775807' },
    { input: 'x>', want: null },
    { input: 'x in (a) y', want: null },
    { input: '-x', want: null },
    { input: 'x=-a', want: null },
    { input: `${'a'.repeat(63)}=b`, want: `${'a'.repeat(63)}=b` },
    { input: `${'a'.repeat(64)}=b`, want: null },
    { input: `x=${'b'.repeat(64)}`, want: null },
    { input: 'a/b/c', want: null },
    { input: 'Example.com/a', want: null },
    { input: 'x=a\u0000garbage', want: null }, // NUL ends the identifier; 'garbage' follows
    { input: 'x=a,\u0000garbage', want: 'garbage,x=a' }, // the NUL after ',' is consumed with it
    { input: 'x=a \u0000garbage', want: 'x=a' },
    { input: '\u0000x', want: '' },
    { input: 'x=\u0000a', want: 'x=a' },
    { input: 'x,\u0000', want: null },
    { input: 'x=ā', want: null },
  ])('$input → $want', ({ input, want }) => {
    const got = tryParse(input);
    if (want === null) expect(got.ok).toBe(false);
    else expect(got).toEqual({ ok: true, text: want });
  });
});

// Kubernetes' TestSelectorMatches (expectMatch / expectNoMatch).
describe('Kubernetes TestSelectorMatches', () => {
  const labelset = { foo: 'bar', baz: 'blah' };
  it.each<{ selector: string; labels: Labels; want: boolean }>([
    { selector: '', labels: { x: 'y' }, want: true },
    { selector: 'x=y', labels: { x: 'y' }, want: true },
    { selector: 'x=y,z=w', labels: { x: 'y', z: 'w' }, want: true },
    { selector: 'x!=y,z!=w', labels: { x: 'z', z: 'a' }, want: true },
    { selector: 'notin=in', labels: { notin: 'in' }, want: true },
    { selector: 'x', labels: { x: 'z' }, want: true },
    { selector: '!x', labels: { y: 'z' }, want: true },
    { selector: 'x>1', labels: { x: '2' }, want: true },
    { selector: 'x<1', labels: { x: '0' }, want: true },
    { selector: 'x=z', labels: {}, want: false },
    { selector: 'x=y', labels: { x: 'z' }, want: false },
    { selector: 'x=y,z=w', labels: { x: 'w', z: 'w' }, want: false },
    { selector: 'x!=y,z!=w', labels: { x: 'z', z: 'w' }, want: false },
    { selector: 'x', labels: { y: 'z' }, want: false },
    { selector: '!x', labels: { x: 'z' }, want: false },
    { selector: 'x>1', labels: { x: '0' }, want: false },
    { selector: 'x<1', labels: { x: '2' }, want: false },
    { selector: 'foo=bar', labels: labelset, want: true },
    { selector: 'baz=blah', labels: labelset, want: true },
    { selector: 'foo=bar,baz=blah', labels: labelset, want: true },
    { selector: 'foo=blah', labels: labelset, want: false },
    { selector: 'baz=bar', labels: labelset, want: false },
    { selector: 'foo=bar,foobar=bar,baz=blah', labels: labelset, want: false },
    // TestRequirementSelectorMatching, written as strings.
    { selector: 'x in (foo),y notin (alpha)', labels: { x: 'foo', y: 'baz' }, want: true },
    { selector: 'x in (foo),y in (alpha)', labels: { x: 'foo', y: 'baz' }, want: false },
    { selector: 'x notin (),y', labels: { y: '' }, want: true },
    { selector: '!x,y', labels: { y: '' }, want: true },
    { selector: 'x notin (),!y', labels: { y: '' }, want: false },
    { selector: 'x in ()', labels: { y: 'baz' }, want: false },
    { selector: 'z>1', labels: { z: '2' }, want: true },
    { selector: 'z>1', labels: { z: 'v2' }, want: false },
    // Semantics the issue calls out.
    { selector: 'x!=a', labels: {}, want: true },
    { selector: 'x notin (a,b)', labels: {}, want: true },
    { selector: 'x=', labels: { x: '' }, want: true },
    { selector: 'x=', labels: {}, want: false },
    { selector: 'x>1', labels: {}, want: false },
    { selector: 'x<1', labels: { x: '-5' }, want: true },
    { selector: 'x>1', labels: { x: '+5' }, want: true },
    { selector: 'x>1', labels: { x: '007' }, want: true },
    { selector: 'x>1', labels: { x: '1.5' }, want: false },
    { selector: 'x<1', labels: { x: '-99999999999999999999' }, want: false },
    { selector: 'x<9223372036854775807', labels: { x: '9223372036854775806' }, want: true },
    { selector: 'x>9223372036854775806', labels: { x: '9223372036854775807' }, want: true },
    { selector: 'constructor', labels: {}, want: false },
    { selector: '!constructor', labels: {}, want: true },
    { selector: 'constructor!=a', labels: {}, want: true },
  ])('$selector on $labels → $want', ({ selector, labels, want }) => {
    expect(parseSelector(selector).matches(labels)).toBe(want);
  });
});

// Errors: Kubernetes' wording (pinned where it is the contract) and the position of the culprit.
describe('parse errors', () => {
  it.each<{ input: string; position: number; detail: string }>([
    {
      input: 'x,',
      position: 2,
      detail: "found '', expected: identifier after ','",
    },
    {
      input: 'a,b c',
      position: 4,
      detail: "unable to parse requirement: found 'c', expected: in, notin, =, ==, !=, gt, lt",
    },
    {
      input: 'x ,',
      position: 3,
      detail: "found '', expected: identifier after ','",
    },
    {
      input: 'x in (a),,',
      position: 9,
      detail: "found ',', expected: identifier after ','",
    },
    { input: ')', position: 0, detail: "found ')', expected: !, identifier, or 'end of string'" },
    { input: 'x in (a) y', position: 9, detail: "found 'y', expected: ',' or 'end of string'" },
    { input: '!x=a', position: 2, detail: "found '=', expected: ',' or 'end of string'" },
    { input: 'x in a', position: 5, detail: "unable to parse requirement: found 'a' expected: '('" },
    {
      input: 'x in (=',
      position: 6,
      detail: "unable to parse requirement: found '=', expected: ',', ')' or identifier",
    },
    {
      input: 'x in (a b)',
      position: 8,
      detail: "unable to parse requirement: found 'b', expected: ',' or ')'",
    },
    {
      input: 'x in (a,=)',
      position: 8,
      detail: "unable to parse requirement: found '=', expected: ',', or identifier",
    },
    { input: 'x=(', position: 2, detail: "unable to parse requirement: found '(', expected: identifier" },
    { input: '!,', position: 1, detail: "unable to parse requirement: found ',', expected: identifier" },
    {
      input: 'x>a',
      position: 2,
      detail:
        "unable to parse requirement: values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer",
    },
    {
      input: 'y=ok,x in (a_, ok)',
      position: 11,
      detail:
        "unable to parse requirement: values[0][x]: Invalid value: \"a_\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
    },
    {
      input: 'ok, x_',
      position: 4,
      detail:
        "unable to parse requirement: <nil>: Invalid value: \"x_\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    },
  ])('$input fails at $position', ({ input, position, detail }) => {
    const got = tryParse(input);
    expect(got.ok).toBe(false);
    if (got.ok) return;
    expect(got.error.detail).toBe(detail);
    expect(got.error.position).toBe(position);
    expect(got.error.input).toBe(input);
    expect(got.error.message).toContain(detail);
    expect(got.error.message).toContain(`position ${position}`);
    expect(isSelectorParseError(got.error)).toBe(true);
  });

  it('aggregates several requirement problems as Kubernetes does', () => {
    const got = tryParse(`x>${'9'.repeat(64)}`);
    expect(got.ok).toBe(false);
    if (got.ok) return;
    expect(got.error.detail).toMatch(
      /^unable to parse requirement: \[values\[0\]: Invalid value: .*, values\[0\]\[x\]: /,
    );
  });

  it('is recognised by name across module copies', () => {
    const foreign = Object.assign(new Error('x'), { name: 'SelectorParseError' });
    expect(isSelectorParseError(foreign)).toBe(true);
    expect(isSelectorParseError(new Error('x'))).toBe(false);
  });
});
