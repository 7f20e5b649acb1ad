import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyDefaults } from './defaults/index.js';
import * as m from './testdata/manifests.js';
import { validate, validateStatusUpdate, validateUpdate } from './validate.js';
import { validDeployment, validPod } from './validation/arbitraries.test-support.js';

// biome-ignore lint/suspicious/noExplicitAny: tests poke at plain JSON.
type J = any;

const node = () => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'node-1', labels: { 'kubernetes.io/hostname': 'node-1' } },
  spec: { podCIDR: '10.0.1.0/24', taints: [{ key: 'dedicated', effect: 'NoSchedule' }] },
  status: { capacity: { cpu: '4', memory: '8Gi', pods: '110' } },
});

/** Stored objects the shortcut applies to (it needs a spec), valid as a store would keep them. */
const storedObject = fc
  .oneof(
    validPod,
    validDeployment,
    fc.constantFrom(node(), m.replicaSet(), m.daemonSet(), m.statefulSet(), m.job(), m.namespace()),
    // Kinds without status rules take the full path; included to check the delegation.
    fc.constantFrom(m.clusterIPService(), m.cronJob()),
  )
  .map((obj) => {
    const stored = applyDefaults(obj as J) as J;
    stored.spec ??= {};
    return stored;
  });

/** Status values, valid and not: wrong JSON types, unknown fields, bad quantities, bad enums. */
const status = fc.oneof(
  fc.constant(undefined),
  fc.constant({}),
  fc.record({ phase: fc.constantFrom('Pending', 'Running', 'Active', 'Bogus', 3) }, { requiredKeys: [] }),
  fc.record({ replicas: fc.oneof(fc.integer({ min: -2, max: 5 }), fc.constant('x')) }),
  fc.record({
    capacity: fc.dictionary(
      fc.constantFrom('cpu', 'memory', 'pods', 'bad key!'),
      fc.constantFrom('1', '-1', '2Gi', 'lots', 7),
    ),
  }),
  fc.record({
    conditions: fc.array(
      fc.record(
        { type: fc.constantFrom('Ready', 'Available'), status: fc.constantFrom('True', 'False', 1) },
        { requiredKeys: ['type'] },
      ),
      { maxLength: 2 },
    ),
  }),
  fc.record({ surprise: fc.string() }),
  fc.constant('not an object'),
  fc.constant(null),
);

/** Metadata changes a status update could carry (the store keeps the old metadata, others need not). */
const metadataChange = fc.oneof(
  fc.constant((meta: J) => meta),
  fc.constant((meta: J) => ({ ...meta, labels: { ...meta.labels, 'bad label!': 'x' } })),
  fc.constant((meta: J) => ({ ...meta, name: 'renamed' })),
  fc.constant((meta: J) => ({ ...meta, annotations: { note: 'ok' } })),
  fc.constant((meta: J) => ({ ...meta, resourceVersion: 5 })),
);

