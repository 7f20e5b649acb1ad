/**
 * The kind registry: for every kind Flotilla serves, what Kubernetes' discovery says about it
 * (group, version, resource names, scope, short names, categories, subresources, verbs) and the
 * zod schemas of the object and its list.
 *
 * Guarantees:
 * - Names, short names, categories, subresources and verbs are exactly Kubernetes' (release 1.36
 *   `kubectl api-resources -o wide`), so `kubectl get po`, `deploy`, `all` resolve as they do there.
 * - `lookupKind` and `lookupResource` never throw; they return `undefined` for anything unknown.
 * - When a name exists in several groups (`events`, `ev`), the core group wins, as in kubectl.
 */
import type { z } from 'zod';
import {
  type ConfigMap,
  type ConfigMapList,
  ConfigMapListSchema,
  ConfigMapSchema,
  type ControllerRevision,
  type ControllerRevisionList,
  ControllerRevisionListSchema,
  ControllerRevisionSchema,
  type CronJob,
  type CronJobList,
  CronJobListSchema,
  CronJobSchema,
  type DaemonSet,
  type DaemonSetList,
  DaemonSetListSchema,
  DaemonSetSchema,
  type Deployment,
  type DeploymentList,
  DeploymentListSchema,
  DeploymentSchema,
  type EndpointSlice,
  type EndpointSliceList,
  EndpointSliceListSchema,
  EndpointSliceSchema,
  type Endpoints,
  type EndpointsList,
  EndpointsListSchema,
  EndpointsSchema,
  type Event,
  type EventList,
  EventListSchema,
  EventSchema,
  type EventsV1Event,
  type EventsV1EventList,
  EventsV1EventListSchema,
  EventsV1EventSchema,
  type Job,
  type JobList,
  JobListSchema,
  JobSchema,
  type Lease,
  type LeaseList,
  LeaseListSchema,
  LeaseSchema,
  type Namespace,
  type NamespaceList,
  NamespaceListSchema,
  NamespaceSchema,
  type Node,
  type NodeList,
  NodeListSchema,
  NodeSchema,
  type PersistentVolume,
  type PersistentVolumeClaim,
  type PersistentVolumeClaimList,
  PersistentVolumeClaimListSchema,
  PersistentVolumeClaimSchema,
  type PersistentVolumeList,
  PersistentVolumeListSchema,
  PersistentVolumeSchema,
  type Pod,
  type PodList,
  PodListSchema,
  PodSchema,
  type ReplicaSet,
  type ReplicaSetList,
  ReplicaSetListSchema,
  ReplicaSetSchema,
  type Secret,
  type SecretList,
  SecretListSchema,
  SecretSchema,
  type Service,
  type ServiceAccount,
  type ServiceAccountList,
  ServiceAccountListSchema,
  ServiceAccountSchema,
  type ServiceList,
  ServiceListSchema,
  ServiceSchema,
  type StatefulSet,
  type StatefulSetList,
  StatefulSetListSchema,
  StatefulSetSchema,
} from './generated/schemas.generated.js';

/** Every top-level object Flotilla knows, discriminated by `apiVersion` and `kind`. */
export type KubeObject =
  | Namespace
  | Node
  | Pod
  | Service
  | Endpoints
  | Event
  | ConfigMap
  | Secret
  | ServiceAccount
  | PersistentVolume
  | PersistentVolumeClaim
  | ReplicaSet
  | Deployment
  | DaemonSet
  | StatefulSet
  | ControllerRevision
  | Job
  | CronJob
  | EndpointSlice
  | EventsV1Event
  | Lease;

/** Every list kind (`PodList`, `DeploymentList`, …). */
export type KubeObjectList =
  | NamespaceList
  | NodeList
  | PodList
  | ServiceList
  | EndpointsList
  | EventList
  | ConfigMapList
  | SecretList
  | ServiceAccountList
  | PersistentVolumeList
  | PersistentVolumeClaimList
  | ReplicaSetList
  | DeploymentList
  | DaemonSetList
  | StatefulSetList
  | ControllerRevisionList
  | JobList
  | CronJobList
  | EndpointSliceList
  | EventsV1EventList
  | LeaseList;

