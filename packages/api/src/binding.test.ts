import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Binding, bindPod, validateBinding } from './binding.js';
import { applyDefaults } from './defaults/index.js';
import { formatFieldErrors } from './field-errors.js';
import type { Pod } from './generated/schemas.generated.js';
import { validateUpdate } from './validate.js';
import { validPod } from './validation/arbitraries.test-support.js';

const NOW = '2026-11-26T10:00:00Z';

function binding(target: Record<string, unknown> = { kind: 'Node', name: 'n1' }, metadata = {}): Binding {
  return { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'web', ...metadata }, target } as Binding;
}

function pod(extra: { spec?: object; metadata?: object; status?: object } = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', uid: 'u1', ...extra.metadata },
    spec: { containers: [{ name: 'c', image: 'nginx' }], ...extra.spec },
    ...(extra.status ? { status: extra.status } : {}),
  } as Pod;
}

describe('validateBinding', () => {
  it.each([
    ['a Node target', binding(), ''],
    ['an empty target kind', binding({ kind: '', name: 'n1' }), ''],
    ['no target kind', binding({ name: 'n1' }), ''],
    ['nulls as Go clients send them', binding(undefined, { creationTimestamp: null, annotations: null }), ''],
    ['no target name', binding({ kind: 'Node' }), 'target.name: Required value'],
    [
      'a target that is not a Node',
      binding({ kind: 'Pod', name: 'n1' }),
      'target.kind: Unsupported value: "Pod": supported values: "Node", "<empty>"',
    ],
    [
      'no pod name',
      binding(undefined, { name: '' }),
      'metadata.name: Required value: name or generateName is required',
    ],
    [
      'a bad annotation key',
      binding(undefined, { annotations: { 'bad key': 'x' } }),
      'metadata.annotations: Invalid value: "bad key"',
    ],
    ['an unknown field', { ...binding(), spec: {} }, 'unknown field "spec"'],
    [
      'a wrong kind',
      { ...binding(), kind: 'Pod' },
      'kind: Unsupported value: "Pod": supported values: "Binding"',
    ],
    ['a target of the wrong type', { ...binding(), target: 'n1' }, 'target: Invalid value'],
  ])('%s', (_, value, error) => {
    const errors = validateBinding(value);
    if (error === '') expect(errors).toEqual([]);
    else expect(formatFieldErrors(errors)).toContain(error);
  });
});

describe('bindPod', () => {
  it('sets the node, merges annotations and marks the pod scheduled at now', () => {
    const before = pod({ metadata: { annotations: { keep: '1', over: 'old' } } });
    const outcome = bindPod(before, binding(undefined, { annotations: { over: 'new', add: '2' } }), NOW);
    expect(outcome).toEqual({
      pod: {
        ...before,
        metadata: { ...before.metadata, annotations: { keep: '1', over: 'new', add: '2' } },
        spec: { ...before.spec, nodeName: 'n1' },
        status: { conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: NOW }] },
      },
    });
  });

  it('replaces an Unschedulable condition in place and keeps the others', () => {
    const ready = { type: 'Ready', status: 'False' };
    const unschedulable = {
      type: 'PodScheduled',
      status: 'False',
      reason: 'Unschedulable',
      message: '0/3 nodes are available',
      lastTransitionTime: '2026-11-26T09:00:00Z',
    };
    const outcome = bindPod(pod({ status: { conditions: [unschedulable, ready] } }), binding(), NOW);
    expect('pod' in outcome && outcome.pod.status?.conditions).toEqual([
      { type: 'PodScheduled', status: 'True', lastTransitionTime: NOW },
      ready,
    ]);
  });

  it('keeps the transition time of a condition that already was True', () => {
    const scheduled = { type: 'PodScheduled', status: 'True', lastTransitionTime: '2026-11-26T09:00:00Z' };
    const outcome = bindPod(pod({ status: { conditions: [scheduled] } }), binding(), NOW);
    expect('pod' in outcome && outcome.pod.status?.conditions).toEqual([scheduled]);
  });

  it('leaves the pod it was given unchanged and shares what it does not change', () => {
    const before = Object.freeze(pod());
    const outcome = bindPod(before, binding(), NOW);
    expect(before.spec?.nodeName).toBeUndefined();
    expect('pod' in outcome && outcome.pod.metadata).toBe(before.metadata);
    expect('pod' in outcome && outcome.pod.spec?.containers).toBe(before.spec?.containers);
  });

  it.each([
    [
      'being deleted',
      pod({ metadata: { deletionTimestamp: NOW } }),
      'pod web is being deleted, cannot be assigned to a host',
    ],
    ['already assigned', pod({ spec: { nodeName: 'n2' } }), 'pod web is already assigned to node "n2"'],
    [
      'still gated',
      pod({ spec: { schedulingGates: [{ name: 'example.com/quota' }] } }),
      'pod web has non-empty .spec.schedulingGates',
    ],
  ])('refuses a pod %s', (_, before, refused) => {
    expect(bindPod(before, binding(), NOW)).toEqual({ refused });
  });

  it('never makes a valid pod invalid, which is why the store may skip validating it', () => {
    fc.assert(
      fc.property(validPod, fc.dictionary(fc.constantFrom('a', 'example.com/b'), fc.string()), (p, notes) => {
        const { nodeName: _, ...spec } = (p as unknown as Pod).spec ?? { containers: [] };
        const stored = applyDefaults({ ...p, spec } as unknown as Pod) as Pod;
        const outcome = bindPod(stored, binding({ name: 'node-7' }, { annotations: notes }), NOW);
        if ('refused' in outcome) return stored.spec?.schedulingGates?.length !== undefined;
        expect(validateUpdate(outcome.pod, stored)).toEqual([]);
        return true;
      }),
      { numRuns: 200 },
    );
  });
});
