import { describe, expect, it } from 'vitest';
import type { LabelSelector } from './k8s-shapes.js';
import { compileLabelSelector, compileNodeSelector } from './selectors.js';

describe('compileNodeSelector (node affinity operators)', () => {
  const labels = { zone: 'a', gen: '5', gpu: 'true' };
  it.each([
    { name: 'In hit', op: 'In', values: ['a', 'b'], key: 'zone', want: true },
    { name: 'In miss', op: 'In', values: ['b'], key: 'zone', want: false },
    { name: 'In absent key', op: 'In', values: ['a'], key: 'rack', want: false },
    { name: 'NotIn hit', op: 'NotIn', values: ['b'], key: 'zone', want: true },
    { name: 'NotIn miss', op: 'NotIn', values: ['a'], key: 'zone', want: false },
    { name: 'NotIn absent key', op: 'NotIn', values: ['a'], key: 'rack', want: true },
    { name: 'Exists', op: 'Exists', values: [], key: 'gpu', want: true },
    { name: 'Exists absent', op: 'Exists', values: [], key: 'rack', want: false },
    { name: 'DoesNotExist', op: 'DoesNotExist', values: [], key: 'rack', want: true },
    { name: 'DoesNotExist present', op: 'DoesNotExist', values: [], key: 'gpu', want: false },
    { name: 'Gt', op: 'Gt', values: ['4'], key: 'gen', want: true },
    { name: 'Gt equal', op: 'Gt', values: ['5'], key: 'gen', want: false },
    { name: 'Lt', op: 'Lt', values: ['6'], key: 'gen', want: true },
    { name: 'Lt non-integer label', op: 'Lt', values: ['6'], key: 'zone', want: false },
  ])('$name', ({ op, values, key, want }) => {
    const m = compileNodeSelector([{ matchExpressions: [{ key, operator: op, values }] }], 'f');
    expect(m.matches(labels, 'n1')).toBe(want);
  });

  it('ORs terms and ANDs expressions; matchFields reads metadata.name; an empty term matches nothing', () => {
    const m = compileNodeSelector(
      [
        { matchExpressions: [{ key: 'zone', operator: 'In', values: ['x'] }] },
        { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] },
      ],
      'f',
    );
    expect(m.matches(labels, 'n1')).toBe(true);
    expect(m.matches(labels, 'n2')).toBe(false);
    expect(compileNodeSelector([{}], 'f').matches(labels, 'n1')).toBe(false);
  });

  it.each([
    { name: 'unknown operator', req: { key: 'a', operator: 'Near', values: [] }, field: 'operator' },
    { name: 'Gt with two values', req: { key: 'a', operator: 'Gt', values: ['1', '2'] }, field: 'values' },
    { name: 'Lt with a word', req: { key: 'a', operator: 'Lt', values: ['x'] }, field: 'values' },
  ])('rejects $name naming the field', ({ req, field }) => {
    expect(() => compileNodeSelector([{ matchExpressions: [req] }], 'spec.x')).toThrow(
      `spec.x.nodeSelectorTerms[0].matchExpressions[0].${field}`,
    );
  });
});

describe('compileLabelSelector', () => {
  it.each<{ name: string; sel: LabelSelector; labels: Record<string, string>; want: boolean }>([
    { name: 'matchLabels', sel: { matchLabels: { app: 'web' } }, labels: { app: 'web' }, want: true },
    { name: 'matchLabels miss', sel: { matchLabels: { app: 'web' } }, labels: { app: 'db' }, want: false },
    { name: 'empty selector matches all', sel: {}, labels: { app: 'db' }, want: true },
    {
      name: 'expressions',
      sel: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['cache'] }] },
      labels: { tier: 'web' },
      want: true,
    },
  ])('$name', ({ sel, labels, want }) => {
    expect(compileLabelSelector(sel).matches(labels)).toBe(want);
  });

  it('matches nothing without a selector, and anchors on an equality requirement', () => {
    expect(compileLabelSelector(undefined).matches({})).toBe(false);
    expect(compileLabelSelector({ matchLabels: { app: 'web' } }).anchor).toBe('app=web');
    expect(
      compileLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Exists' }] }).anchor,
    ).toBeUndefined();
    expect(() =>
      compileLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Gt' as 'In', values: ['1'] }] }),
    ).toThrow('labelSelector.matchExpressions[0].operator');
  });
});