/** A verb of Kubernetes' discovery document. */
export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

/** What discovery reports about one kind, plus its schemas. */
export interface KindInfo<T extends KubeObject = KubeObject> {
  /** API group, `''` for the core group. */
  readonly group: string;
  readonly version: string;
  /** `v1`, `apps/v1`, … */
  readonly apiVersion: T['apiVersion'];
  readonly kind: T['kind'];
  /** `PodList`, … */
  readonly listKind: string;
  /** The resource name in URLs: `pods`, `deployments`. */
  readonly plural: string;
  /** `pod`, `deployment`. */
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  /** `status`, `scale`, `log`, … (the part after `/` in `pods/status`). */
  readonly subresources: readonly string[];
  readonly verbs: readonly Verb[];
  /** Strict schema of the object; `apiVersion` and `kind` are required. */
  readonly schema: z.ZodType<T>;
  /** Schema of the list; items may omit `apiVersion`/`kind` (filled in), as the API server sends them. */
  readonly listSchema: z.ZodType<{ apiVersion: string; kind: string; items: T[] }>;
}

const ALL_VERBS: readonly Verb[] = [
  'create',
  'delete',
  'deletecollection',
  'get',
  'list',
  'patch',
  'update',
  'watch',
];
const NO_COLLECTION_DELETE: readonly Verb[] = ALL_VERBS.filter((v) => v !== 'deletecollection');
const NONE: readonly string[] = [];
const ALL: readonly string[] = ['all'];

function kind<T extends KubeObject>(
  info: Omit<KindInfo<T>, 'apiVersion' | 'listKind' | 'verbs' | 'singular'> & {
    readonly verbs?: readonly Verb[];
  },
): KindInfo<T> {
  return Object.freeze({
    ...info,
    apiVersion: (info.group ? `${info.group}/${info.version}` : info.version) as T['apiVersion'],
    listKind: `${info.kind}List`,
    singular: info.kind.toLowerCase(),
    verbs: info.verbs ?? ALL_VERBS,
  });
}

