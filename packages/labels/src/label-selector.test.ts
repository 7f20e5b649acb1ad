import { describe, expect, it } from 'vitest';
import { isLabelSelectorError, LabelSelectorError } from './errors.js';
import type { LabelFieldError } from './field-error.js';
import { type LabelSelector, selectorFromLabelSelector, validateLabelSelector } from './label-selector.js';
import { everything, nothing } from './selector.js';

describe('selectorFromLabelSelector', () => {
  it('a missing selector selects nothing; an empty one everything', () => {
    expect(selectorFromLabelSelector(undefined)).toBe(nothing());
    expect(selectorFromLabelSelector(null)).toBe(nothing());
    expect(selectorFromLabelSelector({})).toBe(everything());
    expect(selectorFromLabelSelector({ matchLabels: {}, matchExpressions: [] })).toBe(everything());
    expect(selectorFromLabelSelector({ matchLabels: null, matchExpressions: null })).toBe(everything());
  });

  it.each<{ selector: LabelSelector; want: string }>([
    { selector: { matchLabels: { app: 'web' } }, want: 'app=web' },
    { selector: { matchLabels: { tier: 'fe', app: 'web' } }, want: 'app=web,tier=fe' },
    {
      selector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['fe', 'be'] }] },
      want: 'tier in (be,fe)',
    },
    {
      selector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['fe'] }] },
      want: 'tier notin (fe)',
    },
    { selector: { matchExpressions: [{ key: 'canary', operator: 'Exists' }] }, want: 'canary' },
    {
      selector: { matchExpressions: [{ key: 'canary', operator: 'DoesNotExist', values: [] }] },
      want: '!canary',
    },
    {
      selector: {
        matchLabels: { app: 'web' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['fe', 'be'] },
          { key: 'canary', operator: 'DoesNotExist' },
        ],
      },
      want: 'app=web,!canary,tier in (be,fe)',
    },
    { selector: { matchExpressions: [{ key: 'x', operator: 'In', values: [''] }] }, want: 'x in ()' },
  ])('$want', ({ selector, want }) => {
    expect(selectorFromLabelSelector(selector).toString()).toBe(want);
  });

  it('matches with Kubernetes semantics', () => {
    const sel = selectorFromLabelSelector({
      matchLabels: { app: 'web' },
      matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }],
    });
    expect(sel.matches({ app: 'web' })).toBe(true);
    expect(sel.matches({ app: 'web', tier: 'fe' })).toBe(true);
    expect(sel.matches({ app: 'web', tier: 'db' })).toBe(false);
    expect(sel.matches({ tier: 'fe' })).toBe(false);
  });

  it('throws every problem with field paths', () => {
    const bad = { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] } as LabelSelector;
    expect(() => selectorFromLabelSelector(bad)).toThrow(LabelSelectorError);
    try {
      selectorFromLabelSelector(bad, 'spec.selector');
      expect.unreachable();
    } catch (e) {
      expect(isLabelSelectorError(e)).toBe(true);
      const err = e as LabelSelectorError;
      expect(err.errors).toEqual([
        {
          field: 'spec.selector.matchExpressions[0].values',
          type: 'Required',
          detail: "must be specified when `operator` is 'In' or 'NotIn'",
        },
      ]);
      expect(err.message).toBe(
        "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      );
    }
  });
});

describe('selectorFromLabelSelector on frozen selectors (as stored objects carry them)', () => {
  const freeze = (s: LabelSelector): LabelSelector => {
    if (s.matchLabels) Object.freeze(s.matchLabels);
    for (const e of s.matchExpressions ?? []) {
      if (e.values) Object.freeze(e.values);
      Object.freeze(e);
    }
    if (s.matchExpressions) Object.freeze(s.matchExpressions);
    return Object.freeze(s);
  };

  it('converts a deeply frozen selector once', () => {
    const s = freeze({
      matchLabels: { app: 'web' },
      matchExpressions: [{ key: 'tier', operator: 'In', values: ['fe', 'be'] }],
    });
    const first = selectorFromLabelSelector(s);
    expect(selectorFromLabelSelector(s)).toBe(first);
    expect(first.toString()).toBe('app=web,tier in (be,fe)');
  });

  it('converts an unfrozen (or partly frozen) selector every time, so later changes are seen', () => {
    const s: { matchLabels: Record<string, string> } = Object.freeze({ matchLabels: { app: 'web' } });
    const first = selectorFromLabelSelector(s);
    s.matchLabels.app = 'api';
    const second = selectorFromLabelSelector(s);
    expect(second).not.toBe(first);
    expect(second.toString()).toBe('app=api');
  });

  it('reports an invalid frozen selector every time, with the path asked for', () => {
    const s = freeze({ matchExpressions: [{ key: 'tier', operator: 'In', values: [] }] });
    const fields = (path: string) => {
      try {
        selectorFromLabelSelector(s, path);
      } catch (error) {
        return (error as LabelSelectorError).errors.map((e) => e.field);
      }
      return [];
    };
    expect(fields('spec.selector')).toEqual(['spec.selector.matchExpressions[0].values']);
    expect(fields('selector')).toEqual(['selector.matchExpressions[0].values']);
  });
});

