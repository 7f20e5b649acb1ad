import { describe, expect, it } from 'vitest';
import { kinds, kindsInCategory, lookupKind, lookupResource } from './kinds.js';

describe('lookupResource', () => {
  it.each<{ name: string; group?: string; want: string | undefined }>([
    { name: 'pods', want: 'v1/Pod' },
    { name: 'pod', want: 'v1/Pod' },
    { name: 'po', want: 'v1/Pod' },
    { name: 'Pod', want: 'v1/Pod' },
    { name: 'PODS', want: 'v1/Pod' },
    { name: 'pods', group: '', want: 'v1/Pod' },
    { name: 'deployments.apps', want: 'apps/v1/Deployment' },
    { name: 'deployment.apps', want: 'apps/v1/Deployment' },
    { name: 'deploy.apps', want: 'apps/v1/Deployment' },
    { name: 'deployments.v1.apps', want: 'apps/v1/Deployment' },
    { name: 'Deployment', want: 'apps/v1/Deployment' },
    { name: 'deploy', want: 'apps/v1/Deployment' },
    { name: 'deployments', group: 'apps', want: 'apps/v1/Deployment' },
    { name: 'rs', want: 'apps/v1/ReplicaSet' },
    { name: 'ds', want: 'apps/v1/DaemonSet' },
    { name: 'sts', want: 'apps/v1/StatefulSet' },
    { name: 'controllerrevisions', want: 'apps/v1/ControllerRevision' },
    { name: 'svc', want: 'v1/Service' },
    { name: 'services', want: 'v1/Service' },
    { name: 'ns', want: 'v1/Namespace' },
    { name: 'no', want: 'v1/Node' },
    { name: 'nodes', want: 'v1/Node' },
    { name: 'ep', want: 'v1/Endpoints' },
    { name: 'endpoints', want: 'v1/Endpoints' },
    { name: 'cm', want: 'v1/ConfigMap' },
    { name: 'secrets', want: 'v1/Secret' },
    { name: 'sa', want: 'v1/ServiceAccount' },
    { name: 'pv', want: 'v1/PersistentVolume' },
    { name: 'pvc', want: 'v1/PersistentVolumeClaim' },
    { name: 'persistentvolumeclaims', want: 'v1/PersistentVolumeClaim' },
    { name: 'jobs', want: 'batch/v1/Job' },
    { name: 'job.batch', want: 'batch/v1/Job' },
    { name: 'cj', want: 'batch/v1/CronJob' },
    { name: 'cronjobs.batch', want: 'batch/v1/CronJob' },
    { name: 'leases', want: 'coordination.k8s.io/v1/Lease' },
    { name: 'leases.coordination.k8s.io', want: 'coordination.k8s.io/v1/Lease' },
    { name: 'endpointslices', want: 'discovery.k8s.io/v1/EndpointSlice' },
    { name: 'endpointslices.discovery.k8s.io', want: 'discovery.k8s.io/v1/EndpointSlice' },
    { name: 'events', want: 'v1/Event' },
    { name: 'ev', want: 'v1/Event' },
    { name: 'events.events.k8s.io', want: 'events.k8s.io/v1/Event' },
    { name: 'events.v1.events.k8s.io', want: 'events.k8s.io/v1/Event' },
    { name: 'ev', group: 'events.k8s.io', want: 'events.k8s.io/v1/Event' },
    { name: 'widgets', want: undefined },
    { name: 'pods.apps', want: undefined },
    { name: 'deployments.batch', want: undefined },
    { name: 'deployments.v2.apps', want: undefined },
    { name: 'pods', group: 'apps', want: undefined },
    { name: '', want: undefined },
    { name: '.apps', want: undefined },
    { name: 'lease', group: '', want: undefined },
  ])('$name (group $group) → $want', ({ name, group, want }) => {
    const found = lookupResource(name, group);
    expect(found && `${found.apiVersion}/${found.kind}`).toBe(want);
  });
});