describe('validateStatusUpdate', () => {
  it('reports what validateUpdate reports when the (valid) spec is carried over', () => {
    fc.assert(
      fc.property(storedObject, status, metadataChange, (prev, nextStatus, changeMeta) => {
        expect(validate(prev)).toEqual([]);
        const next: J = { ...prev, metadata: changeMeta(prev.metadata), status: nextStatus };
        if (nextStatus === undefined) delete next.status;
        expect(validateStatusUpdate(next, prev)).toEqual(validateUpdate(next, prev));
      }),
      { numRuns: 400 },
    );
  });

  it('rejects an invalid status with the same field path and message', () => {
    const prev = applyDefaults(node() as J) as J;
    const next = { ...prev, status: { capacity: { cpu: '-1', memory: 'lots' } } };
    const errs = validateStatusUpdate(next, prev);
    expect(errs).toEqual(validateUpdate(next, prev));
    // The structural error (not a quantity) first, then the semantic one.
    expect(errs.map((e) => [e.field, e.type])).toEqual([
      ['status.capacity[memory]', 'Invalid'],
      ['status.capacity[cpu]', 'Invalid'],
    ]);
    expect(errs[1]?.detail).toBe('must be greater than or equal to 0');
    // Semantic only: the shortcut's own errors.
    const negative = { ...prev, status: { capacity: { cpu: '-1' } } };
    expect(validateStatusUpdate(negative, prev)).toEqual([
      {
        field: 'status.capacity[cpu]',
        type: 'Invalid',
        value: '-1',
        detail: 'must be greater than or equal to 0',
      },
    ]);
    expect(validateStatusUpdate(negative, prev)).toEqual(validateUpdate(negative, prev));

    const pod = applyDefaults(m.podWithProbes() as J) as J;
    const badPod = { ...pod, status: { phase: 7, bogus: true } };
    expect(validateStatusUpdate(badPod, pod)).toEqual(validateUpdate(badPod, pod));
    expect(validateStatusUpdate(badPod, pod).map((e) => e.field)).toEqual(['status.phase', 'status.bogus']);
  });

  it('still rejects unknown top-level fields and metadata problems', () => {
    const pod = applyDefaults(m.podWithProbes() as J) as J;
    const extra = { ...pod, status: { phase: 'Running' }, surprise: 1 };
    expect(validateStatusUpdate(extra, pod)).toEqual(validateUpdate(extra, pod));
    expect(validateStatusUpdate(extra, pod).map((e) => e.field)).toEqual(['surprise']);
    const badLabel = { ...pod, metadata: { ...pod.metadata, labels: { 'a b': 'x' } }, status: {} };
    expect(validateStatusUpdate(badLabel, pod)).toEqual(validateUpdate(badLabel, pod));
    expect(validateStatusUpdate(badLabel, pod).map((e) => e.field)).toEqual(['metadata.labels']);
  });

  it('does not re-validate a spec carried over unchanged, but validates a changed one', () => {
    // A stored Pod whose spec no longer validates (e.g. written before a rule existed).
    const prev = applyDefaults(m.podWithProbes() as J) as J;
    prev.spec = { ...prev.spec, restartPolicy: 'Sometimes' };
    expect(validate(prev).map((e) => e.field)).toEqual(['spec.restartPolicy']);
    const next = { ...prev, status: { phase: 'Running' } };
    expect(validateStatusUpdate(next, prev)).toEqual([]);
    // A different spec object is validated in full.
    const changed = { ...next, spec: { ...prev.spec } };
    expect(validateStatusUpdate(changed, prev).map((e) => e.field)).toEqual(['spec.restartPolicy']);
  });

  it('does not re-validate metadata carried over as the same object, but validates a copy', () => {
    const prev = applyDefaults(m.podWithProbes() as J) as J;
    prev.metadata = { ...prev.metadata, labels: { 'a b': 'x' } };
    expect(validate(prev).map((e) => e.field)).toEqual(['metadata.labels']);
    expect(validateStatusUpdate({ ...prev, status: { phase: 'Running' } }, prev)).toEqual([]);
    const copied = { ...prev, metadata: { ...prev.metadata }, status: { phase: 'Running' } };
    expect(validateStatusUpdate(copied, prev).map((e) => e.field)).toEqual(['metadata.labels']);
    // The status itself is still checked (a malformed one takes the full path, metadata included).
    const bad = { ...prev, status: { phase: 7 } };
    expect(validateStatusUpdate(bad, prev).map((e) => e.field)).toContain('status.phase');
    // Semantic status rules still run on the shortcut (a Node's capacity may not be negative).
    const n = applyDefaults(node() as J) as J;
    n.metadata = { ...n.metadata, labels: { 'a b': 'x' } };
    const negative = { ...n, status: { capacity: { cpu: '-1' } } };
    expect(validateStatusUpdate(negative, n).map((e) => e.field)).toEqual(['status.capacity[cpu]']);
  });
});
