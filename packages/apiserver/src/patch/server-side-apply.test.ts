import { isApiError } from '@flotilla/api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compare, FieldSet, fieldSetOf, pathString } from './field-set.js';
import {
  type ApplyOptions,
  decodeManagedFields,
  encodeManagedFields,
  lastAppliedAllowance,
  serverSideApply,
  trackUpdate,
} from './server-side-apply.js';

type Obj = Record<string, unknown>;
// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
type Any = any;

const T0 = '2026-01-01T00:00:00Z';
const T1 = '2026-01-01T00:01:00Z';
const T2 = '2026-01-01T00:02:00Z';

function deploy(spec: Obj, meta: Obj = {}): Obj {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'ns', ...meta },
    spec,
  };
}

/** A live object as the store returns it (system metadata stamped). */
function stored(obj: Obj): Obj {
  const meta = obj.metadata as Obj;
  return {
    ...obj,
    metadata: { ...meta, uid: 'u1', resourceVersion: '7', generation: 1, creationTimestamp: T0 },
  };
}

function apply(
  live: Obj | undefined,
  config: Obj,
  manager: string,
  more: Partial<ApplyOptions> & { allowedConflicts?: FieldSet; syncLastApplied?: boolean } = {},
) {
  const r = serverSideApply(live, config, { manager, force: false, now: T1, ...more });
  return { ...r, object: stored(r.object) };
}

function entries(obj: Obj): Any[] {
  return ((obj.metadata as Obj).managedFields ?? []) as Any[];
}

function fieldsOf(obj: Obj, manager: string, operation = 'Apply'): Any {
  return entries(obj).find((e) => e.manager === manager && e.operation === operation)?.fieldsV1;
}

function conflictOf(fn: () => unknown): Any {
  try {
    fn();
  } catch (error) {
    if (isApiError(error)) return error;
    throw error;
  }
  throw new Error('expected a conflict');
}

const containers = (...cs: Obj[]) => ({ template: { spec: { containers: cs } } });