/** Every kind, core group first (the order in which ambiguous names resolve). */
export const kinds: readonly KindInfo[] = Object.freeze([
  kind<Namespace>({
    group: '',
    version: 'v1',
    kind: 'Namespace',
    plural: 'namespaces',
    namespaced: false,
    shortNames: ['ns'],
    categories: NONE,
    subresources: ['finalize', 'status'],
    verbs: NO_COLLECTION_DELETE,
    schema: NamespaceSchema,
    listSchema: NamespaceListSchema,
  }),
  kind<Node>({
    group: '',
    version: 'v1',
    kind: 'Node',
    plural: 'nodes',
    namespaced: false,
    shortNames: ['no'],
    categories: NONE,
    subresources: ['proxy', 'status'],
    schema: NodeSchema,
    listSchema: NodeListSchema,
  }),
  kind<Pod>({
    group: '',
    version: 'v1',
    kind: 'Pod',
    plural: 'pods',
    namespaced: true,
    shortNames: ['po'],
    categories: ALL,
    subresources: [
      'attach',
      'binding',
      'ephemeralcontainers',
      'eviction',
      'exec',
      'log',
      'portforward',
      'proxy',
      'resize',
      'status',
    ],
    schema: PodSchema,
    listSchema: PodListSchema,
  }),
  kind<Service>({
    group: '',
    version: 'v1',
    kind: 'Service',
    plural: 'services',
    namespaced: true,
    shortNames: ['svc'],
    categories: ALL,
    subresources: ['proxy', 'status'],
    schema: ServiceSchema,
    listSchema: ServiceListSchema,
  }),
  kind<Endpoints>({
    group: '',
    version: 'v1',
    kind: 'Endpoints',
    plural: 'endpoints',
    namespaced: true,
    shortNames: ['ep'],
    categories: NONE,
    subresources: NONE,
    schema: EndpointsSchema,
    listSchema: EndpointsListSchema,
  }),
  kind<Event>({
    group: '',
    version: 'v1',
    kind: 'Event',
    plural: 'events',
    namespaced: true,
    shortNames: ['ev'],
    categories: NONE,
    subresources: NONE,
    schema: EventSchema,
    listSchema: EventListSchema,
  }),
  kind<ConfigMap>({
    group: '',
    version: 'v1',
    kind: 'ConfigMap',
    plural: 'configmaps',
    namespaced: true,
    shortNames: ['cm'],
    categories: NONE,
    subresources: NONE,
    schema: ConfigMapSchema,
    listSchema: ConfigMapListSchema,
  }),
  kind<Secret>({
    group: '',
    version: 'v1',
    kind: 'Secret',
    plural: 'secrets',
    namespaced: true,
    shortNames: NONE,
    categories: NONE,
    subresources: NONE,
    schema: SecretSchema,
    listSchema: SecretListSchema,
  }),
  kind<ServiceAccount>({
    group: '',
    version: 'v1',
    kind: 'ServiceAccount',
    plural: 'serviceaccounts',
    namespaced: true,
    shortNames: ['sa'],
    categories: NONE,
    subresources: ['token'],
    schema: ServiceAccountSchema,
    listSchema: ServiceAccountListSchema,
  }),
  kind<PersistentVolume>({
    group: '',
    version: 'v1',
    kind: 'PersistentVolume',
    plural: 'persistentvolumes',
    namespaced: false,
    shortNames: ['pv'],
    categories: NONE,
    subresources: ['status'],
    schema: PersistentVolumeSchema,
    listSchema: PersistentVolumeListSchema,
  }),
  kind<PersistentVolumeClaim>({
    group: '',
    version: 'v1',
    kind: 'PersistentVolumeClaim',
    plural: 'persistentvolumeclaims',
    namespaced: true,
    shortNames: ['pvc'],
    categories: NONE,
    subresources: ['status'],
    schema: PersistentVolumeClaimSchema,
    listSchema: PersistentVolumeClaimListSchema,
  }),
  kind<ControllerRevision>({
    group: 'apps',
    version: 'v1',
    kind: 'ControllerRevision',
    plural: 'controllerrevisions',
    namespaced: true,
    shortNames: NONE,
    categories: NONE,
    subresources: NONE,
    schema: ControllerRevisionSchema,
    listSchema: ControllerRevisionListSchema,
  }),
  kind<DaemonSet>({
    group: 'apps',
    version: 'v1',
    kind: 'DaemonSet',
    plural: 'daemonsets',
    namespaced: true,
    shortNames: ['ds'],
    categories: ALL,
    subresources: ['status'],
    schema: DaemonSetSchema,
    listSchema: DaemonSetListSchema,
  }),
  kind<Deployment>({
    group: 'apps',
    version: 'v1',
    kind: 'Deployment',
    plural: 'deployments',
    namespaced: true,
    shortNames: ['deploy'],
    categories: ALL,
    subresources: ['scale', 'status'],
    schema: DeploymentSchema,
    listSchema: DeploymentListSchema,
  }),
  kind<ReplicaSet>({
    group: 'apps',
    version: 'v1',
    kind: 'ReplicaSet',
    plural: 'replicasets',
    namespaced: true,
    shortNames: ['rs'],
    categories: ALL,
    subresources: ['scale', 'status'],
    schema: ReplicaSetSchema,
    listSchema: ReplicaSetListSchema,
  }),
  kind<StatefulSet>({
    group: 'apps',
    version: 'v1',
    kind: 'StatefulSet',
    plural: 'statefulsets',
    namespaced: true,
    shortNames: ['sts'],
    categories: ALL,
    subresources: ['scale', 'status'],
    schema: StatefulSetSchema,
    listSchema: StatefulSetListSchema,
  }),
  kind<CronJob>({
    group: 'batch',
    version: 'v1',
    kind: 'CronJob',
    plural: 'cronjobs',
    namespaced: true,
    shortNames: ['cj'],
    categories: ALL,
    subresources: ['status'],
    schema: CronJobSchema,
    listSchema: CronJobListSchema,
  }),
  kind<Job>({
    group: 'batch',
    version: 'v1',
    kind: 'Job',
    plural: 'jobs',
    namespaced: true,
    shortNames: NONE,
    categories: ALL,
    subresources: ['status'],
    schema: JobSchema,
    listSchema: JobListSchema,
  }),
  kind<Lease>({
    group: 'coordination.k8s.io',
    version: 'v1',
    kind: 'Lease',
    plural: 'leases',
    namespaced: true,
    shortNames: NONE,
    categories: NONE,
    subresources: NONE,
    schema: LeaseSchema,
    listSchema: LeaseListSchema,
  }),
  kind<EndpointSlice>({
    group: 'discovery.k8s.io',
    version: 'v1',
    kind: 'EndpointSlice',
    plural: 'endpointslices',
    namespaced: true,
    shortNames: NONE,
    categories: NONE,
    subresources: NONE,
    schema: EndpointSliceSchema,
    listSchema: EndpointSliceListSchema,
  }),
  kind<EventsV1Event>({
    group: 'events.k8s.io',
    version: 'v1',
    kind: 'Event',
    plural: 'events',
    namespaced: true,
    shortNames: ['ev'],
    categories: NONE,
    subresources: NONE,
    schema: EventsV1EventSchema,
    listSchema: EventsV1EventListSchema,
  }),
]);

