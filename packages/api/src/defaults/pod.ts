/**
 * Pod and pod template defaults, as kubernetes `pkg/apis/core/v1/defaults.go`.
 */
import { cachedTryParseQuantity, formatQuantity } from '../quantity.js';
import { VOLUME_SOURCES } from '../volume-sources.js';
import { child, existing, items, type Obj, setDefault } from './util.js';

/** The tag Kubernetes' `parsers.ParseImageName` finds: `latest` when neither tag nor digest is given. */
export function imageTag(image: string): string {
  const at = image.indexOf('@');
  const name = at >= 0 ? image.slice(0, at) : image;
  const colon = name.lastIndexOf(':');
  const slash = name.lastIndexOf('/');
  if (colon > slash) return name.slice(colon + 1);
  return at >= 0 ? '' : 'latest';
}

/** `SetDefaults_Container`'s pull policy: Always for `:latest` (or no tag), else IfNotPresent. */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  return imageTag(image) === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultHTTPGet(handler: Obj | undefined): void {
  const http = existing(handler, 'httpGet');
  if (!http) return;
  setDefault(http, 'path', '/', true);
  setDefault(http, 'scheme', 'HTTP', true);
}

function defaultProbe(probe: Obj | undefined): void {
  if (!probe) return;
  setDefault(probe, 'timeoutSeconds', 1, true);
  setDefault(probe, 'periodSeconds', 10, true);
  setDefault(probe, 'successThreshold', 1, true);
  setDefault(probe, 'failureThreshold', 3, true);
  defaultHTTPGet(probe);
}

/** A quantity rounded up to milli-units, in canonical text; `undefined` when it is no quantity. */
function roundedQuantityText(value: string | number): string | undefined {
  const q = cachedTryParseQuantity(value);
  if (typeof q === 'string') return undefined;
  const milli = 1_000_000n;
  const rem = q.nanos % milli;
  const nanos = rem === 0n ? q.nanos : q.nanos - rem + (q.nanos > 0n ? milli : 0n);
  return formatQuantity({ nanos, format: q.format });
}

// Every Pod's requests and limits go through `roundedQuantityText` (BigInt arithmetic), and the same
// few strings recur, so their results are memoized; bounded (emptied when full) against hostile input.
const roundedMemo = new Map<string, string | undefined>();

/** `SetDefaults_ResourceList`: quantities rounded up to milli-units and written canonically. */
function defaultResourceList(list: Obj | undefined): void {
  if (!list) return;
  for (const key of Object.keys(list)) {
    const value = list[key];
    let text: string | undefined;
    if (typeof value === 'string' && value.length <= 40) {
      if (roundedMemo.has(value)) text = roundedMemo.get(value);
      else {
        text = roundedQuantityText(value);
        if (roundedMemo.size >= 2048) roundedMemo.clear();
        roundedMemo.set(value, text);
      }
    } else if (typeof value === 'string' || typeof value === 'number') {
      text = roundedQuantityText(value);
    }
    if (text !== undefined) list[key] = text;
  }
}

function defaultContainer(c: Obj): void {
  if (typeof c.image === 'string') setDefault(c, 'imagePullPolicy', defaultPullPolicy(c.image), true);
  setDefault(c, 'terminationMessagePath', '/dev/termination-log', true);
  setDefault(c, 'terminationMessagePolicy', 'File', true);
  for (const port of items(c, 'ports')) setDefault(port, 'protocol', 'TCP', true);
  for (const env of items(c, 'env')) {
    const fieldRef = existing(existing(env, 'valueFrom'), 'fieldRef');
    if (fieldRef) setDefault(fieldRef, 'apiVersion', 'v1', true);
  }
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) defaultProbe(existing(c, probe));
  const lifecycle = existing(c, 'lifecycle');
  defaultHTTPGet(existing(lifecycle, 'postStart'));
  defaultHTTPGet(existing(lifecycle, 'preStop'));
  const resources = existing(c, 'resources');
  defaultResourceList(existing(resources, 'limits'));
  defaultResourceList(existing(resources, 'requests'));
}

const VOLUME_SOURCE_KEYS: ReadonlySet<string> = new Set(VOLUME_SOURCES);

function defaultVolume(vol: Obj): void {
  if (!Object.keys(vol).some((k) => VOLUME_SOURCE_KEYS.has(k) && vol[k] !== undefined && vol[k] !== null))
    vol.emptyDir = {};
  for (const key of ['configMap', 'secret', 'downwardAPI', 'projected']) {
    const source = existing(vol, key);
    if (source) setDefault(source, 'defaultMode', 420);
  }
  const hostPath = existing(vol, 'hostPath');
  if (hostPath) setDefault(hostPath, 'type', '');
  const iscsi = existing(vol, 'iscsi');
  if (iscsi) setDefault(iscsi, 'iscsiInterface', 'default', true);
  const ephemeral = existing(existing(vol, 'ephemeral'), 'volumeClaimTemplate');
  const claimSpec = existing(ephemeral, 'spec');
  if (claimSpec) setDefault(claimSpec, 'volumeMode', 'Filesystem', true);
}

/** `SetDefaults_PodSpec` and everything below it (containers, probes, volumes). */
export function defaultPodSpec(spec: Obj | undefined): void {
  if (!spec) return;
  setDefault(spec, 'dnsPolicy', 'ClusterFirst', true);
  setDefault(spec, 'restartPolicy', 'Always', true);
  setDefault(spec, 'securityContext', {});
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'schedulerName', 'default-scheduler', true);
  if (spec.hostNetwork === true) {
    for (const key of ['containers', 'initContainers']) {
      for (const c of items(spec, key)) {
        for (const port of items(c, 'ports')) setDefault(port, 'hostPort', port.containerPort, true);
      }
    }
  }
  for (const key of ['containers', 'initContainers', 'ephemeralContainers']) {
    for (const c of items(spec, key)) defaultContainer(c);
  }
  for (const vol of items(spec, 'volumes')) defaultVolume(vol);
}

/** A pod template's spec (templates get the pod spec defaults, not the Pod-only ones). */
export function defaultPodTemplateSpec(template: Obj | undefined): void {
  if (!template) return;
  defaultPodSpec(existing(template, 'spec'));
}

/** `SetDefaults_Pod`: pod spec defaults plus requests from limits and `enableServiceLinks`. */
export function defaultPod(pod: Obj): void {
  const spec = existing(pod, 'spec');
  if (!spec) return;
  for (const key of ['containers', 'initContainers']) {
    for (const c of items(spec, key)) {
      const resources = existing(c, 'resources');
      const limits = existing(resources, 'limits');
      if (!resources || !limits) continue;
      const requests = child(resources, 'requests');
      if (!requests) continue;
      for (const [name, value] of Object.entries(limits)) if (!(name in requests)) requests[name] = value;
    }
  }
  setDefault(spec, 'enableServiceLinks', true);
  defaultPodSpec(spec);
}