describe('field sets', () => {
  it.each([
    ['scalar', { spec: { replicas: 2 } }, { 'f:spec': { 'f:replicas': {} } }],
    [
      'empty map is a leaf',
      { spec: { template: { spec: { securityContext: {} } } } },
      {
        'f:spec': { 'f:template': { 'f:spec': { 'f:securityContext': {} } } },
      },
    ],
    [
      'atomic selector',
      { spec: { selector: { matchLabels: { app: 'web' } } } },
      { 'f:spec': { 'f:selector': {} } },
    ],
    [
      'atomic list',
      { spec: { template: { spec: { containers: [{ name: 'a', args: ['x', 'y'] }] } } } },
      {
        'f:spec': {
          'f:template': {
            'f:spec': { 'f:containers': { 'k:{"name":"a"}': { '.': {}, 'f:args': {}, 'f:name': {} } } },
          },
        },
      },
    ],
    [
      'container ports key on containerPort and protocol (defaulted)',
      {
        spec: { template: { spec: { containers: [{ name: 'a', ports: [{ containerPort: 80 }] }] } } },
      },
      {
        'f:spec': {
          'f:template': {
            'f:spec': {
              'f:containers': {
                'k:{"name":"a"}': {
                  '.': {},
                  'f:name': {},
                  'f:ports': {
                    'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} },
                  },
                },
              },
            },
          },
        },
      },
    ],
    [
      'service ports key on port and protocol',
      { spec: { ports: [{ port: 443, protocol: 'UDP' }] } },
      {
        'f:spec': {
          'f:ports': { 'k:{"port":443,"protocol":"UDP"}': { '.': {}, 'f:port': {}, 'f:protocol': {} } },
        },
      },
    ],
    [
      'finalizers are a set',
      { metadata: { finalizers: ['a', 'b'] } },
      {
        'f:metadata': { 'f:finalizers': { 'v:"a"': {}, 'v:"b"': {} } },
      },
    ],
  ])('%s', (_name, value, fieldsV1) => {
    expect(fieldSetOf(value).toFieldsV1()).toEqual(fieldsV1);
    expect(FieldSet.fromFieldsV1(fieldsV1).toFieldsV1()).toEqual(fieldsV1);
  });

  it('keys only container and Service ports; other ports lists (EndpointSlice) are atomic', () => {
    const slice = { endpoints: [{ addresses: ['10.0.0.1'] }], ports: [{ name: 'http' }] };
    expect(fieldSetOf(slice).toFieldsV1()).toEqual({ 'f:endpoints': {}, 'f:ports': {} });
    // Unkeyable lists in compared objects are atomic instead of an error.
    const c = compare({ spec: { ports: [{ name: 'a' }] } }, { spec: { ports: [{ name: 'b' }] } });
    expect(c.modified.toFieldsV1()).toEqual({ 'f:spec': { 'f:ports': {} } });
  });

  it('prints paths as Kubernetes does', () => {
    expect(pathString(['f:spec', 'f:replicas'])).toBe('.spec.replicas');
    expect(pathString(['f:spec', 'f:containers', 'k:{"name":"web"}', 'f:image'])).toBe(
      '.spec.containers[name="web"].image',
    );
    expect(pathString(['f:ports', 'k:{"containerPort":80,"protocol":"TCP"}'])).toBe(
      '.ports[containerPort=80,protocol="TCP"]',
    );
    expect(pathString(['f:metadata', 'f:finalizers', 'v:"x"'])).toBe('.metadata.finalizers[="x"]');
  });

  it('compares per key and per list item', () => {
    const a = {
      spec: {
        replicas: 1,
        template: {
          spec: {
            containers: [
              { name: 'a', image: 'x' },
              { name: 'b', image: 'y' },
            ],
          },
        },
      },
    };
    const b = {
      spec: {
        replicas: 2,
        template: {
          spec: {
            containers: [
              { name: 'b', image: 'y' },
              { name: 'c', image: 'z' },
            ],
          },
        },
      },
    };
    const c = compare(a, b);
    expect(c.modified.toFieldsV1()).toEqual({ 'f:spec': { 'f:replicas': {} } });
    const cs = (s: FieldSet) => (s.toFieldsV1() as Any)['f:spec']['f:template']['f:spec']['f:containers'];
    expect(Object.keys(cs(c.added))).toEqual(['k:{"name":"c"}']);
    expect(Object.keys(cs(c.removed))).toEqual(['k:{"name":"a"}']);
  });

  it('rejects an associative-list item without its key, and duplicate keys', () => {
    expect(() => fieldSetOf({ spec: { template: { spec: { containers: [{ image: 'x' }] } } } })).toThrow(
      /containers: element 0: associative list with keys has an element that omits key field "name"/,
    );
    const dup = deploy(containers({ name: 'a', image: 'x' }, { name: 'a', image: 'y' }));
    expect(() => apply(stored(deploy(containers({ name: 'a', image: 'x' }))), dup, 'm')).toThrow(
      /duplicate entries/,
    );
  });
});