describe('lookupKind', () => {
  it.each<{ apiVersion: unknown; kind: unknown; want: string | undefined }>([
    { apiVersion: 'v1', kind: 'Pod', want: 'pods' },
    { apiVersion: 'apps/v1', kind: 'Deployment', want: 'deployments' },
    { apiVersion: 'v1', kind: 'Event', want: 'events' },
    { apiVersion: 'events.k8s.io/v1', kind: 'Event', want: 'events' },
    { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', want: 'leases' },
    { apiVersion: 'apps/v1beta1', kind: 'Deployment', want: undefined },
    { apiVersion: 'v1', kind: 'pod', want: undefined },
    { apiVersion: 'v1', kind: 'PodList', want: undefined },
    { apiVersion: undefined, kind: 'Pod', want: undefined },
    { apiVersion: 'v1', kind: 7, want: undefined },
  ])('$apiVersion $kind → $want', ({ apiVersion, kind, want }) => {
    expect(lookupKind({ apiVersion, kind })?.plural).toBe(want);
  });

  it('tells the two Event kinds apart by group', () => {
    expect(lookupKind({ apiVersion: 'v1', kind: 'Event' })?.group).toBe('');
    expect(lookupKind({ apiVersion: 'events.k8s.io/v1', kind: 'Event' })?.group).toBe('events.k8s.io');
  });
});

describe('the registry matches Kubernetes discovery', () => {
  it.each([
    ['namespaces', '', false, ['ns'], [], ['finalize', 'status']],
    ['nodes', '', false, ['no'], [], ['proxy', 'status']],
    [
      'pods',
      '',
      true,
      ['po'],
      ['all'],
      [
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
    ],
    ['services', '', true, ['svc'], ['all'], ['proxy', 'status']],
    ['endpoints', '', true, ['ep'], [], []],
    ['events', '', true, ['ev'], [], []],
    ['configmaps', '', true, ['cm'], [], []],
    ['secrets', '', true, [], [], []],
    ['serviceaccounts', '', true, ['sa'], [], ['token']],
    ['persistentvolumes', '', false, ['pv'], [], ['status']],
    ['persistentvolumeclaims', '', true, ['pvc'], [], ['status']],
    ['controllerrevisions', 'apps', true, [], [], []],
    ['daemonsets', 'apps', true, ['ds'], ['all'], ['status']],
    ['deployments', 'apps', true, ['deploy'], ['all'], ['scale', 'status']],
    ['replicasets', 'apps', true, ['rs'], ['all'], ['scale', 'status']],
    ['statefulsets', 'apps', true, ['sts'], ['all'], ['scale', 'status']],
    ['cronjobs', 'batch', true, ['cj'], ['all'], ['status']],
    ['jobs', 'batch', true, [], ['all'], ['status']],
    ['leases', 'coordination.k8s.io', true, [], [], []],
    ['endpointslices', 'discovery.k8s.io', true, [], [], []],
    ['events', 'events.k8s.io', true, ['ev'], [], []],
  ] as const)('%s.%s', (plural, group, namespaced, shortNames, categories, subresources) => {
    const k = lookupResource(plural, group);
    expect(k).toBeDefined();
    expect(k?.namespaced).toBe(namespaced);
    expect(k?.shortNames).toEqual(shortNames);
    expect(k?.categories).toEqual(categories);
    expect(k?.subresources).toEqual(subresources);
    expect(k?.listKind).toBe(`${k?.kind}List`);
    expect(k?.singular).toBe(k?.kind.toLowerCase());
    expect(k?.apiVersion).toBe(group ? `${group}/v1` : 'v1');
  });

  it('lists 21 kinds, each (group, plural) and apiVersion/kind once', () => {
    expect(kinds.length).toBe(21);
    expect(new Set(kinds.map((k) => `${k.group}/${k.plural}`)).size).toBe(kinds.length);
    expect(new Set(kinds.map((k) => `${k.apiVersion}/${k.kind}`)).size).toBe(kinds.length);
  });

  it('gives every kind the full verb set but namespaces (no deletecollection)', () => {
    for (const k of kinds) {
      const want = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'].filter(
        (v) => k.plural !== 'namespaces' || v !== 'deletecollection',
      );
      expect(k.verbs, k.plural).toEqual(want);
    }
  });

  it('puts what kubectl get all shows in the all category', () => {
    expect(kindsInCategory('all').map((k) => k.plural)).toEqual([
      'pods',
      'services',
      'daemonsets',
      'deployments',
      'replicasets',
      'statefulsets',
      'cronjobs',
      'jobs',
    ]);
    expect(kindsInCategory('nope')).toEqual([]);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(kinds)).toBe(true);
    expect(kinds.every((k) => Object.isFrozen(k))).toBe(true);
  });
});

describe('each kind carries its schemas', () => {
  // The smallest object of each kind Kubernetes' schema accepts.
  const minimal: Record<string, Record<string, unknown>> = {
    ControllerRevision: { revision: 1 },
    CronJob: { spec: { schedule: '* * * * *', jobTemplate: {} } },
    EndpointSlice: { addressType: 'IPv4', endpoints: [] },
    Event: { involvedObject: {} },
    'events.k8s.io/Event': { eventTime: '2024-05-01T10:00:00.000000Z' },
  };

  it.each(kinds.map((k) => [`${k.apiVersion}/${k.kind}`, k] as const))('%s', (_name, k) => {
    const extra = minimal[k.group === 'events.k8s.io' ? 'events.k8s.io/Event' : k.kind] ?? {};
    const object = { apiVersion: k.apiVersion, kind: k.kind, metadata: { name: 'x' }, ...extra };
    expect(k.schema.parse(object)).toEqual(object);
    // apiVersion and kind are required literals at the top level.
    expect(k.schema.safeParse({ ...object, apiVersion: 'v0' }).success).toBe(false);
    const { kind: _kind, ...withoutKind } = object;
    expect(k.schema.safeParse(withoutKind).success).toBe(false);
    expect(k.schema.safeParse({ ...object, unknownField: 1 }).success).toBe(false);
    // List items come without TypeMeta from the API server; the list schema fills it in.
    const { apiVersion: _a, kind: _k, ...item } = object;
    const list = {
      apiVersion: k.apiVersion,
      kind: k.listKind,
      metadata: { resourceVersion: '5' },
      items: [item],
    };
    expect(k.listSchema.parse(list)).toEqual({ ...list, items: [object] });
  });
});
