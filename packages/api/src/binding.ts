/**
 * `v1/Binding`: what a scheduler sends to `pods/<name>/binding` to assign a Pod to a Node. Kubernetes
 * applies it as a raw storage update — no defaulting, no Pod validation — which is why binding is
 * cheaper than patching `spec.nodeName`. The decision (`bindPod`) is pure; the store applies it.
 */
import { z } from 'zod';
import { type FieldError, fieldErrors } from './field-errors.js';
import {
  type ObjectMeta,
  ObjectMetaSchema,
  type ObjectReference,
  ObjectReferenceSchema,
  type Pod,
  type PodCondition,
} from './generated/schemas.generated.js';
import { parse } from './validate.js';
import { validateAnnotations } from './validation/meta.js';

/** Ties a Pod (`metadata.name`, `metadata.namespace`) to a Node (`target.name`). */
export interface Binding {
  readonly apiVersion: 'v1';
  readonly kind: 'Binding';
  /** The Pod's name and namespace; `uid` / `resourceVersion` are preconditions when set. */
  readonly metadata: ObjectMeta;
  /** The Node: `kind` is `Node` or empty. */
  readonly target: ObjectReference;
}

export const BindingSchema = z.strictObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Binding'),
  metadata: ObjectMetaSchema,
  target: ObjectReferenceSchema,
}) as unknown as z.ZodType<Binding, Binding>;

/**
 * Every problem of a Binding, with Kubernetes' field paths and wording (`ValidatePodBinding`, plus
 * the Pod name it needs and the annotations it merges into the Pod): `[]` when it can be applied.
 */
export function validateBinding(value: unknown): FieldError[] {
  // As for every kind: the structural fast check, else zod (nulls read as absent).
  const { ok, value: parsed, structural } = parse(BindingSchema, value as Record<string, unknown>);
  if (!ok) return structural;
  const { metadata, target } = parsed as unknown as Binding;
  const errors: FieldError[] = [];
  if (!metadata.name) errors.push(fieldErrors.required('metadata.name', 'name or generateName is required'));
  validateAnnotations(errors, metadata.annotations, 'metadata.annotations');
  if (target.kind !== undefined && target.kind !== '' && target.kind !== 'Node')
    errors.push(fieldErrors.notSupported('target.kind', target.kind, ['Node', '<empty>']));
  if (!target.name) errors.push(fieldErrors.required('target.name'));
  return errors;
}

/** The outcome of binding: the Pod to store, or why the Pod cannot be bound (a Conflict). */
export type BindOutcome = { readonly pod: Pod } | { readonly refused: string };

/**
 * The Pod after `binding` is applied at `now` (RFC 3339): `spec.nodeName` set, the binding's
 * annotations merged, condition PodScheduled=True (its transition time kept when it already was
 * True). Refused, as Kubernetes refuses, for a Pod being deleted, already assigned, or still gated.
 * Preconditions (uid, resourceVersion) are the caller's: they are storage checks, not part of the
 * decision. `binding` must be valid (`validateBinding`).
 */
export function bindPod(pod: Pod, binding: Binding, now: string): BindOutcome {
  const name = pod.metadata?.name ?? '';
  if (pod.metadata?.deletionTimestamp)
    return { refused: `pod ${name} is being deleted, cannot be assigned to a host` };
  if (pod.spec?.nodeName)
    return { refused: `pod ${name} is already assigned to node ${JSON.stringify(pod.spec.nodeName)}` };
  if (pod.spec?.schedulingGates?.length)
    return { refused: `pod ${name} has non-empty .spec.schedulingGates` };
  const annotations = binding.metadata.annotations;
  const metadata =
    annotations && Object.keys(annotations).length > 0
      ? { ...pod.metadata, annotations: { ...pod.metadata?.annotations, ...annotations } }
      : pod.metadata;
  const conditions = pod.status?.conditions ?? [];
  const at = conditions.findIndex((c) => c.type === 'PodScheduled');
  const previous = at < 0 ? undefined : conditions[at];
  const since = previous?.status === 'True' ? previous.lastTransitionTime : now;
  const scheduled: PodCondition =
    since === undefined
      ? { type: 'PodScheduled', status: 'True' }
      : { type: 'PodScheduled', status: 'True', lastTransitionTime: since };
  const nextConditions =
    at < 0 ? [...conditions, scheduled] : conditions.map((c, i) => (i === at ? scheduled : c));
  return {
    pod: {
      ...pod,
      metadata: metadata as ObjectMeta,
      spec: { ...(pod.spec as NonNullable<Pod['spec']>), nodeName: binding.target.name as string },
      status: { ...pod.status, conditions: nextConditions },
    },
  };
}