describe('serverSideApply', () => {
  const base = deploy(
    { replicas: 3, ...containers({ name: 'web', image: 'nginx:1', ports: [{ containerPort: 80 }] }) },
    {
      labels: { app: 'web' },
    },
  );

  it('creates: the object is the config, owned by the applier', () => {
    const { object, changed } = apply(undefined, base, 'kubectl');
    expect(changed).toBe(true);
    expect((object.spec as Any).replicas).toBe(3);
    expect((object.metadata as Any).name).toBe('web');
    expect(entries(object)).toEqual([
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: T1,
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:template': {
              'f:spec': {
                'f:containers': {
                  'k:{"name":"web"}': {
                    '.': {},
                    'f:image': {},
                    'f:name': {},
                    'f:ports': {
                      'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} },
                    },
                  },
                },
              },
            },
          },
        },
      },
    ]);
  });

  it('re-applying the same config changes nothing, not even the time', () => {
    const first = apply(undefined, base, 'kubectl').object;
    const again = serverSideApply(first, base, { manager: 'kubectl', force: false, now: T2 });
    expect(again.changed).toBe(false);
    expect(again.object).toEqual(first);
  });

  type Case = {
    name: string;
    other: Obj;
    mine: Obj;
    force?: boolean;
    conflicts?: string[];
    expectSpec?: Obj;
    mineOwns?: string[];
    otherOwns?: string[];
  };
  const owns = (obj: Obj, manager: string) =>
    FieldSet.fromFieldsV1(fieldsOf(obj, manager)).paths().map(pathString);

  it.each<Case>([
    {
      name: 'a different value of a field another manager owns conflicts',
      other: deploy({ replicas: 3 }),
      mine: deploy({ replicas: 5 }),
      conflicts: ['.spec.replicas'],
    },
    {
      name: 'the same value is shared ownership',
      other: deploy({ replicas: 3 }),
      mine: deploy({ replicas: 3 }),
      expectSpec: { replicas: 3 },
      mineOwns: ['.spec.replicas'],
      otherOwns: ['.spec.replicas'],
    },
    {
      name: 'force takes the field from the other manager',
      other: deploy({ replicas: 3, paused: true }),
      mine: deploy({ replicas: 5 }),
      force: true,
      expectSpec: { replicas: 5, paused: true },
      mineOwns: ['.spec.replicas'],
      otherOwns: ['.spec.paused'],
    },
    {
      name: 'list items merge per key: another manager’s container stays',
      other: deploy(containers({ name: 'a', image: 'x' })),
      mine: deploy(containers({ name: 'b', image: 'y' })),
      expectSpec: containers({ name: 'a', image: 'x' }, { name: 'b', image: 'y' }),
    },
    {
      name: 'a field inside another manager’s list item conflicts by its keyed path',
      other: deploy(containers({ name: 'a', image: 'x' })),
      mine: deploy(containers({ name: 'a', image: 'z' })),
      conflicts: ['.spec.template.spec.containers[name="a"].image'],
    },
    {
      name: 'atomic lists are replaced whole, and conflict whole',
      other: deploy(containers({ name: 'a', image: 'x', args: ['1', '2'] })),
      mine: deploy(containers({ name: 'a', image: 'x', args: ['3'] })),
      conflicts: ['.spec.template.spec.containers[name="a"].args'],
    },
    {
      name: 'maps merge per key',
      other: { ...deploy({}, { labels: { a: '1' } }), spec: undefined },
      mine: { ...deploy({}, { labels: { b: '2' } }), spec: undefined },
      mineOwns: ['.metadata.labels.b'],
      otherOwns: ['.metadata.labels.a'],
    },
    {
      name: 'two conflicts from one manager',
      other: deploy({ replicas: 1, minReadySeconds: 2 }),
      mine: deploy({ replicas: 5, minReadySeconds: 9 }),
      conflicts: ['.spec.minReadySeconds', '.spec.replicas'],
    },
  ])('$name', (c) => {
    const first = apply(undefined, c.other, 'other').object;
    if (c.conflicts) {
      const error = conflictOf(() => apply(first, c.mine, 'mine', { force: false }));
      expect(error.code).toBe(409);
      expect(error.reason).toBe('Conflict');
      const fields = error.details.causes.map((x: Any) => x.field).sort();
      expect(fields).toEqual(c.conflicts);
      for (const cause of error.details.causes) {
        expect(cause).toMatchObject({ reason: 'FieldManagerConflict', message: 'conflict with "other"' });
      }
      if (c.conflicts.length === 1) {
        expect(error.message).toBe(`Apply failed with 1 conflict: conflict with "other": ${c.conflicts[0]}`);
      } else {
        expect(error.message).toBe(
          `Apply failed with ${c.conflicts.length} conflicts: conflicts with "other":\n${c.conflicts
            .map((f) => `- ${f}`)
            .join('\n')}`.replace(/- (\S+)\n- (\S+)/, (_m, a, b) => `- ${a}\n- ${b}`),
        );
      }
      // With force the applier wins and takes exactly the conflicting fields.
      const forced = apply(first, c.mine, 'mine', { force: true }).object;
      for (const f of c.conflicts) {
        expect(owns(forced, 'mine')).toContain(f);
        expect(owns(forced, 'other') ?? []).not.toContain(f);
      }
      return;
    }
    const { object } = apply(first, c.mine, 'mine', { force: c.force ?? false });
    if (c.expectSpec) expect(object.spec).toEqual(c.expectSpec);
    if (c.mineOwns) expect(owns(object, 'mine')).toEqual(c.mineOwns);
    if (c.otherOwns) expect(owns(object, 'other')).toEqual(c.otherOwns);
  });

  it('names Update managers with their apiVersion and subresource in conflicts', () => {
    const created = apply(undefined, deploy({ replicas: 3 }), 'kubectl').object;
    const scaled = stored(
      trackUpdate(
        created,
        { ...created, spec: { replicas: 4 } },
        { manager: 'kubectl', subresource: 'scale', now: T2 },
      ),
    );
    expect(entries(scaled).map((e) => [e.manager, e.operation, e.subresource])).toEqual([
      ['kubectl', 'Update', 'scale'],
    ]);
    const error = conflictOf(() => apply(scaled, deploy({ replicas: 3 }), 'kubectl'));
    expect(error.message).toBe(
      'Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas',
    );
    expect(error.details.causes).toEqual([
      {
        reason: 'FieldManagerConflict',
        message: 'conflict with "kubectl" with subresource "scale" using apps/v1',
        field: '.spec.replicas',
      },
    ]);
  });

  it('removes fields the applier applied before and omits now, unless someone else owns them', () => {
    const v1 = deploy(
      {
        replicas: 2,
        minReadySeconds: 5,
        ...containers({ name: 'a', image: 'x' }, { name: 'b', image: 'y' }),
      },
      { labels: { app: 'web', tier: 'front' } },
    );
    let live = apply(undefined, v1, 'mine').object;
    // Another manager also sets minReadySeconds to the same value: shared.
    live = apply(live, deploy({ minReadySeconds: 5 }), 'other').object;
    const v2 = deploy({ replicas: 2, ...containers({ name: 'a', image: 'x' }) }, { labels: { app: 'web' } });
    const { object } = apply(live, v2, 'mine');
    expect(object.spec).toEqual({
      replicas: 2,
      minReadySeconds: 5,
      ...containers({ name: 'a', image: 'x' }),
    });
    expect((object.metadata as Any).labels).toEqual({ app: 'web' });
    expect(owns(object, 'other')).toEqual(['.spec.minReadySeconds']);
    // Omitting everything removes the now-empty maps and lists too.
    const bare = apply(object, deploy({ replicas: 2 }), 'mine').object;
    expect(bare.spec).toEqual({ replicas: 2, minReadySeconds: 5 });
    expect((bare.metadata as Any).labels).toBeUndefined();
  });

  it('keeps a removed list item (with its key) when another manager owns a field in it', () => {
    let live = apply(undefined, deploy(containers({ name: 'a', image: 'x' })), 'mine').object;
    live = apply(live, deploy(containers({ name: 'a', env: [{ name: 'E', value: '1' }] })), 'other').object;
    const { object } = apply(live, deploy({ replicas: 1 }), 'mine');
    expect(object.spec).toEqual({
      replicas: 1,
      ...containers({ name: 'a', env: [{ name: 'E', value: '1' }] }),
    });
  });

  it('does not remove fields another manager set through an update', () => {
    let live = apply(undefined, deploy({ replicas: 2, paused: true }), 'mine').object;
    live = stored(
      trackUpdate(
        live,
        { ...live, spec: { ...(live.spec as Obj), paused: false } },
        { manager: 'kubectl-rollout', now: T1 },
      ),
    );
    const { object } = apply(live, deploy({ replicas: 2 }), 'mine');
    expect(object.spec).toEqual({ replicas: 2, paused: false });
  });

  it('gives an untracked live object to before-first-apply, so different values conflict', () => {
    const live = stored(deploy({ replicas: 3, paused: false }));
    const error = conflictOf(() => apply(live, deploy({ replicas: 4 }), 'kubectl'));
    expect(error.message).toBe(
      'Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas',
    );
    const same = apply(live, deploy({ replicas: 3 }), 'kubectl').object;
    expect(entries(same).map((e) => e.manager)).toEqual(['kubectl', 'before-first-apply']);
  });

  it('lets kubectl take fields its last-applied annotation still matches (client-side apply upgrade)', () => {
    const last = JSON.stringify(deploy({ replicas: 3 }));
    const csa = stored(
      trackUpdate(
        undefined,
        deploy(
          { replicas: 3 },
          { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': last } },
        ),
        {
          manager: 'kubectl-client-side-apply',
          now: T0,
        },
      ),
    );
    const allowed = lastAppliedAllowance(csa);
    expect(allowed?.has(['f:spec', 'f:replicas'])).toBe(true);
    const { object } = apply(
      csa,
      deploy({ replicas: 5 }),
      'kubectl',
      allowed ? { allowedConflicts: allowed } : {},
    );
    expect((object.spec as Any).replicas).toBe(5);
    // After a scale the live value differs from last-applied: a real conflict again.
    const scaled = stored(
      trackUpdate(
        csa,
        { ...csa, spec: { replicas: 4 } },
        { manager: 'kubectl', subresource: 'scale', now: T1 },
      ),
    );
    const allowed2 = lastAppliedAllowance(scaled);
    expect(allowed2?.has(['f:spec', 'f:replicas'])).toBe(false);
  });

  it('rewrites an existing last-applied annotation to the applied config (sorted keys, newline)', () => {
    const annotated = stored(
      trackUpdate(
        undefined,
        deploy(
          { replicas: 1 },
          { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
        ),
        {
          manager: 'kubectl-client-side-apply',
          now: T0,
        },
      ),
    );
    const config = deploy({ replicas: 1 });
    const { object, changed } = apply(annotated, config, 'kubectl', { syncLastApplied: true });
    expect(changed).toBe(true);
    expect((object.metadata as Any).annotations['kubectl.kubernetes.io/last-applied-configuration']).toBe(
      '{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"ns"},"spec":{"replicas":1}}\n',
    );
    // Not attributed to the applier; and an object without the annotation does not get one.
    expect(fieldsOf(object, 'kubectl')).toEqual({ 'f:spec': { 'f:replicas': {} } });
    const plain = apply(undefined, config, 'kubectl', { syncLastApplied: true }).object;
    expect((plain.metadata as Any).annotations).toBeUndefined();
    expect(
      serverSideApply(object, config, { manager: 'kubectl', force: false, now: T2, syncLastApplied: true })
        .changed,
    ).toBe(false);
  });

  it('ignores status, type and system metadata', () => {
    const { object } = apply(
      undefined,
      { ...deploy({ replicas: 1 }, { uid: 'x', resourceVersion: '3' }), status: { replicas: 9 } },
      'm',
    );
    expect(fieldsOf(object, 'm')).toEqual({ 'f:spec': { 'f:replicas': {} } });
    expect(object.status).toBeUndefined();
  });
});

