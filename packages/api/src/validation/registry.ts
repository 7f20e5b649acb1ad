/**
 * Which rules apply to which kind: the name rule of `metadata.name` (Kubernetes' `ValidateXName`),
 * the semantic validator of the object, and the extra checks of an update.
 */
import type { FieldError } from '../field-errors.js';
import { fieldErrors } from '../field-errors.js';
import type { KubeObject } from '../kinds.js';
import {
  type NameValidator,
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  nameIsPathSegment,
} from '../names.js';
import {
  validateDaemonSet,
  validateDeployment,
  validateReplicaSet,
  validateStatefulSet,
  validateStatefulSetUpdate,
  validateWorkloadSelectorUpdate,
} from './apps.js';
import { validateCronJob, validateJob, validateJobUpdate } from './batch.js';
import {
  validateConfigMap,
  validateControllerRevision,
  validateEndpointSlice,
  validateEndpoints,
  validateLease,
  validateNamespace,
  validateNamespaceStatus,
  validateNode,
  validateNodeStatus,
  validatePersistentVolume,
  validatePersistentVolumeClaim,
  validateSecret,
} from './core.js';
import { deepEqual, type ErrorList, FIELD_IMMUTABLE } from './helpers.js';
import { validatePodSpec } from './pod.js';
import { validateService, validateServiceUpdate } from './service.js';

// biome-ignore lint/suspicious/noExplicitAny: each entry is called with its own kind's object.
type AnyFn = (...args: any[]) => FieldError[];

/** `validateStatus` of kinds whose `validate` only checks `spec` (and metadata, checked separately). */
const noErrors = (): FieldError[] => [];

const podRules = {
  nameFn: nameIsDNSSubdomain,
  validate: (pod: Extract<KubeObject, { kind: 'Pod' }>) =>
    pod.spec ? validatePodSpec(pod.spec, 'spec') : [fieldErrors.required('spec')],
  validateUpdate: validatePodUpdate,
  validateStatus: noErrors,
  validateReadsOnlySpec: true,
};

/** Rules by `apiVersion/kind`. Kinds not listed use a DNS-subdomain name and schema checks only. */
export interface KindRules {
  readonly nameFn: NameValidator;
  readonly validate?: AnyFn;
  readonly validateUpdate?: AnyFn;
  /**
   * What `validate` checks outside `spec`, for a status update that keeps the spec (Kubernetes'
   * `Validate*StatusUpdate` does not re-validate the spec). Setting it also states that
   * `validateUpdate` only compares `spec`s, so an unchanged spec passes it. Kinds without it
   * validate status updates like any update.
   */
  readonly validateStatus?: AnyFn;
  /**
   * `validate` reads nothing but `spec`: a shared frozen spec (`isFrozenJson`, the defaulted template
   * spec of a ReplicaSet's pods) found valid once is not validated again for each object carrying it.
   */
  readonly validateReadsOnlySpec?: boolean;
}

export const KIND_RULES: Readonly<Record<string, KindRules>> = {
  'v1/Namespace': {
    nameFn: nameIsDNSLabel,
    validate: validateNamespace,
    validateStatus: validateNamespaceStatus,
  },
  'v1/Node': { nameFn: nameIsDNSSubdomain, validate: validateNode, validateStatus: validateNodeStatus },
  'v1/Pod': podRules,
  'v1/Service': {
    nameFn: nameIsDNS1035Label,
    validate: validateService,
    validateUpdate: validateServiceUpdate,
  },
  'v1/Endpoints': { nameFn: nameIsDNSSubdomain, validate: validateEndpoints },
  'v1/Event': { nameFn: nameIsPathSegment },
  'v1/ConfigMap': {
    nameFn: nameIsDNSSubdomain,
    validate: validateConfigMap,
    validateUpdate: validateImmutableData,
  },
  'v1/Secret': { nameFn: nameIsDNSSubdomain, validate: validateSecret, validateUpdate: validateSecretUpdate },
  'v1/ServiceAccount': { nameFn: nameIsDNSSubdomain },
  'v1/PersistentVolume': { nameFn: nameIsDNSSubdomain, validate: validatePersistentVolume },
  'v1/PersistentVolumeClaim': { nameFn: nameIsDNSSubdomain, validate: validatePersistentVolumeClaim },
  'apps/v1/ReplicaSet': {
    nameFn: nameIsDNSSubdomain,
    validate: validateReplicaSet,
    validateUpdate: validateWorkloadSelectorUpdate,
    validateStatus: noErrors,
  },
  'apps/v1/Deployment': {
    nameFn: nameIsDNSSubdomain,
    validate: validateDeployment,
    validateUpdate: validateWorkloadSelectorUpdate,
    validateStatus: noErrors,
  },
  'apps/v1/DaemonSet': {
    nameFn: nameIsDNSSubdomain,
    validate: validateDaemonSet,
    validateUpdate: validateWorkloadSelectorUpdate,
    validateStatus: noErrors,
  },
  'apps/v1/StatefulSet': {
    nameFn: nameIsDNSLabel,
    validate: validateStatefulSet,
    validateUpdate: validateStatefulSetUpdate,
    validateStatus: noErrors,
  },
  'apps/v1/ControllerRevision': { nameFn: nameIsDNSSubdomain, validate: validateControllerRevision },
  'batch/v1/Job': {
    nameFn: nameIsDNSSubdomain,
    validate: validateJob,
    validateUpdate: validateJobUpdate,
    validateStatus: noErrors,
  },
  'batch/v1/CronJob': { nameFn: nameIsDNSSubdomain, validate: validateCronJob },
  'discovery.k8s.io/v1/EndpointSlice': { nameFn: nameIsDNSSubdomain, validate: validateEndpointSlice },
  'events.k8s.io/v1/Event': { nameFn: nameIsPathSegment },
  'coordination.k8s.io/v1/Lease': { nameFn: nameIsDNSSubdomain, validate: validateLease },
};

