import { isInvalid, type Service } from '@flotilla/api';
import { VirtualClock } from '@flotilla/clock';
import { afterEach, describe, expect, it } from 'vitest';
import { type Cluster, createCluster } from './cluster.js';

const deployment = (name: string, replicas = 2, namespace = 'default', probe = '') => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  replicas: ${replicas}
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        - name: web
          image: web:v1
          ports: [{ name: http, containerPort: 8080 }]
${probe}`;

let cluster: Cluster | undefined;
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

async function start() {
  const clock = new VirtualClock();
  const errors: unknown[] = [];
  cluster = createCluster({ clock, nodes: 2, onError: (e) => errors.push(e) });
  await cluster.start();
  const c = cluster;
  const until = async (what: string, check: () => Promise<boolean>, maxMs = 60_000) => {
    for (let t = 0; t < maxMs; t += 100) {
      if (await check()) return;
      await clock.advance(100);
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  const count = async (apiVersion: string, kind: string, namespace = 'default') =>
    (await c.client.resource(apiVersion, kind).namespace(namespace).list()).items.length;
  return { clock, c, until, count, errors };
}

describe('garbage collection on a cluster', () => {
  it('deleting a Deployment removes its ReplicaSets and Pods (background)', async () => {
    const { c, until, count } = await start();
    await c.apply(deployment('web', 3));
    await until('3 pods', async () => (await count('v1', 'Pod')) === 3);
    await c.client.resource('apps/v1', 'Deployment').namespace('default').delete('web');
    await until(
      'ReplicaSets and Pods gone',
      async () => (await count('apps/v1', 'ReplicaSet')) + (await count('v1', 'Pod')) === 0,
    );
  });

  it('foreground: the Deployment stays until its ReplicaSet and Pods are gone', async () => {
    const { c, until, count } = await start();
    const deployments = c.client.resource('apps/v1', 'Deployment').namespace('default');
    await c.apply(deployment('web', 2));
    await until('2 pods', async () => (await count('v1', 'Pod')) === 2);
    const seen: string[] = [];
    const watches = [
      ['apps/v1', 'Deployment'],
      ['apps/v1', 'ReplicaSet'],
      ['v1', 'Pod'],
    ].map(([apiVersion, kind]) =>
      c.client
        .resource(apiVersion ?? '', kind ?? '')
        .watch()
        .subscribe((e) => {
          const m = e.object.metadata;
          if (e.type === 'DELETED') seen.push(`deleted ${kind}`);
          else if (m?.deletionTimestamp && m.finalizers?.includes('foregroundDeletion'))
            seen.push(`foreground ${kind}`);
        }),
    );
    // What the API server does for propagationPolicy=Foreground.
    await deployments.patch('web', { metadata: { finalizers: ['foregroundDeletion'] } });
    const marked = await deployments.delete('web');
    expect(marked.metadata?.deletionTimestamp).toBeDefined();
    await until(
      'everything gone',
      async () =>
        (await count('apps/v1', 'Deployment')) +
          (await count('apps/v1', 'ReplicaSet')) +
          (await count('v1', 'Pod')) ===
        0,
    );
    for (const w of watches) w.unsubscribe();
    const order = [...new Set(seen)];
    // The ReplicaSet (which has pods) is deleted in the foreground too; each owner goes after its dependents.
    expect(order).toEqual([
      'foreground Deployment',
      'foreground ReplicaSet',
      'deleted Pod',
      'deleted ReplicaSet',
      'deleted Deployment',
    ]);
  });

  it('orphan: the ReplicaSet loses its owner reference and survives, with its pods', async () => {
    const { c, until, count, clock } = await start();
    const deployments = c.client.resource('apps/v1', 'Deployment').namespace('default');
    await c.apply(deployment('web', 2));
    await until('2 pods', async () => (await count('v1', 'Pod')) === 2);
    await deployments.patch('web', { metadata: { finalizers: ['orphan'] } });
    await deployments.delete('web');
    await until('Deployment gone', async () => (await count('apps/v1', 'Deployment')) === 0);
    await clock.advance(2000);
    const [rs] = (await c.client.resource('apps/v1', 'ReplicaSet').namespace('default').list()).items;
    expect(rs?.metadata?.ownerReferences).toBeUndefined();
    expect(rs?.metadata?.deletionTimestamp).toBeUndefined();
    expect(await count('v1', 'Pod')).toBe(2);
  });

  it('a dependent with a second, live owner only loses the dead reference; then goes with the last', async () => {
    const { c, until, count } = await start();
    const revisions = c.client.resource('apps/v1', 'ControllerRevision').namespace('default');
    const revision = (name: string) =>
      revisions.create({
        apiVersion: 'apps/v1',
        kind: 'ControllerRevision',
        metadata: { name },
        revision: 1,
      });
    const a = await revision('a');
    const b = await revision('b');
    const owner = (o: typeof a) => ({
      apiVersion: 'apps/v1',
      kind: 'ControllerRevision',
      name: o.metadata?.name ?? '',
      uid: o.metadata?.uid ?? '',
    });
    const services = c.client.resource('v1', 'Service').namespace('default');
    await services.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'dep', ownerReferences: [owner(a), owner(b)] },
      spec: { ports: [{ port: 80 }] },
    });
    await revisions.delete('a');
    await until(
      'dead reference dropped',
      async () => (await services.get('dep')).metadata?.ownerReferences?.length === 1,
    );
    expect((await services.get('dep')).metadata?.ownerReferences?.[0]?.name).toBe('b');
    await revisions.delete('b');
    await until('dependent deleted', async () => (await count('v1', 'Service')) === 0);
  });
});

describe('namespace lifecycle on a cluster', () => {
  it('deleting a namespace removes everything in it', async () => {
    const { c, until, count } = await start();
    await c.client
      .resource('v1', 'Namespace')
      .create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    await c.apply(deployment('api', 2, 'team'));
    await c.client
      .resource('v1', 'ConfigMap')
      .namespace('team')
      .create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' }, data: { a: '1' } });
    await until('2 pods', async () => (await count('v1', 'Pod', 'team')) === 2);
    await c.client.resource('v1', 'Namespace').delete('team');
    await until('contents gone', async () => {
      const kinds = [
        ['apps/v1', 'Deployment'],
        ['apps/v1', 'ReplicaSet'],
        ['v1', 'Pod'],
        ['v1', 'ConfigMap'],
      ] as const;
      const counts = await Promise.all(kinds.map(([v, k]) => count(v, k, 'team')));
      return counts.every((n) => n === 0);
    });
    await until('namespace gone', async () => {
      const names = (await c.client.resource('v1', 'Namespace').list()).items.map((n) => n.metadata?.name);
      return !names.includes('team') && names.includes('default');
    });
  });

  it('a namespace held by deletionTimestamp turns Terminating, empties, then drops its kubernetes finalizer', async () => {
    const { c, until, count } = await start();
    const namespaces = c.client.resource('v1', 'Namespace');
    // A metadata finalizer makes this store keep the namespace with a deletionTimestamp, as
    // Kubernetes does for every namespace (its `spec.finalizers`).
    await namespaces.create({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'held', finalizers: ['example.com/hold'] },
    });
    await c.client
      .resource('v1', 'ConfigMap')
      .namespace('held')
      .create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } });
    await namespaces.delete('held');
    await until('finalized', async () => (await namespaces.get('held')).spec?.finalizers?.length === 0);
    const ns = await namespaces.get('held');
    expect(ns.status?.phase).toBe('Terminating');
    expect(await count('v1', 'ConfigMap', 'held')).toBe(0);
    await namespaces.patch('held', { metadata: { finalizers: null } });
    expect((await namespaces.list()).items.map((n) => n.metadata?.name)).not.toContain('held');
  });
});

describe('service IPs on a cluster', () => {
  const service = (name: string, spec: Service['spec'] = {}): Service => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { selector: { app: name }, ports: [{ port: 80 }], ...spec },
  });

  it('gives Services unique cluster IPs and node ports, honours requests, and releases on delete', async () => {
    const { c, until } = await start();
    const services = c.client.resource('v1', 'Service').namespace('default');
    const created: Service[] = [];
    for (const name of ['a', 'b', 'c'])
      created.push(await services.create(service(name, { type: 'NodePort' })));
    created.push(await services.create(service('headless', { clusterIP: 'None' })));
    const ips = created.map((s) => s.spec?.clusterIP);
    expect(ips).toEqual(['10.96.0.2', '10.96.0.3', '10.96.0.4', 'None']);
    const ports = created.slice(0, 3).map((s) => s.spec?.ports?.[0]?.nodePort);
    expect(new Set(ports).size).toBe(3);
    expect(ports.every((p) => p !== undefined && p >= 30000 && p <= 32767)).toBe(true);

    const taken = await services
      .create(service('d', { type: 'NodePort', ports: [{ port: 80, nodePort: ports[0] }] }))
      .catch((e) => e);
    expect(isInvalid(taken)).toBe(true);
    expect(String(taken.message)).toContain(
      `spec.ports[0].nodePort: Invalid value: ${ports[0]}: provided port is already allocated`,
    );
    const ipTaken = await services.create(service('e', { clusterIP: '10.96.0.3' })).catch((e) => e);
    expect(String(ipTaken.message)).toContain(
      'spec.clusterIPs: Invalid value: ["10.96.0.3"]: failed to allocate IP 10.96.0.3: provided IP is already allocated',
    );

    // An update that does not mention them keeps them.
    const updated = await services.update({ ...service('a', { type: 'NodePort' }), metadata: { name: 'a' } });
    expect(updated.spec?.clusterIP).toBe('10.96.0.2');
    expect(updated.spec?.ports?.[0]?.nodePort).toBe(ports[0]);

    await services.delete('b');
    await until('10.96.0.3 free again', async () => {
      try {
        await services.create(
          service('e', {
            clusterIP: '10.96.0.3',
            type: 'NodePort',
            ports: [{ port: 80, nodePort: ports[1] }],
          }),
        );
        return true;
      } catch {
        return false;
      }
    });
  });

  it('a restarted cluster on the same backend never hands out an IP or port twice', async () => {
    const { MemoryBackend } = await import('@flotilla/store');
    const backend = new MemoryBackend();
    const clock = new VirtualClock();
    const first = createCluster({ clock, nodes: 1, backend, controllers: false, scheduler: false });
    await first.start();
    const before = await first.client
      .resource('v1', 'Service')
      .namespace('default')
      .create(service('old', { type: 'NodePort' }));
    await first.stop();
    cluster = createCluster({ clock, nodes: 1, backend, controllers: false, scheduler: false });
    await cluster.start();
    const after = await cluster.client
      .resource('v1', 'Service')
      .namespace('default')
      .create(service('new', { type: 'NodePort' }));
    expect(after.spec?.clusterIP).not.toBe(before.spec?.clusterIP);
    expect(after.spec?.ports?.[0]?.nodePort).not.toBe(before.spec?.ports?.[0]?.nodePort);
    await cluster.stop();
    await backend.close();
  });
});

describe('endpoints on a cluster', () => {
  it('Endpoints and the EndpointSlice follow the pods and their readiness, and go with the Service', async () => {
    const { c, until, clock } = await start();
    const probe =
      '          readinessProbe: { httpGet: { path: /, port: 8080 }, initialDelaySeconds: 5, periodSeconds: 1 }\n';
    await c.apply(deployment('web', 2, 'default', probe));
    await c.client
      .resource('v1', 'Service')
      .namespace('default')
      .create({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web' },
        spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
      });
    const endpoints = c.client.resource('v1', 'Endpoints').namespace('default');
    const slices = c.client.resource('discovery.k8s.io/v1', 'EndpointSlice').namespace('default');
    const subset = async () => (await endpoints.get('web').catch(() => undefined))?.subsets?.[0];
    // Running but not ready yet (the readiness probe starts after 5 s).
    await until('2 not-ready addresses', async () => (await subset())?.notReadyAddresses?.length === 2);
    expect((await subset())?.addresses).toBeUndefined();
    const [early] = (await slices.list()).items;
    expect(early?.endpoints?.map((e) => e.conditions)).toEqual([
      { ready: false, serving: false, terminating: false },
      { ready: false, serving: false, terminating: false },
    ]);

    await until('2 ready addresses', async () => (await subset())?.addresses?.length === 2);
    const ep = await endpoints.get('web');
    expect(ep.subsets?.[0]?.notReadyAddresses).toBeUndefined();
    expect(ep.subsets?.[0]?.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(ep.subsets?.[0]?.addresses?.every((a) => a.targetRef?.kind === 'Pod' && a.nodeName)).toBe(true);
    const [slice, ...more] = (await slices.list({ labelSelector: 'kubernetes.io/service-name=web' })).items;
    expect(more).toEqual([]);
    expect(slice?.metadata?.labels?.['endpointslice.kubernetes.io/managed-by']).toBe(
      'endpointslice-controller.k8s.io',
    );
    expect(slice?.metadata?.ownerReferences?.[0]?.kind).toBe('Service');
    expect(slice?.endpoints?.map((e) => e.conditions)).toEqual([
      { ready: true, serving: true, terminating: false },
      { ready: true, serving: true, terminating: false },
    ]);

    // Scaled to 3: three addresses.
    await c.client
      .resource('apps/v1', 'Deployment')
      .namespace('default')
      .patch('web', { spec: { replicas: 3 } });
    await until('3 ready', async () => (await subset())?.addresses?.length === 3);
    expect((await slices.list()).items[0]?.endpoints?.length).toBe(3);
    // Nothing changes, nothing is written.
    const versions = async () => [
      (await endpoints.get('web')).metadata?.resourceVersion,
      (await slices.list()).items[0]?.metadata?.resourceVersion,
    ];
    const steady = await versions();
    await clock.advance(3000);
    expect(await versions()).toEqual(steady);

    await c.client.resource('v1', 'Service').namespace('default').delete('web');
    await until(
      'endpoints gone',
      async () => (await endpoints.list()).items.length + (await slices.list()).items.length === 0,
    );
  });
});