const byApiVersionKind = new Map<string, KindInfo>(kinds.map((k) => [`${k.apiVersion}/${k.kind}`, k]));

/** The kind of an object by its `apiVersion` and `kind` (exact, case-sensitive), or `undefined`. */
export function lookupKind(typeMeta: {
  readonly apiVersion?: unknown;
  readonly kind?: unknown;
}): KindInfo | undefined {
  const { apiVersion, kind } = typeMeta;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return undefined;
  return byApiVersionKind.get(`${apiVersion}/${kind}`);
}

function names(k: KindInfo): string[] {
  return [k.plural, k.singular, ...k.shortNames];
}

// name (lower case) → kinds answering to it, in registry order (core first).
const byName = new Map<string, KindInfo[]>();
for (const k of kinds) {
  for (const name of new Set(names(k))) {
    const list = byName.get(name) ?? [];
    list.push(k);
    byName.set(name, list);
  }
}

/**
 * Resolves a resource as kubectl does: plural (`pods`), singular (`pod`), short name (`po`) or kind
 * (`Deployment`), case-insensitively, optionally qualified by group (`deployments.apps`) or version
 * and group (`deployments.v1.apps`). `group` restricts the search (`''` is the core group). Names
 * found in several groups resolve to the core group's kind. Returns `undefined` when nothing matches.
 */
export function lookupResource(name: string, group?: string): KindInfo | undefined {
  const lower = name.toLowerCase();
  const direct = byName.get(lower)?.find((k) => group === undefined || k.group === group);
  if (direct || group !== undefined) return direct;
  const dot = lower.indexOf('.');
  if (dot <= 0) return undefined;
  const resource = lower.slice(0, dot);
  const qualifier = lower.slice(dot + 1);
  const candidates = byName.get(resource) ?? [];
  const inGroup = candidates.find((k) => k.group === qualifier);
  if (inGroup) return inGroup;
  const versionDot = qualifier.indexOf('.');
  if (versionDot <= 0) return undefined;
  const version = qualifier.slice(0, versionDot);
  const versionGroup = qualifier.slice(versionDot + 1);
  return candidates.find((k) => k.version === version && k.group === versionGroup);
}

/** The kinds in a category, e.g. `all` (what `kubectl get all` lists). */
export function kindsInCategory(category: string): readonly KindInfo[] {
  return kinds.filter((k) => k.categories.includes(category));
}