// Kubernetes' ValidateLabelSelector: types and paths pinned; details only where they are Kubernetes' fixed text.
describe('validateLabelSelector', () => {
  const fieldsOf = (errs: LabelFieldError[]) => errs.map((e) => [e.field, e.type]);

  it.each<{ name: string; selector: unknown; want: Array<[string, string]> }>([
    {
      name: 'valid',
      selector: { matchLabels: { a: 'b' }, matchExpressions: [{ key: 'c', operator: 'Exists' }] },
      want: [],
    },
    { name: 'missing', selector: undefined, want: [] },
    {
      name: 'In without values',
      selector: { matchExpressions: [{ key: 'a', operator: 'In' }] },
      want: [['matchExpressions[0].values', 'Required']],
    },
    {
      name: 'NotIn with empty values',
      selector: { matchExpressions: [{ key: 'a', operator: 'NotIn', values: [] }] },
      want: [['matchExpressions[0].values', 'Required']],
    },
    {
      name: 'Exists with values',
      selector: { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] },
      want: [['matchExpressions[0].values', 'Forbidden']],
    },
    {
      name: 'unknown operator',
      selector: { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] },
      want: [['matchExpressions[0].operator', 'Invalid']],
    },
    {
      name: 'bad key',
      selector: { matchExpressions: [{ key: '-a', operator: 'Exists' }] },
      want: [['matchExpressions[0].key', 'Invalid']],
    },
    {
      name: 'bad value',
      selector: { matchExpressions: [{ key: 'a', operator: 'In', values: ['ok', '-x'] }] },
      want: [['matchExpressions[0].values[1]', 'Invalid']],
    },
    {
      name: 'bad matchLabels key and value',
      selector: { matchLabels: { '-a': 'ok', b: '-v' } },
      want: [
        ['matchLabels', 'Invalid'],
        ['matchLabels', 'Invalid'],
      ],
    },
    {
      name: 'second expression',
      selector: {
        matchExpressions: [
          { key: 'a', operator: 'Exists' },
          { key: 'b', operator: 'Has' },
        ],
      },
      want: [['matchExpressions[1].operator', 'Invalid']],
    },
    { name: 'not an object', selector: 'app=web', want: [['', 'TypeInvalid']] },
    {
      name: 'matchLabels not an object',
      selector: { matchLabels: ['a'] },
      want: [['matchLabels', 'TypeInvalid']],
    },
    {
      name: 'matchLabels value not a string',
      selector: { matchLabels: { a: 1 } },
      want: [['matchLabels', 'TypeInvalid']],
    },
    {
      name: 'expressions not a list',
      selector: { matchExpressions: {} },
      want: [['matchExpressions', 'TypeInvalid']],
    },
    {
      name: 'expression not an object',
      selector: { matchExpressions: [7] },
      want: [['matchExpressions[0]', 'TypeInvalid']],
    },
    {
      name: 'key not a string',
      selector: { matchExpressions: [{ key: 1, operator: 'Exists' }] },
      want: [['matchExpressions[0].key', 'TypeInvalid']],
    },
    {
      name: 'values not a list',
      selector: { matchExpressions: [{ key: 'a', operator: 'In', values: 'x' }] },
      want: [
        ['matchExpressions[0].values', 'TypeInvalid'],
        ['matchExpressions[0].values', 'Required'],
      ],
    },
    {
      name: 'value not a string',
      selector: { matchExpressions: [{ key: 'a', operator: 'In', values: [1] }] },
      want: [['matchExpressions[0].values[0]', 'TypeInvalid']],
    },
  ])('$name', ({ selector, want }) => {
    expect(fieldsOf(validateLabelSelector(selector as LabelSelector))).toEqual(want);
    if (want.length > 0)
      expect(() => selectorFromLabelSelector(selector as LabelSelector)).toThrow(LabelSelectorError);
  });

  it('prefixes paths and keeps Kubernetes details', () => {
    const errs = validateLabelSelector(
      {
        matchExpressions: [
          { key: 'a', operator: 'Has' as 'In' },
          { key: 'b', operator: 'Exists', values: ['x'] },
        ],
      },
      'spec.selector',
    );
    expect(errs).toEqual([
      {
        field: 'spec.selector.matchExpressions[0].operator',
        type: 'Invalid',
        value: 'Has',
        detail: 'not a valid selector operator',
      },
      {
        field: 'spec.selector.matchExpressions[1].values',
        type: 'Forbidden',
        detail: "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      },
    ]);
  });
});
