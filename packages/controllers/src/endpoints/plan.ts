import type {
  ContainerPort,
  Endpoint,
  EndpointAddress,
  EndpointPort,
  EndpointSlice,
  EndpointSubset,
  Endpoints,
  OwnerReference,
  Pod,
  Service,
  ServicePort,
} from '@flotilla/api';
import { isPodReady } from '../pods.js';

/** The EndpointSlice label naming its Service. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
/** The EndpointSlice label naming the controller that manages it. */
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const ENDPOINTSLICE_CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
/** Set (empty) on the Endpoints and EndpointSlices of a headless Service. */
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';

type DiscoveryPort = NonNullable<EndpointSlice['ports']>[number];

/**
 * The container port a Service port reaches on a pod (Kubernetes' `FindPort`): a named `targetPort`
 * is looked up among the pod's container ports with the same protocol; a number is used as is.
 */
export function findPort(pod: Pod, port: ServicePort): number | undefined {
  const target = port.targetPort ?? port.port;
  const protocol = port.protocol ?? 'TCP';
  if (typeof target === 'number') return target > 0 ? target : port.port;
  if (/^\d+$/.test(target)) return Number(target);
  for (const c of pod.spec?.containers ?? [])
    for (const p of (c.ports ?? []) as ContainerPort[])
      if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  return undefined;
}

/** Kubernetes' `ShouldPodBeInEndpoints`: has an IPv4 address, not finished, not deleted (unless wanted). */
function shouldBeIncluded(pod: Pod, includeTerminating: boolean): boolean {
  const ip = pod.status?.podIP;
  if (!ip || ip.includes(':')) return false;
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  return includeTerminating || !pod.metadata?.deletionTimestamp;
}

function selects(service: Service, pod: Pod): boolean {
  const selector = service.spec?.selector;
  if (!selector || Object.keys(selector).length === 0) return false;
  if (pod.metadata?.namespace !== service.metadata?.namespace) return false;
  const labels = pod.metadata?.labels ?? {};
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** True when the endpoints controller manages this Service's endpoints (it has a selector). */
export function managesEndpoints(service: Service): boolean {
  return Object.keys(service.spec?.selector ?? {}).length > 0 && service.spec?.type !== 'ExternalName';
}

function isHeadless(service: Service): boolean {
  return service.spec?.clusterIP === 'None' || service.spec?.clusterIPs?.[0] === 'None';
}

/** The pod's ports for the Service, one per Service port that resolves. */
function portsFor(
  service: Service,
  pod: Pod,
): { name: string; port: number; protocol: string; appProtocol?: string }[] {
  const out: { name: string; port: number; protocol: string; appProtocol?: string }[] = [];
  for (const sp of service.spec?.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    out.push({
      name: sp.name ?? '',
      port,
      protocol: sp.protocol ?? 'TCP',
      ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}),
    });
  }
  return out;
}

const byIP = <T extends { ip: string }>(a: T, b: T) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : 0);
const podRef = (pod: Pod) => ({
  kind: 'Pod',
  namespace: pod.metadata?.namespace ?? '',
  name: pod.metadata?.name ?? '',
  uid: pod.metadata?.uid ?? '',
});

function baseLabels(service: Service): Record<string, string> {
  return { ...(service.metadata?.labels ?? {}), ...(isHeadless(service) ? { [HEADLESS_LABEL]: '' } : {}) };
}

/**
 * The Endpoints object of a Service (Kubernetes' endpoints controller): ready pods under `addresses`,
 * the others under `notReadyAddresses` (all ready with `publishNotReadyAddresses`), grouped into
 * subsets by their resolved ports, sorted by IP. Terminating and finished pods are left out.
 */
export function desiredEndpoints(service: Service, pods: readonly Pod[]): Endpoints {
  const tolerateUnready = service.spec?.publishNotReadyAddresses === true;
  const groups = new Map<
    string,
    { ports: EndpointPort[]; ready: EndpointAddress[]; notReady: EndpointAddress[] }
  >();
  const servicePorts = service.spec?.ports ?? [];
  for (const pod of pods) {
    if (!selects(service, pod) || !shouldBeIncluded(pod, tolerateUnready)) continue;
    const ports = portsFor(service, pod).map(
      ({ name, ...rest }): EndpointPort => (name ? { name, ...rest } : { ...rest }),
    );
    if (servicePorts.length > 0 && ports.length === 0) continue;
    const key = JSON.stringify(ports);
    let group = groups.get(key);
    if (!group) {
      group = { ports, ready: [], notReady: [] };
      groups.set(key, group);
    }
    const address: EndpointAddress = {
      ip: pod.status?.podIP ?? '',
      ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
      targetRef: podRef(pod),
    };
    if (tolerateUnready || isPodReady(pod)) group.ready.push(address);
    else group.notReady.push(address);
  }
  const subsets: EndpointSubset[] = [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, g]) => ({
      ...(g.ready.length ? { addresses: g.ready.sort(byIP) } : {}),
      ...(g.notReady.length ? { notReadyAddresses: g.notReady.sort(byIP) } : {}),
      ...(g.ports.length ? { ports: g.ports } : {}),
    }));
  const labels = baseLabels(service);
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: {
      name: service.metadata?.name ?? '',
      namespace: service.metadata?.namespace ?? 'default',
      ...(Object.keys(labels).length ? { labels } : {}),
    },
    ...(subsets.length ? { subsets } : {}),
  };
}

