/**
 * `applyDefaults`: the values Kubernetes fills in when an object is created, per kind.
 *
 * Guarantees:
 * - Returns a new object; the input (which may be frozen) is never modified. One exception to "new":
 *   a Pod whose `spec` is deeply frozen gets that spec's defaulted form as one frozen object, shared
 *   by every Pod defaulted from the same spec object (see `frozen-json.ts`).
 * - Idempotent: `applyDefaults(applyDefaults(x))` deep-equals `applyDefaults(x)`.
 * - Only fills what is absent (or Go's zero value where Kubernetes' field is not a pointer); never
 *   changes a value that was set, except that resource quantities are written in canonical form
 *   rounded up to milli-units (as `SetDefaults_ResourceList`).
 * - Unknown kinds and values that are not objects come back as (cloned) input; it never throws.
 */

import { freezeJson, isDeeplyFrozen } from '../frozen-json.js';
import {
  defaultEndpointSlice,
  defaultEndpoints,
  defaultNamespace,
  defaultNode,
  defaultPersistentVolume,
  defaultPersistentVolumeClaim,
  defaultPodTemplate,
  defaultSecret,
  defaultService,
} from './core.js';
import { defaultPod } from './pod.js';
import { deepClone, isObj, type Obj } from './util.js';
import {
  defaultCronJob,
  defaultDaemonSet,
  defaultDeployment,
  defaultJob,
  defaultReplicaSet,
  defaultStatefulSet,
} from './workloads.js';

const DEFAULTERS: Readonly<Record<string, (obj: Obj) => void>> = {
  'v1/Pod': defaultPod,
  'v1/PodTemplate': defaultPodTemplate,
  'v1/Service': defaultService,
  'v1/Namespace': defaultNamespace,
  'v1/Secret': defaultSecret,
  'v1/Node': defaultNode,
  'v1/Endpoints': defaultEndpoints,
  'v1/PersistentVolume': defaultPersistentVolume,
  'v1/PersistentVolumeClaim': defaultPersistentVolumeClaim,
  'apps/v1/Deployment': defaultDeployment,
  'apps/v1/ReplicaSet': defaultReplicaSet,
  'apps/v1/StatefulSet': defaultStatefulSet,
  'apps/v1/DaemonSet': defaultDaemonSet,
  'batch/v1/Job': defaultJob,
  'batch/v1/CronJob': defaultCronJob,
  'discovery.k8s.io/v1/EndpointSlice': defaultEndpointSlice,
};

/** Kubernetes' defaults for `obj`'s kind, applied to a deep copy. */
export function applyDefaults<T>(obj: T): T {
  const shared =
    isObj(obj) && obj.apiVersion === 'v1' && obj.kind === 'Pod' ? sharedPodSpec(obj.spec) : undefined;
  if (shared !== undefined) {
    // `defaultPod` touches nothing but the spec, which is defaulted already: copy the rest only.
    const copy: Obj = deepClone({ ...obj, spec: null });
    copy.spec = shared;
    return copy as T;
  }
  const copy = deepClone(obj);
  if (!isObj(copy)) return copy;
  const defaulter = DEFAULTERS[`${String(copy.apiVersion)}/${String(copy.kind)}`];
  if (defaulter) {
    try {
      defaulter(copy);
    } catch {
      // Defaulting only fills well-formed parts; a malformed object is left for validation to report.
    }
  }
  return copy as T;
}

/**
 * The defaulted form of a Pod spec that is deeply frozen (the template spec a ReplicaSet hands to all
 * its pods): defaulted once, frozen and vouched for (`freezeJson`), then the same object for every Pod
 * made from that spec. `null`: the spec is not shareable (not deeply frozen, or not plain JSON).
 */
const sharedPodSpecs = new WeakMap<object, Obj | null>();

function sharedPodSpec(spec: unknown): Obj | undefined {
  if (!isObj(spec) || !Object.isFrozen(spec)) return undefined;
  let shared = sharedPodSpecs.get(spec);
  if (shared === undefined) {
    shared = null;
    if (isDeeplyFrozen(spec)) {
      const pod = { spec: deepClone(spec) };
      try {
        defaultPod(pod);
        if (freezeJson(pod.spec)) shared = pod.spec;
      } catch {
        // Malformed: the ordinary path defaults what it can and validation reports the rest.
      }
    }
    sharedPodSpecs.set(spec, shared);
  }
  return shared ?? undefined;
}
