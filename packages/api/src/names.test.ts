import { describe, expect, it } from 'vitest';
import {
  isCIdentifier,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isIP,
  isQualifiedName,
  isValidLabelValue,
  isValidPathSegmentName,
  isValidPercent,
  isValidPortName,
  isValidPortNum,
  nameIsDNSSubdomain,
} from './names.js';

describe('messages in Kubernetes wording', () => {
  it.each([
    [
      isDNS1123Subdomain,
      'Web',
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ],
    [
      isDNS1123Label,
      'my_name',
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    ],
    [isDNS1123Label, 'a.b', 'must not contain dots'],
    [
      isDNS1035Label,
      '1abc',
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ],
    [isValidPortNum, 0, 'must be between 1 and 65535, inclusive'],
    [isValidPortName, 'HTTP', 'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'],
    [isValidPortName, '8080', 'must contain at least one letter (a-z)'],
    [isValidPortName, 'a--b', 'must not contain consecutive hyphens'],
    [isValidPortName, '-ab', 'must not begin or end with a hyphen'],
    [isValidPortName, 'abcdefghijklmnop', 'must be no more than 15 characters'],
    [
      isValidPercent,
      '25',
      "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
    ],
    [isValidPathSegmentName, '..', "may not be '..'"],
    [isValidPathSegmentName, 'a/b', "may not contain '/'"],
  ] as [(v: never) => string[], unknown, string][])('%o(%j)', (fn, value, want) => {
    expect(fn(value as never)).toContain(want);
  });
});

describe('valid and invalid values', () => {
  it.each([
    [
      isDNS1123Label,
      ['a', 'abc', 'a-1', '0', 'a'.repeat(63)],
      ['', 'A', '-a', 'a-', 'a.b', 'a'.repeat(64), 'a_b'],
    ],
    [
      isDNS1123Subdomain,
      ['a', 'example.com', 'a-b.c-d', '1.2.3.4', 'a'.repeat(253)],
      ['', 'Example.com', '.a', 'a.', 'a..b', 'a_b', 'a'.repeat(254)],
    ],
    [isDNS1035Label, ['a', 'my-svc', 'a1'], ['', '1a', 'a-', 'A', 'a.b']],
    [
      isQualifiedName,
      ['app', 'App.Name_1', 'example.com/name', 'k8s.io/a-b'],
      ['', '/a', 'a/', 'a/b/c', 'Example.com/a', '-a', 'a'.repeat(64)],
    ],
    [isValidLabelValue, ['', 'a', 'A-b_c.d', '1'], ['-a', 'a-', 'a b', 'a'.repeat(64)]],
    [isCIdentifier, ['a', '_a1', 'A_B'], ['1a', 'a-b', '']],
    [isEnvVarName, ['PATH', 'my.var-1', '_x'], ['1A', '..', 'a b', '']],
    [isValidPercent, ['0%', '100%', '25%'], ['%', '25', '1.5%']],
    [isValidPortName, ['http', 'h2c', 'web-1'], ['', 'HTTP', '1234']],
  ] as [(v: string) => string[], string[], string[]][])('%o', (fn, good, bad) => {
    for (const v of good) expect(fn(v), v).toEqual([]);
    for (const v of bad) expect(fn(v).length, v).toBeGreaterThan(0);
  });

  it.each([
    ['10.0.0.1', true],
    ['255.255.255.255', true],
    ['2001:db8::ffff', true],
    ['::1', true],
    ['::', true],
    ['::ffff:10.0.0.1', true],
    ['1:2:3:4:5:6:7:8', true],
    ['256.0.0.1', false],
    ['10.0.0', false],
    ['1:2:3:4:5:6:7:8:9', false],
    ['1::2::3', false],
    ['fe80::1%eth0', false],
    ['', false],
  ])('isIP(%j) = %s', (ip, want) => {
    expect(isIP(ip)).toBe(want);
  });

  it('generateName prefixes may end in a dash', () => {
    expect(nameIsDNSSubdomain('web-', true)).toEqual([]);
    expect(nameIsDNSSubdomain('web-', false).length).toBe(1);
  });
});
