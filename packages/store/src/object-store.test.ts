import type { Pod } from '@flotilla/api';
import { toRFC3339 } from '@flotilla/clock';
import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import { isUnknownOutcome } from './backend.js';
import { MemoryBackend } from './memory-backend.js';
import { POD, pod, rejection, setup } from './test-helpers.js';
import type { StoreObject } from './types.js';

describe('ObjectStore create', () => {
  it('stamps uid, creationTimestamp, generation and resourceVersion; defaults; stores under the key', async () => {
    const { store, backend, clock } = setup();
    const created = await store.create(pod('web'));
    const meta = created.metadata!;
    expect(meta.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(meta.creationTimestamp).toBe(toRFC3339(clock.now()));
    expect(meta.generation).toBe(1);
    expect(meta.resourceVersion).toBe(String(await backend.currentRevision()));
    expect(created.spec?.restartPolicy).toBe('Always');
    const kv = await backend.get('/registry/core/pods/default/web');
    expect(kv).toBeDefined();
    expect(JSON.parse(kv!.value).metadata.resourceVersion).toBeUndefined();
    expect(store.keyOf({ ...POD, namespace: 'default', name: 'web' })).toBe(
      '/registry/core/pods/default/web',
    );
  });

  it('hands out deeply frozen objects, the same one on every read', async () => {
    const { store } = setup();
    const created = await store.create(pod('web', { labels: { app: 'web' } }));
    expect(Object.isFrozen(created)).toBe(true);
    expect(Object.isFrozen(created.metadata!.labels)).toBe(true);
    expect(Object.isFrozen(created.spec!.containers[0])).toBe(true);
    const got = await store.get({ ...POD, namespace: 'default', name: 'web' });
    expect(got).toBe(created);
    expect(() => {
      (got.metadata!.labels as Record<string, string>).app = 'x';
    }).toThrow(TypeError);
  });

  it('is deterministic under a seed: same uids and generated names', async () => {
    const run = async (seed: number) => {
      const { store } = setup({ seed });
      const a = await store.create({
        ...pod(''),
        metadata: { generateName: 'web-', namespace: 'default' },
      } as Pod);
      const b = await store.create(pod('x'));
      return [a.metadata!.name, a.metadata!.uid, b.metadata!.uid];
    };
    expect(await run(7)).toEqual(await run(7));
    expect(await run(7)).not.toEqual(await run(8));
    const [name] = await run(1);
    expect(name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('uses an injected uid generator', async () => {
    let n = 0;
    const { store } = setup({ uid: () => `uid-${++n}` });
    expect((await store.create(pod('a'))).metadata!.uid).toBe('uid-1');
  });

  it('retries generateName on a collision', async () => {
    const { store, backend } = setup({ seed: 3 });
    const first = await store.create({
      ...pod(''),
      metadata: { generateName: 'w-', namespace: 'default' },
    } as Pod);
    // A second store with the same seed generates the same first name on the same backend.
    const { store: twin } = setup({ seed: 3, backend });
    const second = await twin.create({
      ...pod(''),
      metadata: { generateName: 'w-', namespace: 'default' },
    } as Pod);
    expect(second.metadata!.name).not.toBe(first.metadata!.name);
  });

  it.each([
    {
      name: 'an invalid object',
      obj: { ...pod('bad'), spec: { containers: [] } },
      reason: 'Invalid',
      field: 'spec.containers',
    },
    { name: 'a bad name', obj: pod('Not_A_Name'), reason: 'Invalid', field: 'metadata.name' },
    {
      name: 'an unknown kind',
      obj: { apiVersion: 'v1', kind: 'Widget', metadata: { name: 'w' } },
      reason: 'BadRequest',
    },
  ])('rejects $name', async ({ obj, reason, field }) => {
    const { store } = setup();
    const error = await rejection(store.create(obj as Pod));
    expect(error.reason).toBe(reason);
    if (field) {
      const causes = (error as unknown as { details: { causes: { field: string }[] } }).details.causes;
      expect(causes.map((c) => c.field)).toContain(field);
    }
  });

  it('rejects a duplicate with AlreadyExists naming the resource', async () => {
    const { store } = setup();
    await store.create(pod('web'));
    const error = await rejection(store.create(pod('web')));
    expect(error.reason).toBe('AlreadyExists');
    expect(error.message).toBe('pods "web" already exists');
  });

  it('puts cluster-scoped kinds under a key without namespace', async () => {
    const { store, backend } = setup();
    const ns: StoreObject = await store.create({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'team-a' },
    });
    expect(ns.metadata!.namespace).toBeUndefined();
    expect(await backend.get('/registry/core/namespaces/team-a')).toBeDefined();
  });
});

describe('ObjectStore get', () => {
  it('fails with NotFound naming the resource', async () => {
    const { store } = setup();
    const error = await rejection(store.get({ ...POD, namespace: 'default', name: 'nope' }));
    expect(error.reason).toBe('NotFound');
    expect(error.message).toBe('pods "nope" not found');
  });
});

describe('ObjectStore update', () => {
  it('fails with Conflict on a stale resourceVersion and changes nothing', async () => {
    const { store } = setup();
    const v1 = await store.create(pod('web'));
    const v2 = await store.update(
      produce(v1, (d) => {
        d.metadata!.labels = { a: '1' };
      }),
    );
    const error = await rejection(
      store.update(
        produce(v1, (d) => {
          d.metadata!.labels = { a: '2' };
        }),
      ),
    );
    expect(error.reason).toBe('Conflict');
    expect(await store.get({ ...POD, namespace: 'default', name: 'web' })).toBe(v2);
  });

  it('bumps generation only when the spec changes', async () => {
    const { store } = setup();
    const v1 = await store.create(pod('web'));
    const labelled = await store.update(
      produce(v1, (d) => {
        d.metadata!.labels = { a: '1' };
      }),
    );
    expect(labelled.metadata!.generation).toBe(1);
    const respec = await store.update(
      produce(labelled, (d) => {
        d.spec!.containers[0]!.image = 'nginx:1.28';
      }),
    );
    expect(respec.metadata!.generation).toBe(2);
    expect(Number(respec.metadata!.resourceVersion)).toBeGreaterThan(
      Number(labelled.metadata!.resourceVersion),
    );
  });

  it('keeps status on a main update and changes only status on a status update', async () => {
    const { store } = setup();
    const v1 = await store.create(pod('web'));
    const withStatus = await store.updateStatus(
      produce(v1, (d) => {
        d.status = { phase: 'Running' };
        d.metadata!.labels = { ignored: 'yes' };
        d.spec!.containers[0]!.image = 'ignored';
      }),
    );
    expect(withStatus.status).toEqual({ phase: 'Running' });
    expect(withStatus.metadata!.labels).toBeUndefined();
    expect(withStatus.spec!.containers[0]!.image).toBe('nginx:1.27');
    expect(withStatus.metadata!.generation).toBe(1);

    const main = await store.update(
      produce(withStatus, (d) => {
        d.status = { phase: 'Failed' };
        d.metadata!.labels = { kept: 'yes' };
      }),
    );
    expect(main.status).toEqual({ phase: 'Running' });
    expect(main.metadata!.labels).toEqual({ kept: 'yes' });
  });

  it('does not write when nothing changes', async () => {
    const { store, backend } = setup();
    const v1 = await store.create(pod('web'));
    const before = await backend.currentRevision();
    expect(await store.update(v1)).toBe(v1);
    expect(await backend.currentRevision()).toBe(before);
  });

  it('keeps system fields and rejects a different uid with Conflict', async () => {
    const { store } = setup();
    const v1 = await store.create(pod('web'));
    const v2 = await store.update(
      produce(v1, (d) => {
        d.metadata!.creationTimestamp = '2000-01-01T00:00:00Z';
        d.metadata!.generation = 99;
        d.metadata!.labels = { x: 'y' };
      }),
    );
    expect(v2.metadata!.creationTimestamp).toBe(v1.metadata!.creationTimestamp);
    expect(v2.metadata!.generation).toBe(1);
    const error = await rejection(
      store.update(
        produce(v2, (d) => {
          d.metadata!.uid = 'other';
        }),
      ),
    );
    expect(error.reason).toBe('Conflict');
    expect(error.message).toMatch(/Precondition failed: UID in precondition: other/);
  });

  it('validates the update', async () => {
    const { store } = setup();
    const v1 = await store.create(pod('web'));
    const error = await rejection(
      store.update(
        produce(v1, (d) => {
          d.spec!.containers = [];
        }),
      ),
    );
    expect(error.reason).toBe('Invalid');
  });

  it('validates a status update: an invalid status is Invalid with its field path', async () => {
    const { store } = setup();
    const v1 = await store.create(pod('web'));
    const error = await rejection(
      store.updateStatus({ ...v1, status: { phase: 'Running', podIP: 7 } } as unknown as Pod),
    );
    expect(error.reason).toBe('Invalid');
    expect(error.message).toContain('status.podIP');
    const bad = await rejection(store.updateStatus({ ...v1, status: { bogus: true } } as unknown as Pod));
    expect(bad.reason).toBe('Invalid');
    expect(bad.message).toContain('status.bogus');
    // A valid status write goes through.
    const ok = await store.updateStatus({ ...v1, status: { phase: 'Running' } });
    expect(ok.status).toEqual({ phase: 'Running' });
  });

  it('updates unconditionally without a resourceVersion', async () => {
    const { store } = setup();
    const v1 = await store.create(pod('web'));
    await store.update(
      produce(v1, (d) => {
        d.metadata!.labels = { a: '1' };
      }),
    );
    const v3 = await store.update(
      produce(v1, (d) => {
        d.metadata!.labels = { a: '2' };
        delete d.metadata!.resourceVersion;
      }),
    );
    expect(v3.metadata!.labels).toEqual({ a: '2' });
  });

  it('guaranteedUpdate re-reads and retries when a racing writer wins', async () => {
    const { store } = setup();
    await store.create(pod('counter', { labels: { n: '0' } }));
    const ref = { ...POD, namespace: 'default', name: 'counter' };
    const increment = () =>
      store.guaranteedUpdate<Pod>(ref, (current) =>
        produce(current, (d) => {
          d.metadata!.labels = { n: String(Number(current.metadata!.labels!.n) + 1) };
        }),
      );
    await Promise.all(Array.from({ length: 20 }, increment));
    const final = await store.get<Pod>(ref);
    expect(final.metadata!.labels).toEqual({ n: '20' });
  });

  it('guaranteedUpdate returns the current object when fn changes nothing', async () => {
    const { store, backend } = setup();
    const v1 = await store.create(pod('web'));
    const before = await backend.currentRevision();
    expect(await store.guaranteedUpdate({ ...POD, namespace: 'default', name: 'web' }, (c) => c)).toBe(v1);
    expect(await backend.currentRevision()).toBe(before);
  });

  it('fails with NotFound for a missing object', async () => {
    const { store } = setup();
    expect(
      (await rejection(store.update({ ...pod('ghost'), metadata: { name: 'ghost', resourceVersion: '1' } })))
        .reason,
    ).toBe('NotFound');
  });
});

describe('ObjectStore bindPod', () => {
  const binding = (name: string, node: string, metadata: Record<string, unknown> = {}) =>
    ({
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name, namespace: 'default', ...metadata },
      target: { kind: 'Node', name: node },
    }) as const;

  it('assigns the node and marks the pod scheduled without a generation bump, one write', async () => {
    const { store, backend, clock } = setup();
    const created = await store.create(pod('web'));
    await clock.advance(5_000);
    expect(created.metadata?.creationTimestamp).not.toBe(toRFC3339(clock.now()));
    const before = await backend.currentRevision();
    const bound = await store.bindPod(binding('web', 'n1', { annotations: { 'example.com/why': 'fit' } }));
    expect(await backend.currentRevision()).toBe(before + 1);
    expect(bound.spec?.nodeName).toBe('n1');
    expect(bound.metadata?.generation).toBe(created.metadata?.generation);
    expect(bound.metadata?.annotations).toEqual({ 'example.com/why': 'fit' });
    expect(bound.status?.conditions).toEqual([
      { type: 'PodScheduled', status: 'True', lastTransitionTime: toRFC3339(clock.now()) },
    ]);
    expect(bound.metadata?.resourceVersion).toBe(String(before + 1));
    expect(Object.isFrozen(bound.spec)).toBe(true);
    expect(await store.get({ ...POD, namespace: 'default', name: 'web' })).toBe(bound);
  });

  it('refuses with Conflict on pods/binding as Kubernetes does, and writes nothing', async () => {
    const { store, backend } = setup();
    await store.create(pod('bound', { nodeName: 'n2' }));
    await store.create(pod('going', { finalizers: ['example.com/hold'] }));
    await store.delete({ ...POD, namespace: 'default', name: 'going' });
    const gated = pod('gated');
    await store.create({ ...gated, spec: { ...gated.spec!, schedulingGates: [{ name: 'example.com/q' }] } });
    const before = await backend.currentRevision();
    const cases: [string, string][] = [
      ['bound', 'pod bound is already assigned to node "n2"'],
      ['going', 'pod going is being deleted, cannot be assigned to a host'],
      ['gated', 'pod gated has non-empty .spec.schedulingGates'],
    ];
    for (const [name, why] of cases) {
      const error = await rejection(store.bindPod(binding(name, 'n1')));
      expect(error.reason).toBe('Conflict');
      expect(error.message).toBe(`Operation cannot be fulfilled on pods/binding "${name}": ${why}`);
    }
    expect(await backend.currentRevision()).toBe(before);
  });

  it('checks the uid and resourceVersion preconditions', async () => {
    const { store } = setup();
    const created = await store.create(pod('web'));
    const uid = await rejection(store.bindPod(binding('web', 'n1', { uid: 'other' })));
    expect(uid.message).toBe(
      `Operation cannot be fulfilled on pods/binding "web": Precondition failed: UID in precondition: other, UID in object meta: ${created.metadata?.uid}`,
    );
    const rv = await rejection(store.bindPod(binding('web', 'n1', { resourceVersion: '999' })));
    expect(rv.reason).toBe('Conflict');
    expect(rv.message).toContain('ResourceVersion in precondition: 999');
    const bound = await store.bindPod(
      binding('web', 'n1', {
        uid: created.metadata?.uid,
        resourceVersion: created.metadata?.resourceVersion,
      }),
    );
    expect(bound.spec?.nodeName).toBe('n1');
  });

  it('rejects a bad binding as Invalid naming the field, and a missing pod as NotFound', async () => {
    const { store } = setup();
    const invalid = await rejection(
      store.bindPod({ ...binding('web', ''), target: { kind: 'Service', name: '' } }),
    );
    expect(invalid.reason).toBe('Invalid');
    expect(invalid.message).toBe(
      'Binding "web" is invalid: [target.kind: Unsupported value: "Service": supported values: "Node", "<empty>", target.name: Required value]',
    );
    const missing = await rejection(store.bindPod(binding('ghost', 'n1')));
    expect(missing.reason).toBe('NotFound');
    expect(missing.message).toBe('pods "ghost" not found');
  });

  it('binds exactly once among racing schedulers; the others see Conflict', async () => {
    const { store } = setup();
    await store.create(pod('web'));
    const results = await Promise.allSettled(
      ['n1', 'n2', 'n3', 'n4'].map((node) => store.bindPod(binding('web', node))),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results)
      if (r.status === 'rejected') expect((r.reason as { reason: string }).reason).toBe('Conflict');
  });

  it('keeps a racing label change: a lost race is retried on the fresh pod', async () => {
    const { store } = setup();
    await store.create(pod('web'));
    const ref = { ...POD, namespace: 'default', name: 'web' };
    const [bound] = await Promise.all([
      store.bindPod(binding('web', 'n1')),
      store.guaranteedUpdate<Pod>(ref, (c) => ({ ...c, metadata: { ...c.metadata, labels: { a: '1' } } })),
    ]);
    expect(bound.spec?.nodeName).toBe('n1');
    const final = await store.get<Pod>(ref);
    expect(final.spec?.nodeName).toBe('n1');
    expect(final.metadata?.labels).toEqual({ a: '1' });
  });

  it('runs validating admission on the pod update', async () => {
    const { store } = setup();
    await store.create(pod('web'));
    store.addAdmission({
      name: 'no-n9',
      validate: (obj, _old, op) => {
        if (op === 'UPDATE' && (obj as Pod).spec?.nodeName === 'n9') throw new Error('n9 is reserved');
        return undefined;
      },
    });
    const denied = await rejection(store.bindPod(binding('web', 'n9')));
    expect(denied.reason).toBe('Forbidden');
    expect((await store.bindPod(binding('web', 'n1'))).spec?.nodeName).toBe('n1');
  });
});

describe('ObjectStore delete', () => {
  it('removes an object and returns its last state with the deletion revision', async () => {
    const { store, backend } = setup();
    const v1 = await store.create(pod('web'));
    const gone = await store.delete({ ...POD, namespace: 'default', name: 'web' });
    expect(gone.metadata!.uid).toBe(v1.metadata!.uid);
    expect(gone.metadata!.resourceVersion).toBe(String(await backend.currentRevision()));
    expect((await rejection(store.get({ ...POD, namespace: 'default', name: 'web' }))).reason).toBe(
      'NotFound',
    );
    expect((await rejection(store.delete({ ...POD, namespace: 'default', name: 'web' }))).reason).toBe(
      'NotFound',
    );
  });

  it.each([
    { name: 'uid', preconditions: { uid: 'someone-else' } },
    { name: 'resourceVersion', preconditions: { resourceVersion: '1' } },
  ])('checks the $name precondition', async ({ preconditions }) => {
    const { store } = setup();
    const v1 = await store.create(pod('web'));
    await store.update(
      produce(v1, (d) => {
        d.metadata!.labels = { a: 'b' };
      }),
    );
    const error = await rejection(
      store.delete({ ...POD, namespace: 'default', name: 'web' }, { preconditions }),
    );
    expect(error.reason).toBe('Conflict');
    expect(error.message).toMatch(/Precondition failed/);
    await store.get({ ...POD, namespace: 'default', name: 'web' });
  });

  it('with finalizers: marks deletionTimestamp, deletes when the last finalizer is removed', async () => {
    const { store, clock } = setup();
    const ref = { ...POD, namespace: 'default', name: 'web' };
    await store.create(pod('web', { finalizers: ['a.example.com/x', 'b.example.com/y'] }));
    clock.advance(5_000);
    const marked = await store.delete(ref);
    expect(marked.metadata!.deletionTimestamp).toBe(toRFC3339(clock.now()));
    expect(marked.metadata!.deletionGracePeriodSeconds).toBe(0);
    expect(await store.delete(ref)).toEqual(marked);
    const one = await store.update(
      produce(marked, (d) => {
        d.metadata!.finalizers = ['b.example.com/y'];
      }),
    );
    expect(one.metadata!.deletionTimestamp).toBe(marked.metadata!.deletionTimestamp);
    // deletionTimestamp cannot be cleared: the update keeps it (and so changes nothing).
    expect(await store.update(produce(one, (d) => void delete d.metadata!.deletionTimestamp))).toBe(one);
    const last = await store.update(
      produce(one, (d) => {
        d.metadata!.finalizers = [];
      }),
    );
    expect(last.metadata!.finalizers).toEqual([]);
    expect((await rejection(store.get(ref))).reason).toBe('NotFound');
  });

  it('deletes a bound Pod gracefully when gracePeriodSeconds > 0 is asked for', async () => {
    const { store, clock } = setup();
    const ref = { ...POD, namespace: 'default', name: 'web' };
    await store.create(pod('web', { nodeName: 'node-1' }));
    const marked = await store.delete(ref, { gracePeriodSeconds: 30 });
    expect(marked.metadata!.deletionTimestamp).toBe(toRFC3339(clock.now() + 30_000));
    expect(marked.metadata!.deletionGracePeriodSeconds).toBe(30);
    await store.delete(ref, { gracePeriodSeconds: 0 });
    expect((await rejection(store.get(ref))).reason).toBe('NotFound');
  });

  it('deletes an unbound Pod at once even with a grace period', async () => {
    const { store } = setup();
    await store.create(pod('web'));
    await store.delete({ ...POD, namespace: 'default', name: 'web' }, { gracePeriodSeconds: 30 });
    expect((await rejection(store.get({ ...POD, namespace: 'default', name: 'web' }))).reason).toBe(
      'NotFound',
    );
  });
});

describe('ObjectStore admission', () => {
  it('runs mutating then validating plugins; a denial is Forbidden, field errors Invalid', async () => {
    const { store } = setup();
    const seen: string[] = [];
    const remove = store.addAdmission({
      name: 'label-team',
      mutate: (obj, op) => {
        seen.push(`mutate ${op}`);
        return produce(obj, (d) => {
          d.metadata = { ...d.metadata, labels: { ...d.metadata?.labels, team: 'core' } };
        });
      },
    });
    store.addAdmission({
      name: 'no-latest',
      validate: (obj, _old, op) => {
        seen.push(`validate ${op} ${obj.metadata?.labels?.team}`);
        const image = (obj as Pod).spec?.containers[0]?.image;
        if (image?.endsWith(':latest')) throw new Error('images must be pinned');
        if (image === 'bad')
          return [{ field: 'spec.containers[0].image', type: 'Invalid', value: 'bad', detail: 'no' }];
        return undefined;
      },
    });
    const created = await store.create(pod('web'));
    expect(created.metadata!.labels).toEqual({ team: 'core' });
    expect(seen).toEqual(['mutate CREATE', 'validate CREATE core']);
    const denied = await rejection(store.create(pod('x', { image: 'nginx:latest' })));
    expect(denied.reason).toBe('Forbidden');
    expect(denied.message).toMatch(/admission plugin "no-latest" denied the request: images must be pinned/);
    expect((await rejection(store.create(pod('y', { image: 'bad' })))).reason).toBe('Invalid');
    remove();
    expect((await store.create(pod('z'))).metadata!.labels).toBeUndefined();
    await store.delete({ ...POD, namespace: 'default', name: 'z' });
    expect(seen[seen.length - 1]).toBe('validate DELETE undefined');
  });
});

describe('backend error helpers', () => {
  it('isUnknownOutcome recognises only the reserved Timeout', async () => {
    const { backendErrors } = await import('./backend.js');
    expect(isUnknownOutcome(backendErrors.unknownOutcome('create', '/k'))).toBe(true);
    expect(isUnknownOutcome(backendErrors.notFound('/k'))).toBe(false);
    expect(backendErrors.unknownOutcome('create', '/k').code).toBe(504);
  });
});

describe('ObjectStore on a backend written by someone else', () => {
  it('sees objects written directly to the backend through its watch', async () => {
    const backend = new MemoryBackend();
    const { store: a } = setup({ backend });
    const { store: b } = setup({ backend, seed: 9 });
    await b.list(POD);
    await a.create(pod('from-a'));
    const list = await b.list(POD, { resourceVersion: String(await backend.currentRevision()) });
    expect(list.items.map((p) => p.metadata!.name)).toEqual(['from-a']);
  });
});