describe('trackUpdate', () => {
  it('records a create as an Update entry owning every field (defaults included by the caller)', () => {
    const obj = trackUpdate(undefined, deploy({ replicas: 1, strategy: { type: 'Recreate' } }), {
      manager: 'kubectl-create',
      now: T0,
    });
    expect(entries(obj)).toEqual([
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'apps/v1',
        time: T0,
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { 'f:replicas': {}, 'f:strategy': { '.': {}, 'f:type': {} } } },
      },
    ]);
  });

  it('moves changed fields to the updater and drops removed ones from everyone', () => {
    let live = stored(
      apply(undefined, deploy({ replicas: 1, paused: true, minReadySeconds: 3 }), 'applier').object,
    );
    live = stored(
      trackUpdate(live, deploy({ replicas: 2, paused: true }), { manager: 'kubectl-edit', now: T2 }),
    );
    expect(fieldsOf(live, 'applier')).toEqual({ 'f:spec': { 'f:paused': {} } });
    expect(fieldsOf(live, 'kubectl-edit', 'Update')).toEqual({ 'f:spec': { 'f:replicas': {} } });
  });

  it('does not start tracking an existing untracked object, and a no-op keeps managedFields as they are', () => {
    const untracked = stored(deploy({ replicas: 1 }));
    expect(trackUpdate(untracked, deploy({ replicas: 2 }), { manager: 'x', now: T1 })).toEqual(
      deploy({ replicas: 2 }),
    );
    const tracked = stored(trackUpdate(undefined, deploy({ replicas: 1 }), { manager: 'x', now: T0 }));
    const same = trackUpdate(tracked, { ...tracked }, { manager: 'y', now: T2 });
    expect(same).toEqual(tracked);
    // A PUT body without managedFields keeps the live ones.
    const { managedFields: _m, ...meta } = tracked.metadata as Obj;
    expect(trackUpdate(tracked, { ...tracked, metadata: meta }, { manager: 'y', now: T2 })).toEqual(tracked);
  });

  it('caps Update managers at 10, folding the oldest into ancient-changes', () => {
    let live = stored(
      trackUpdate(undefined, deploy({}, { labels: { l0: 'v' } }), {
        manager: 'm0',
        now: '2026-01-01T00:00:00Z',
      }),
    );
    for (let i = 1; i <= 11; i++) {
      const labels = { ...((live.metadata as Any).labels as Obj), [`l${i}`]: 'v' };
      live = stored(
        trackUpdate(
          live,
          { ...live, metadata: { ...(live.metadata as Obj), labels } },
          {
            manager: `m${i}`,
            now: `2026-01-01T00:${String(i).padStart(2, '0')}:00Z`,
          },
        ),
      );
    }
    const managers = entries(live).map((e) => e.manager);
    expect(managers).toHaveLength(10);
    expect(managers).toContain('ancient-changes');
    expect(managers).not.toContain('m0');
    const all = new FieldSet();
    for (const m of decodeManagedFields(entries(live)).values()) all.addAll(m.set);
    expect(all.paths().filter((p) => p.length === 3)).toHaveLength(12);
  });
});

