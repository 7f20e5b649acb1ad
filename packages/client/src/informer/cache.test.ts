import { isBadRequest } from '@flotilla/api';
import { parseSelector } from '@flotilla/labels';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ApiObject } from '../types.js';
import { InformerCache, NAMESPACE_INDEX, objectKey, splitObjectKey } from './cache.js';
import { CacheLister } from './lister.js';

interface TestPod extends ApiObject {
  readonly spec: { readonly nodeName?: string };
}

function pod(
  namespace: string,
  name: string,
  labels: Record<string, string>,
  nodeName?: string,
  rv = '1',
): TestPod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace, name, labels, resourceVersion: rv },
    spec: nodeName === undefined ? {} : { nodeName },
  };
}

const byNode = (p: TestPod): string[] => (p.spec.nodeName ? [p.spec.nodeName] : []);

describe('objectKey', () => {
  it.each([
    { name: 'namespaced', obj: pod('ns1', 'a', {}), want: 'ns1/a', namespace: 'ns1', objName: 'a' },
    {
      name: 'cluster-scoped',
      obj: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } },
      want: 'n1',
      namespace: '',
      objName: 'n1',
    },
  ])('$name', ({ obj, want, namespace, objName }) => {
    expect(objectKey(obj)).toBe(want);
    expect(splitObjectKey(want)).toEqual({ namespace, name: objName });
  });
});

describe('CacheLister', () => {
  const cache = new InformerCache<TestPod>();
  cache.addIndexer('byNode', byNode);
  for (const p of [
    pod('a', 'web-1', { app: 'web', tier: 'fe' }, 'n1'),
    pod('a', 'web-2', { app: 'web', tier: 'fe' }, 'n2'),
    pod('b', 'web-3', { app: 'web' }, 'n1'),
    pod('b', 'db-1', { app: 'db' }),
  ]) {
    cache.set(objectKey(p), p);
  }
  const lister = new CacheLister(cache);
  const names = (pods: TestPod[]) => pods.map((p) => p.metadata?.name).sort();

  it.each([
    { name: 'everything', options: {}, want: ['db-1', 'web-1', 'web-2', 'web-3'] },
    { name: 'one namespace', options: { namespace: 'b' }, want: ['db-1', 'web-3'] },
    { name: 'label selector', options: { labelSelector: 'app=web' }, want: ['web-1', 'web-2', 'web-3'] },
    {
      name: 'selector and namespace',
      options: { labelSelector: 'app=web', namespace: 'b' },
      want: ['web-3'],
    },
    { name: 'set-based selector', options: { labelSelector: 'tier notin (fe)' }, want: ['db-1', 'web-3'] },
    { name: 'parsed selector', options: { labelSelector: parseSelector('!tier') }, want: ['db-1', 'web-3'] },
    {
      name: 'empty selector text',
      options: { labelSelector: ' ' },
      want: ['db-1', 'web-1', 'web-2', 'web-3'],
    },
  ])('list: $name', ({ options, want }) => {
    expect(names(lister.list(options))).toEqual(want);
  });

  it('gets by namespace and name, and by key', () => {
    expect(lister.get('a', 'web-1')?.spec.nodeName).toBe('n1');
    expect(lister.get('b', 'web-1')).toBeUndefined();
    expect(lister.getByKey('b/db-1')?.metadata?.name).toBe('db-1');
    expect(lister.size).toBe(4);
  });

  it('answers user-defined and namespace indexes', () => {
    expect(names(lister.byIndex('byNode', 'n1'))).toEqual(['web-1', 'web-3']);
    expect(names(lister.byIndex('byNode', 'n9'))).toEqual([]);
    expect(names(lister.byIndex(NAMESPACE_INDEX, 'a'))).toEqual(['web-1', 'web-2']);
    expect(cache.indexValues('byNode').sort()).toEqual(['n1', 'n2']);
  });

  it('rejects a malformed selector with BadRequest and an unknown index with an Error', () => {
    expect(() => lister.list({ labelSelector: 'app in (' })).toThrow(
      expect.objectContaining({ reason: 'BadRequest' }),
    );
    try {
      lister.list({ labelSelector: 'a=b=c' });
      expect.unreachable();
    } catch (error) {
      expect(isBadRequest(error)).toBe(true);
    }
    expect(() => lister.byIndex('nope', 'x')).toThrow(/no index named "nope"/);
  });

  it('accepts the same index function twice and refuses another under a taken name', () => {
    expect(() => cache.addIndexer('byNode', byNode)).not.toThrow();
    expect(() => cache.addIndexer('byNode', (p) => [p.kind])).toThrow(/already exists/);
  });
});

describe('InformerCache invariants', () => {
  const op = fc.oneof(
    fc.record({
      op: fc.constant('set' as const),
      ns: fc.constantFrom('a', 'b'),
      name: fc.constantFrom('p1', 'p2', 'p3', 'p4'),
      app: fc.constantFrom('web', 'db', undefined),
      node: fc.constantFrom('n1', 'n2', undefined),
    }),
    fc.record({
      op: fc.constant('delete' as const),
      ns: fc.constantFrom('a', 'b'),
      name: fc.constantFrom('p1', 'p2', 'p3', 'p4'),
    }),
    fc.record({ op: fc.constant('index' as const) }),
    fc.record({
      op: fc.constant('query' as const),
      selector: fc.constantFrom('app=web', '!app', 'app in (db)'),
    }),
  );

  it('indexes and label queries always equal a full scan', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), (ops) => {
        const cache = new InformerCache<TestPod>();
        const model = new Map<string, TestPod>();
        for (const o of ops) {
          if (o.op === 'index') {
            cache.addIndexer('byNode', byNode);
          } else if (o.op === 'query') {
            // Mid-sequence label queries build the lazy label index; later ops must keep it current.
            const s = parseSelector(o.selector);
            const got = new CacheLister(cache).list({ labelSelector: s }).map(objectKey).sort();
            const want = [...model.values()].filter((p) => s.matches(p.metadata?.labels ?? {}));
            expect(got).toEqual(want.map(objectKey).sort());
          } else if (o.op === 'set') {
            const p = pod(o.ns, o.name, o.app === undefined ? {} : { app: o.app }, o.node);
            cache.set(objectKey(p), p);
            model.set(objectKey(p), p);
          } else {
            expect(cache.delete(`${o.ns}/${o.name}`)).toBe(model.get(`${o.ns}/${o.name}`));
            model.delete(`${o.ns}/${o.name}`);
          }
        }
        const all = [...model.values()];
        const keys = (pods: TestPod[]) => pods.map(objectKey).sort();
        const lister = new CacheLister(cache);
        expect(keys(lister.list())).toEqual(keys(all));
        for (const ns of ['a', 'b']) {
          expect(keys(lister.list({ namespace: ns }))).toEqual(
            keys(all.filter((p) => p.metadata?.namespace === ns)),
          );
        }
        for (const sel of ['app=web', 'app!=web', 'app', '!app']) {
          const s = parseSelector(sel);
          expect(keys(lister.list({ labelSelector: s }))).toEqual(
            keys(all.filter((p) => s.matches(p.metadata?.labels ?? {}))),
          );
        }
        if (cache.hasIndex('byNode')) {
          for (const node of ['n1', 'n2']) {
            expect(keys(lister.byIndex('byNode', node))).toEqual(
              keys(all.filter((p) => p.spec.nodeName === node)),
            );
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