const DEFAULT_RULES = { nameFn: nameIsDNSSubdomain };

export function rulesFor(apiVersion: string, kind: string): KindRules {
  return KIND_RULES[`${apiVersion}/${kind}`] ?? DEFAULT_RULES;
}

type Pod = Extract<KubeObject, { kind: 'Pod' }>;

const POD_UPDATE_FORBIDDEN =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/** `ValidatePodUpdate`: only images, activeDeadlineSeconds and added tolerations may change. */
function validatePodUpdate(next: Pod, prev: Pod): ErrorList {
  // The same spec object (a status update in the store, which shares unchanged subtrees): nothing
  // below can differ.
  if (next.spec !== undefined && next.spec === prev.spec) return [];
  const mask = (pod: Pod) => {
    const spec = pod.spec ?? { containers: [] };
    return {
      ...spec,
      containers: spec.containers?.map((c) => ({ ...c, image: undefined })),
      initContainers: spec.initContainers?.map((c) => ({ ...c, image: undefined })),
      activeDeadlineSeconds: undefined,
      tolerations: undefined,
      // The scheduler binds pods; an unset nodeName may become set.
      nodeName: spec.nodeName,
    };
  };
  const errs: ErrorList = [];
  const a = mask(next);
  const b = mask(prev);
  if (!b.nodeName) a.nodeName = undefined;
  if (!deepEqual(a, b)) errs.push(fieldErrors.forbidden('spec', POD_UPDATE_FORBIDDEN));
  const oldTolerations = prev.spec?.tolerations ?? [];
  const newTolerations = next.spec?.tolerations ?? [];
  if (!oldTolerations.every((t) => newTolerations.some((n) => deepEqual(n, t))))
    errs.push(
      fieldErrors.forbidden(
        'spec.tolerations',
        'existing toleration can not be modified except its tolerationSeconds',
      ),
    );
  return errs;
}

type WithData = { immutable?: boolean; data?: Record<string, string>; binaryData?: Record<string, string> };

/** ConfigMaps and Secrets marked `immutable: true` keep their data and the flag. */
function validateImmutableData(next: WithData, prev: WithData): ErrorList {
  const errs: ErrorList = [];
  if (prev.immutable) {
    if (!next.immutable)
      errs.push(fieldErrors.forbidden('immutable', 'field is immutable when `immutable` is set'));
    if (!deepEqual(next.data, prev.data))
      errs.push(fieldErrors.forbidden('data', 'field is immutable when `immutable` is set'));
    if (!deepEqual(next.binaryData, prev.binaryData))
      errs.push(fieldErrors.forbidden('binaryData', 'field is immutable when `immutable` is set'));
  }
  return errs;
}

function validateSecretUpdate(
  next: WithData & { type?: string },
  prev: WithData & { type?: string },
): ErrorList {
  const errs = validateImmutableData(next, prev);
  if (next.type !== undefined && prev.type !== undefined && next.type !== prev.type)
    errs.push(fieldErrors.invalid('type', next.type, FIELD_IMMUTABLE));
  return errs;
}