describe('properties', () => {
  const name = fc.constantFrom('a', 'b', 'c', 'd');
  const container = fc.record(
    {
      name,
      image: fc.constantFrom('x:1', 'x:2', 'y:1'),
      args: fc.array(fc.constantFrom('-v', '-q'), { maxLength: 2 }),
      env: fc.uniqueArray(
        fc.record({ name: fc.constantFrom('A', 'B', 'C'), value: fc.constantFrom('1', '2') }),
        {
          selector: (e) => e.name,
          maxLength: 2,
        },
      ),
    },
    { requiredKeys: ['name'] },
  );
  const config = fc
    .record(
      {
        replicas: fc.integer({ min: 0, max: 5 }),
        paused: fc.boolean(),
        minReadySeconds: fc.integer({ min: 0, max: 3 }),
        containers: fc.uniqueArray(container, { selector: (c) => c.name, maxLength: 3 }),
        labels: fc.dictionary(fc.constantFrom('app', 'tier', 'env'), fc.constantFrom('x', 'y')),
      },
      { requiredKeys: [] },
    )
    .map(({ labels, containers: cs, ...spec }) =>
      deploy(
        { ...spec, ...(cs === undefined ? {} : { template: { spec: { containers: cs } } }) },
        labels === undefined ? {} : { labels },
      ),
    );

  it('applying the same config twice is a no-op', () => {
    fc.assert(
      fc.property(fc.option(config, { nil: undefined }), config, (prior, cfg) => {
        let live = prior === undefined ? undefined : apply(undefined, prior, 'other').object;
        live = apply(live, cfg, 'mine', { force: true }).object;
        const again = serverSideApply(live, cfg, { manager: 'mine', force: false, now: T2 });
        expect(again.changed).toBe(false);
        expect(again.object).toEqual(live);
      }),
    );
  });

  it('a forced apply by another manager gives it ownership of exactly its fields', () => {
    fc.assert(
      fc.property(config, config, (first, second) => {
        const live = apply(undefined, first, 'one').object;
        const { object } = apply(live, second, 'two', { force: true });
        const two = FieldSet.fromFieldsV1(fieldsOf(object, 'two') ?? {});
        expect(
          two.equals(
            fieldSetOf({ metadata: { labels: (second.metadata as Any).labels }, spec: second.spec }),
          ),
        ).toBe(true);
        // What `one` still owns is disjoint from `two` wherever the values differed, and every
        // field `two` applied has its value in the result.
        const one = FieldSet.fromFieldsV1(fieldsOf(object, 'one') ?? {});
        const changed = compare({ spec: live.spec }, { spec: object.spec });
        expect(one.intersection(changed.modified).isEmpty()).toBe(true);
        const merged = apply(object, second, 'two').object;
        expect(merged).toEqual(object);
      }),
    );
  });

  it('managedFields round-trip through encode and decode', () => {
    fc.assert(
      fc.property(config, (cfg) => {
        const { object } = apply(undefined, cfg, 'm');
        const decoded = decodeManagedFields(entries(object));
        expect(encodeManagedFields(decoded.values())).toEqual(entries(object));
      }),
    );
  });
});
