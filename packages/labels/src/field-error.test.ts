import { describe, expect, it } from 'vitest';
import { childPath, formatLabelFieldError, goQuote, indexPath, type LabelFieldError } from './field-error.js';

describe('field errors', () => {
  it.each<[string, string]>([
    ['abc', '"abc"'],
    ['a"b', '"a\\"b"'],
    ['a\\b', '"a\\\\b"'],
    ['\n\t\u0000\u007f', '"\\n\\t\\x00\\x7f"'],
    ['ā', '"ā"'],
  ])('goQuote(%j) = %s', (s, want) => {
    expect(goQuote(s)).toBe(want);
  });

  it.each<{ error: LabelFieldError; want: string }>([
    {
      error: { field: 'a.b', type: 'Invalid', value: 'x', detail: 'bad' },
      want: 'a.b: Invalid value: "x": bad',
    },
    {
      error: { field: 'a', type: 'Required', detail: 'must be set' },
      want: 'a: Required value: must be set',
    },
    { error: { field: 'a', type: 'Forbidden', detail: 'no' }, want: 'a: Forbidden: no' },
    {
      error: { field: 'v', type: 'Invalid', value: [], detail: 'empty' },
      want: 'v: Invalid value: []: empty',
    },
    {
      error: { field: '', type: 'TypeInvalid', value: 3, detail: 'must be an object' },
      want: 'Invalid value: 3: must be an object',
    },
    {
      error: { field: 'op', type: 'NotSupported', value: 'x', detail: 'supported values: "a"' },
      want: 'op: Unsupported value: "x": supported values: "a"',
    },
  ])('$want', ({ error, want }) => {
    expect(formatLabelFieldError(error)).toBe(want);
  });

  it('builds paths', () => {
    expect(childPath('', 'a')).toBe('a');
    expect(childPath('spec.selector', 'matchLabels')).toBe('spec.selector.matchLabels');
    expect(indexPath('values', 2)).toBe('values[2]');
    expect(indexPath('values[0]', 'k')).toBe('values[0][k]');
  });
});
