import { describe, expect, it } from 'vitest';
import {
  byRevision,
  bySizeNewer,
  bySizeOlder,
  equalIgnoreHash,
  findNewReplicaSet,
  findOldReplicaSets,
  maxRevision,
  nameOf,
  revisionOf,
  semanticEqual,
} from './replicasets.js';
import type { PodTemplateSpec } from './shapes.js';
import { replicaSet, template } from './testing/fixtures.js';

const withLabels = (labels: Record<string, string> | undefined, image = 'nginx:1'): PodTemplateSpec => ({
  metadata: labels === undefined ? {} : { labels },
  spec: { containers: [{ name: 'app', image }] },
});

describe('equalIgnoreHash (TestEqualIgnoreHash)', () => {
  it.each([
    {
      name: 'same spec, same labels',
      a: withLabels({ something: 'else' }),
      b: withLabels({ something: 'else' }),
      want: true,
    },
    {
      name: 'same spec, only pod-template-hash differs',
      a: withLabels({ something: 'else', 'pod-template-hash': 'a' }),
      b: withLabels({ something: 'else', 'pod-template-hash': 'b' }),
      want: true,
    },
    {
      name: 'same spec, the former has no pod-template-hash',
      a: withLabels({ something: 'else' }),
      b: withLabels({ something: 'else', 'pod-template-hash': 'b' }),
      want: true,
    },
    {
      name: 'labels differ, the former has no hash, same number of labels',
      a: withLabels({ something: 'else', a: 'b' }),
      b: withLabels({ something: 'else', 'pod-template-hash': 'b' }),
      want: false,
    },
    {
      name: 'labels differ, the latter has no hash, same number of labels',
      a: withLabels({ something: 'else', 'pod-template-hash': 'b' }),
      b: withLabels({ something: 'else', a: 'b' }),
      want: false,
    },
    {
      name: 'labels differ, same hash',
      a: withLabels({ foo: 'bar', 'pod-template-hash': 'b' }),
      b: withLabels({ something: 'else', 'pod-template-hash': 'b' }),
      want: false,
    },
    {
      name: 'different spec, same labels',
      a: withLabels({ a: 'b' }, 'nginx:1'),
      b: withLabels({ a: 'b' }, 'nginx:2'),
      want: false,
    },
    {
      name: 'only the hash label vs no labels at all',
      a: withLabels({ 'pod-template-hash': 'x' }),
      b: withLabels(undefined),
      want: true,
    },
  ])('$name', ({ a, b, want }) => {
    expect(equalIgnoreHash(a, b)).toBe(want);
    expect(equalIgnoreHash(b, a)).toBe(want);
    // Deeply frozen (as informers hand them out), the remembered verdict is the same, asked twice.
    const [fa, fb] = [freeze(structuredClone(a)), freeze(structuredClone(b))];
    for (let i = 0; i < 2; i++) {
      expect(equalIgnoreHash(fa, fb)).toBe(want);
      expect(equalIgnoreHash(fb, fa)).toBe(want);
    }
  });

  it('never remembers a verdict about a template that can still change', () => {
    const a = withLabels({ app: 'web' });
    const b = freeze(withLabels({ app: 'web' }));
    expect(equalIgnoreHash(a, b)).toBe(true);
    (a.spec as { containers: { image: string }[] }).containers[0]!.image = 'nginx:2';
    expect(equalIgnoreHash(a, b)).toBe(false);
    // Frozen only at the top: its insides can change, so it is compared every time too.
    const shallow = Object.freeze(withLabels({ app: 'web' }));
    expect(equalIgnoreHash(shallow, b)).toBe(true);
    (shallow.spec as { containers: { image: string }[] }).containers[0]!.image = 'nginx:3';
    expect(equalIgnoreHash(shallow, b)).toBe(false);
  });
});

function freeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) freeze(child);
    Object.freeze(value);
  }
  return value;
}

describe('semanticEqual', () => {
  it.each([
    { a: { x: undefined }, b: {}, want: true },
    { a: { x: [] }, b: {}, want: true },
    { a: { x: {} }, b: { x: null }, want: true },
    { a: { x: '' }, b: {}, want: false },
    { a: { x: 0 }, b: {}, want: false },
    { a: [1, 2], b: [2, 1], want: false },
  ])('$a vs $b → $want', ({ a, b, want }) => {
    expect(semanticEqual(a, b)).toBe(want);
  });
});

describe('findNewReplicaSet / findOldReplicaSets (TestFindNewReplicaSet)', () => {
  const current = template('app:current');

  it('finds the ReplicaSet with the template, whatever its hash', () => {
    const oldRS = replicaSet({ name: 'web-a', replicas: 1, image: 'app:old', created: 0 });
    const newRS = replicaSet({ name: 'web-b', replicas: 1, image: 'app:current', created: 5 });
    expect(findNewReplicaSet(current, [oldRS, newRS])).toBe(newRS);
    expect(findOldReplicaSets(newRS, [oldRS, newRS])).toEqual([oldRS]);
  });

  it('takes the oldest when several match', () => {
    const newer = replicaSet({ name: 'web-b', replicas: 1, image: 'app:current', created: 5 });
    const older = replicaSet({ name: 'web-c', replicas: 1, image: 'app:current', created: 1 });
    expect(findNewReplicaSet(current, [newer, older])).toBe(older);
  });

  it('finds none', () => {
    expect(
      findNewReplicaSet(current, [replicaSet({ name: 'web-a', replicas: 1, image: 'app:old' })]),
    ).toBeUndefined();
  });
});

describe('revisions', () => {
  it.each<{ annotations: Record<string, string>; want: number | undefined }>([
    { annotations: {}, want: 0 },
    { annotations: { 'deployment.kubernetes.io/revision': '12' }, want: 12 },
    { annotations: { 'deployment.kubernetes.io/revision': 'twelve' }, want: undefined },
  ])('revisionOf $annotations = $want', ({ annotations, want }) => {
    expect(revisionOf({ metadata: { annotations } })).toBe(want);
  });

  it('maxRevision skips unparsable revisions', () => {
    const a = replicaSet({ name: 'a', replicas: 0, revision: 3 });
    const b = replicaSet({
      name: 'b',
      replicas: 0,
      annotations: { 'deployment.kubernetes.io/revision': 'x' },
    });
    const c = replicaSet({ name: 'c', replicas: 0, revision: 10 });
    expect(maxRevision([a, b, c])).toBe(10);
    expect(maxRevision([])).toBe(0);
  });
});

describe('orderings', () => {
  const a = replicaSet({ name: 'a', replicas: 2, revision: 2, created: 0 });
  const b = replicaSet({ name: 'b', replicas: 2, revision: 1, created: 1 });
  const c = replicaSet({ name: 'c', replicas: 5, revision: 3, created: 2 });

  it.each([
    { name: 'byRevision: lowest revision first', compare: byRevision, want: ['b', 'a', 'c'] },
    { name: 'bySizeNewer: largest first, newer among equals', compare: bySizeNewer, want: ['c', 'b', 'a'] },
    { name: 'bySizeOlder: largest first, older among equals', compare: bySizeOlder, want: ['c', 'a', 'b'] },
  ])('$name', ({ compare, want }) => {
    expect([a, b, c].sort(compare).map(nameOf)).toEqual(want);
  });
});
