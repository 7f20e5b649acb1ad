/**
 * Defaults of the core (`v1`) kinds other than Pod, as kubernetes `pkg/apis/core/v1/defaults.go`
 * plus the values the API server's create strategies fill (Namespace finalizers, Service IP family
 * policy).
 */
import { defaultPodTemplateSpec } from './pod.js';
import { child, existing, items, type Obj, setDefault } from './util.js';

/** `SetDefaults_Service` (and the IP family policy the registry sets on create). */
export function defaultService(obj: Obj): void {
  const spec = existing(obj, 'spec');
  if (!spec) return;
  setDefault(spec, 'sessionAffinity', 'None', true);
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const config = child(spec, 'sessionAffinityConfig');
    const clientIP = config && child(config, 'clientIP');
    if (clientIP) setDefault(clientIP, 'timeoutSeconds', 10800);
  }
  setDefault(spec, 'type', 'ClusterIP', true);
  for (const port of items(spec, 'ports')) {
    setDefault(port, 'protocol', 'TCP', true);
    setDefault(port, 'targetPort', port.port, true);
  }
  const type = spec.type;
  const externalIPs = Array.isArray(spec.externalIPs) ? spec.externalIPs : [];
  const external =
    type === 'NodePort' || type === 'LoadBalancer' || (type === 'ClusterIP' && externalIPs.length > 0);
  if (external) setDefault(spec, 'externalTrafficPolicy', 'Cluster', true);
  if (type === 'NodePort' || type === 'LoadBalancer' || type === 'ClusterIP') {
    setDefault(spec, 'internalTrafficPolicy', 'Cluster');
    const headless =
      spec.clusterIP === 'None' || (Array.isArray(spec.clusterIPs) && spec.clusterIPs[0] === 'None');
    if (!headless) setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
  }
  if (type === 'LoadBalancer') setDefault(spec, 'allocateLoadBalancerNodePorts', true);
}

/** The `kubernetes` finalizer (create strategy), phase Active, and the `kubernetes.io/metadata.name` label. */
export function defaultNamespace(obj: Obj): void {
  const spec = child(obj, 'spec');
  if (spec) setDefault(spec, 'finalizers', ['kubernetes']);
  const status = child(obj, 'status');
  if (status) setDefault(status, 'phase', 'Active', true);
  const meta = existing(obj, 'metadata');
  if (meta && typeof meta.name === 'string' && meta.name) {
    const labels = child(meta, 'labels');
    if (labels) labels['kubernetes.io/metadata.name'] = meta.name;
  }
}

export function defaultPersistentVolumeClaimSpec(spec: Obj | undefined): void {
  if (spec) setDefault(spec, 'volumeMode', 'Filesystem', true);
}

export function defaultPersistentVolumeClaim(obj: Obj): void {
  defaultPersistentVolumeClaimSpec(existing(obj, 'spec'));
  const status = child(obj, 'status');
  if (status) setDefault(status, 'phase', 'Pending', true);
}

export function defaultPersistentVolume(obj: Obj): void {
  const spec = existing(obj, 'spec');
  if (spec) {
    setDefault(spec, 'persistentVolumeReclaimPolicy', 'Retain', true);
    setDefault(spec, 'volumeMode', 'Filesystem', true);
  }
  const status = child(obj, 'status');
  if (status) setDefault(status, 'phase', 'Pending', true);
}

export function defaultSecret(obj: Obj): void {
  setDefault(obj, 'type', 'Opaque', true);
}

/** `SetDefaults_NodeStatus`: allocatable defaults to capacity. */
export function defaultNode(obj: Obj): void {
  const status = existing(obj, 'status');
  const capacity = existing(status, 'capacity');
  if (status && capacity) setDefault(status, 'allocatable', { ...capacity });
}

/** `SetDefaults_EndpointPort`. */
export function defaultEndpoints(obj: Obj): void {
  for (const subset of items(obj, 'subsets')) {
    for (const port of items(subset, 'ports')) setDefault(port, 'protocol', 'TCP', true);
  }
}

export function defaultEndpointSlice(obj: Obj): void {
  for (const port of items(obj, 'ports')) {
    setDefault(port, 'protocol', 'TCP', true);
    setDefault(port, 'name', '');
  }
}

/** `SetDefaults_ReplicationController`-style pod template defaults for PodTemplate objects. */
export function defaultPodTemplate(obj: Obj): void {
  defaultPodTemplateSpec(existing(obj, 'template'));
}