/** The controller reference an EndpointSlice carries to its Service. */
export function serviceOwnerReference(service: Service): OwnerReference {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    name: service.metadata?.name ?? '',
    uid: service.metadata?.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

/**
 * The EndpointSlices of a Service (Kubernetes' EndpointSlice controller), without names: one per set
 * of resolved ports (usually one), IPv4, each endpoint with `ready` / `serving` / `terminating`, its
 * node and its pod; terminating pods are kept (not ready). No pods: one slice without endpoints.
 */
export function desiredEndpointSlices(service: Service, pods: readonly Pod[]): EndpointSlice[] {
  const publish = service.spec?.publishNotReadyAddresses === true;
  const servicePorts = service.spec?.ports ?? [];
  const groups = new Map<string, { ports: DiscoveryPort[]; endpoints: (Endpoint & { ip: string })[] }>();
  for (const pod of pods) {
    if (!selects(service, pod) || !shouldBeIncluded(pod, true)) continue;
    const ports: DiscoveryPort[] = portsFor(service, pod);
    if (servicePorts.length > 0 && ports.length === 0) continue;
    const key = JSON.stringify(ports);
    let group = groups.get(key);
    if (!group) {
      group = { ports, endpoints: [] };
      groups.set(key, group);
    }
    const serving = publish || isPodReady(pod);
    const terminating = !!pod.metadata?.deletionTimestamp;
    const ip = pod.status?.podIP ?? '';
    group.endpoints.push({
      ip,
      addresses: [ip],
      conditions: { ready: publish || (serving && !terminating), serving, terminating },
      ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
      targetRef: podRef(pod),
    });
  }
  const labels: Record<string, string> = {
    ...baseLabels(service),
    [SERVICE_NAME_LABEL]: service.metadata?.name ?? '',
    [MANAGED_BY_LABEL]: ENDPOINTSLICE_CONTROLLER_NAME,
  };
  const slice = (ports: DiscoveryPort[] | undefined, endpoints: Endpoint[]): EndpointSlice => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: `${service.metadata?.name ?? ''}-`,
      namespace: service.metadata?.namespace ?? 'default',
      labels,
      ownerReferences: [serviceOwnerReference(service)],
    },
    addressType: 'IPv4',
    endpoints,
    ...(ports?.length ? { ports } : {}),
  });
  if (groups.size === 0) return [slice(undefined, [])];
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, g]) =>
      slice(
        g.ports,
        g.endpoints.sort(byIP).map(({ ip: _ip, ...e }) => e),
      ),
    );
}

export type EndpointsAction =
  | { readonly type: 'createEndpoints'; readonly endpoints: Endpoints }
  | { readonly type: 'updateEndpoints'; readonly endpoints: Endpoints }
  | {
      readonly type: 'deleteEndpoints';
      readonly namespace: string;
      readonly name: string;
      readonly uid: string;
    }
  | { readonly type: 'createSlice'; readonly slice: EndpointSlice }
  | { readonly type: 'updateSlice'; readonly slice: EndpointSlice }
  | { readonly type: 'deleteSlice'; readonly namespace: string; readonly name: string; readonly uid: string };

/** JSON equality with object keys in any order. */
export function sameJSON(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

const portsKey = (s: EndpointSlice) => canonical(s.ports ?? []);

/**
 * One pass over a Service's endpoints, as a pure function of the Service (`undefined` once deleted),
 * the pods in its namespace, its current Endpoints and the EndpointSlices this controller manages for
 * it. Writes only what differs; a Service without selector (user-managed endpoints) is left alone; a
 * deleted Service loses its Endpoints and slices.
 */
export function planEndpoints(
  service: Service | undefined,
  pods: readonly Pod[],
  current: Endpoints | undefined,
  slices: readonly EndpointSlice[],
): EndpointsAction[] {
  const remove = (
    o: Endpoints | EndpointSlice,
    type: 'deleteEndpoints' | 'deleteSlice',
  ): EndpointsAction => ({
    type,
    namespace: o.metadata?.namespace ?? '',
    name: o.metadata?.name ?? '',
    uid: o.metadata?.uid ?? '',
  });
  if (!service || service.metadata?.deletionTimestamp) {
    return [
      ...(current ? [remove(current, 'deleteEndpoints')] : []),
      ...slices.map((s) => remove(s, 'deleteSlice')),
    ];
  }
  if (!managesEndpoints(service)) return [];
  const actions: EndpointsAction[] = [];
  const wanted = desiredEndpoints(service, pods);
  if (!current) actions.push({ type: 'createEndpoints', endpoints: wanted });
  else if (
    !sameJSON(current.subsets ?? [], wanted.subsets ?? []) ||
    !sameJSON(current.metadata?.labels ?? {}, wanted.metadata?.labels ?? {})
  ) {
    actions.push({
      type: 'updateEndpoints',
      endpoints: {
        ...current,
        metadata: { ...current.metadata, labels: wanted.metadata?.labels ?? {} },
        subsets: wanted.subsets ?? [],
      },
    });
  }
  const unmatched = [...slices];
  for (const slice of desiredEndpointSlices(service, pods)) {
    const i = unmatched.findIndex((s) => portsKey(s) === portsKey(slice));
    const existing = i >= 0 ? unmatched.splice(i, 1)[0] : undefined;
    if (!existing) {
      actions.push({ type: 'createSlice', slice });
      continue;
    }
    const labels = slice.metadata?.labels ?? {};
    if (
      !sameJSON(existing.endpoints ?? [], slice.endpoints ?? []) ||
      !sameJSON(existing.metadata?.labels ?? {}, labels) ||
      existing.addressType !== slice.addressType
    ) {
      actions.push({
        type: 'updateSlice',
        slice: {
          ...existing,
          metadata: { ...existing.metadata, labels },
          addressType: slice.addressType,
          endpoints: slice.endpoints ?? [],
        },
      });
    }
  }
  for (const s of unmatched) actions.push(remove(s, 'deleteSlice'));
  return actions;
}
