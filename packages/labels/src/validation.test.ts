import { describe, expect, it } from 'vitest';
import { utf8Length, validateDNS1123Subdomain, validateLabelKey, validateLabelValue } from './validation.js';

const NAME_REGEX_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const VALUE_REGEX_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

// Kubernetes' TestIsLabelKey / TestIsQualifiedName cases.
describe('validateLabelKey', () => {
  it.each([
    'simple',
    'now-with-dashes',
    '1-starts-with-num',
    '1234',
    'simple/simple',
    'now-with-dashes/simple',
    'now-with-dashes/now-with-dashes',
    'now.with.dots/simple',
    'now-with.dashes-and.dots/simple',
    '1-num.2-num/3-num',
    '1234/5678',
    '1.2.3.4/5678',
    'Uppercase_Is_OK_123',
    'example.com/Uppercase_Is_OK_123',
    'requests.storage-foo',
    'a'.repeat(63),
    `${'a'.repeat(253)}/${'b'.repeat(63)}`,
  ])('accepts %s', (key) => {
    expect(validateLabelKey(key)).toEqual([]);
  });

  it.each([
    'nospecialchars%^=@',
    'cantendwithadash-',
    '-cantstartwithadash-',
    'only/one/slash',
    'Example.com/abc',
    'example_com/abc',
    'example.com/',
    '/simple',
    'a'.repeat(64),
    `${'a'.repeat(254)}/abc`,
    '',
  ])('rejects %s', (key) => {
    expect(validateLabelKey(key).length).toBeGreaterThan(0);
  });

  it.each<{ key: string; want: string[] }>([
    { key: '-a', want: [NAME_REGEX_MSG] },
    { key: '', want: ['name part must be non-empty', NAME_REGEX_MSG] },
    { key: 'a'.repeat(64), want: ['name part must be no more than 63 bytes'] },
    { key: '/a', want: ['prefix part must be non-empty'] },
    {
      key: 'A.com/a',
      want: [
        "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      ],
    },
    { key: `${'a'.repeat(254)}/a`, want: ['prefix part must be no more than 253 bytes'] },
    {
      key: 'a/b/c',
      want: [
        "a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
      ],
    },
    { key: 'ā'.repeat(32), want: ['name part must be no more than 63 bytes', NAME_REGEX_MSG] },
  ])('explains $key in Kubernetes words', ({ key, want }) => {
    expect(validateLabelKey(key)).toEqual(want);
  });
});

// Kubernetes' TestIsLabelValue / TestIsValidLabelValue cases.
describe('validateLabelValue', () => {
  it.each(['simple', 'now-with-dashes', '1-starts-with-num', 'end-with-num-1', '1234', 'a'.repeat(63), ''])(
    'accepts %j',
    (value) => {
      expect(validateLabelValue(value)).toEqual([]);
    },
  );

  it.each([
    'nospecialchars%^=@',
    'Tama-nui-te-rā.is.Māori.sun',
    '\\backslashes\\are\\bad',
    '-starts-with-dash',
    'ends-with-dash-',
    '.starts.with.dot',
    'ends.with.dot.',
    'a'.repeat(64),
    'a\n',
  ])('rejects %j', (value) => {
    expect(validateLabelValue(value).length).toBeGreaterThan(0);
  });

  it('explains in Kubernetes words', () => {
    expect(validateLabelValue('-a')).toEqual([VALUE_REGEX_MSG]);
    expect(validateLabelValue('a'.repeat(64))).toEqual(['must be no more than 63 bytes']);
  });
});

describe('helpers', () => {
  it.each([
    ['', 0],
    ['abc', 3],
    ['ā', 2],
    ['€', 3],
    ['😀', 4],
  ] as const)('utf8Length(%j) = %i', (s, n) => {
    expect(utf8Length(s)).toBe(n);
  });

  it('validates DNS-1123 subdomains', () => {
    expect(validateDNS1123Subdomain('example.com')).toEqual([]);
    expect(validateDNS1123Subdomain('Example.com')).toHaveLength(1);
    expect(validateDNS1123Subdomain(`${'a'.repeat(254)}`)).toHaveLength(1);
  });
});
