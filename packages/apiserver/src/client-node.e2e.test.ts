/**
 * End to end: the official JavaScript client, `@kubernetes/client-node` 2.0.1, unchanged, against the
 * server over https with the kubeconfig the server writes (its CA and bearer token): typed CoreV1 and
 * AppsV1 calls, paging, patches of each kind, `Watch` and an informer (`makeInformer`). Loopback only.
 */
import {
  AppsV1Api,
  CoreV1Api,
  Health,
  KubeConfig,
  KubernetesObjectApi,
  makeInformer,
  PatchStrategy,
  setHeaderOptions,
  type V1ConfigMap,
  type V1Deployment,
  type V1Pod,
  VersionApi,
  Watch,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployment, startTestServer, type TestServer } from './test-support.js';

const NS = 'default';

function pod(name: string, labels: Record<string, string>): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels },
    spec: { containers: [{ name: 'web', image: 'nginx:1.7.9' }] },
  };
}

/** Resolves when `check` holds (checked on every call of the returned `poke`), fails after `ms`. */
function waitFor(check: () => boolean, what: string, ms = 10_000) {
  let poke = () => {};
  const done = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
    poke = () => {
      if (check()) {
        clearTimeout(timer);
        resolve();
      }
    };
  });
  return { done, poke: () => poke() };
}

describe('@kubernetes/client-node against the API server', () => {
  let t: TestServer;
  let kc: KubeConfig;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  const cleanups: (() => unknown)[] = [];

  beforeAll(async () => {
    t = await startTestServer({ tls: true });
    expect(t.server.url.startsWith('https://')).toBe(true);
    kc = new KubeConfig();
    kc.loadFromString(t.server.kubeconfig());
    core = kc.makeApiClient(CoreV1Api);
    apps = kc.makeApiClient(AppsV1Api);
  });

  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
    await t?.close();
  });

  it('reads the kubeconfig: https server, CA, token and namespace', () => {
    expect(kc.getCurrentCluster()?.server).toBe(t.server.url);
    expect(kc.getCurrentCluster()?.caData).toBe(t.server.caData);
    expect(kc.getCurrentUser()?.token).toBe(t.server.token);
    expect(kc.getContextObject(kc.getCurrentContext())?.namespace).toBe(NS);
  });

  it('CoreV1Api: creates pods and lists them by label selector', async () => {
    for (const [name, app] of [
      ['web-1', 'web'],
      ['web-2', 'web'],
      ['db-1', 'db'],
    ] as const) {
      const created = await core.createNamespacedPod({ namespace: NS, body: pod(name, { app }) });
      expect(created.metadata?.uid).toEqual(expect.any(String));
      expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
      expect(created.spec?.restartPolicy).toBe('Always');
    }
    const web = await core.listNamespacedPod({ namespace: NS, labelSelector: 'app=web' });
    expect(web.kind).toBe('PodList');
    expect(web.items.map((p) => p.metadata?.name)).toEqual(['web-1', 'web-2']);
    expect(web.metadata?.resourceVersion).toMatch(/^\d+$/);
    const notWeb = await core.listNamespacedPod({ namespace: NS, labelSelector: 'app in (db,cache)' });
    expect(notWeb.items.map((p) => p.metadata?.name)).toEqual(['db-1']);
    const byField = await core.listPodForAllNamespaces({ fieldSelector: 'metadata.name=web-2' });
    expect(byField.items.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`)).toEqual([
      'default/web-2',
    ]);
    const namespaces = await core.listNamespace();
    expect(namespaces.items.map((n) => n.metadata?.name)).toEqual(
      expect.arrayContaining([NS, 'kube-system']),
    );
  });

  it('errors are ApiExceptions carrying the Status', async () => {
    const e = (await core.readNamespacedPod({ namespace: NS, name: 'nope' }).catch((x: unknown) => x)) as {
      code?: number;
      body?: string;
    };
    expect(e.code).toBe(404);
    expect(JSON.parse(e.body as string)).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      message: 'pods "nope" not found',
    });
  });

  it('AppsV1Api: creates, reads, patches (JSON, merge, strategic) and deletes a Deployment', async () => {
    const body = deployment('web', 2) as V1Deployment;
    const created = await apps.createNamespacedDeployment({ namespace: NS, body });
    expect(created.metadata?.name).toBe('web');
    expect(created.metadata?.generation).toBe(1);
    expect(created.spec?.strategy?.type).toBe('RollingUpdate');

    const read = await apps.readNamespacedDeployment({ namespace: NS, name: 'web' });
    expect(read.spec?.replicas).toBe(2);
    expect(read.spec?.template.spec?.containers[0]?.image).toBe('nginx:1.7.9');
    expect(read.metadata?.uid).toBe(created.metadata?.uid);

    // The generated client's default patch type is JSON Patch.
    const jsonPatched = await apps.patchNamespacedDeployment({
      namespace: NS,
      name: 'web',
      body: [{ op: 'replace', path: '/spec/replicas', value: 3 }],
    });
    expect(jsonPatched.spec?.replicas).toBe(3);
    const merged = await apps.patchNamespacedDeployment(
      { namespace: NS, name: 'web', body: { metadata: { labels: { app: 'web', env: 'dev' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    expect(merged.metadata?.labels).toEqual({ app: 'web', env: 'dev' });
    const strategic = await apps.patchNamespacedDeployment(
      {
        namespace: NS,
        name: 'web',
        body: { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:1.9.1' }] } } } },
      },
      setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch),
    );
    expect(strategic.spec?.template.spec?.containers).toHaveLength(1);
    expect(strategic.spec?.template.spec?.containers[0]).toMatchObject({
      name: 'web',
      image: 'nginx:1.9.1',
      ports: [{ containerPort: 80, protocol: 'TCP' }],
    });
    expect(strategic.metadata?.generation).toBe(3);

    const scale = await apps.readNamespacedDeploymentScale({ namespace: NS, name: 'web' });
    expect(scale.spec?.replicas).toBe(3);
    expect(scale.status?.selector).toBe('app=web');

    await apps.deleteNamespacedDeployment({ namespace: NS, name: 'web' });
    const gone = (await apps
      .readNamespacedDeployment({ namespace: NS, name: 'web' })
      .catch((x: unknown) => x)) as {
      code?: number;
    };
    expect(gone.code).toBe(404);
  });

  it('lists in pages with limit and continue', async () => {
    const names = ['p-a', 'p-b', 'p-c', 'p-d', 'p-e'];
    for (const name of names) {
      await apps.createNamespacedDeployment({
        namespace: NS,
        body: deployment(name, 1, { app: 'paged', name }) as V1Deployment,
      });
    }
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await apps.listNamespacedDeployment({
        namespace: NS,
        labelSelector: 'app=paged',
        limit: 2,
        ...(token === undefined ? {} : { _continue: token }),
      });
      pages++;
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((d) => d.metadata?.name as string));
      token = page.metadata?._continue || undefined;
    } while (token !== undefined && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(names);
    const all = await apps.listDeploymentForAllNamespaces({ labelSelector: 'app=paged' });
    expect(all.items).toHaveLength(5);
    expect(all.metadata?._continue).toBeUndefined();
  });

  it('Watch sees ADDED, MODIFIED and DELETED for pods; aborting ends it', async () => {
    const list = await core.listNamespacedPod({ namespace: NS });
    const events: string[] = [];
    let ended: unknown = 'open';
    const want = waitFor(() => events.includes('DELETED watched'), 'the DELETED event');
    const controller = await new Watch(kc).watch(
      `/api/v1/namespaces/${NS}/pods`,
      {
        resourceVersion: list.metadata?.resourceVersion,
        labelSelector: 'watch=me',
        allowWatchBookmarks: true,
      },
      (phase, obj: V1Pod) => {
        events.push(`${phase} ${obj.metadata?.name}`);
        want.poke();
      },
      (err) => {
        ended = err;
      },
    );
    cleanups.push(() => controller.abort());
    await core.createNamespacedPod({ namespace: NS, body: pod('watched', { watch: 'me' }) });
    await core.createNamespacedPod({ namespace: NS, body: pod('ignored', { watch: 'not-me' }) });
    await core.patchNamespacedPod(
      { namespace: NS, name: 'watched', body: { metadata: { annotations: { touched: 'yes' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await core.deleteNamespacedPod({ namespace: NS, name: 'watched', gracePeriodSeconds: 0 });
    await want.done;
    expect(events).toEqual(['ADDED watched', 'MODIFIED watched', 'DELETED watched']);
    expect(ended).toBe('open');
    controller.abort();
  });

  it('Watch without a resourceVersion starts with the existing objects', async () => {
    const events: string[] = [];
    const want = waitFor(() => events.length >= 2, 'two ADDED events');
    const controller = await new Watch(kc).watch(
      `/api/v1/namespaces/${NS}/pods`,
      { labelSelector: 'app=web' },
      (phase, obj: V1Pod) => {
        events.push(`${phase} ${obj.metadata?.name}`);
        want.poke();
      },
      () => {},
    );
    cleanups.push(() => controller.abort());
    await want.done;
    expect(events.sort()).toEqual(['ADDED web-1', 'ADDED web-2']);
    controller.abort();
  });

  it('an informer (makeInformer) syncs the list, then receives adds, updates and deletes', async () => {
    const path = `/api/v1/namespaces/${NS}/pods`;
    const informer = makeInformer<V1Pod>(
      kc,
      path,
      () => core.listNamespacedPod({ namespace: NS, labelSelector: 'app=web' }),
      'app=web',
    );
    const adds: string[] = [];
    const updates: string[] = [];
    const deletes: string[] = [];
    const errors: unknown[] = [];
    const want = waitFor(
      () => deletes.includes('web-1') && updates.includes('web-2') && adds.includes('web-3'),
      'the informer events',
    );
    informer.on('add', (p) => {
      adds.push(p.metadata?.name as string);
      want.poke();
    });
    informer.on('update', (p) => {
      updates.push(p.metadata?.name as string);
      want.poke();
    });
    informer.on('delete', (p) => {
      deletes.push(p.metadata?.name as string);
      want.poke();
    });
    informer.on('error', (e) => errors.push(e));
    await informer.start();
    cleanups.push(() => informer.stop());
    // Synced: the cache holds the listed pods.
    expect(
      informer
        .list(NS)
        .map((p) => p.metadata?.name)
        .sort(),
    ).toEqual(['web-1', 'web-2']);
    expect(adds.sort()).toEqual(['web-1', 'web-2']);

    await core.createNamespacedPod({ namespace: NS, body: pod('web-3', { app: 'web' }) });
    await core.createNamespacedPod({ namespace: NS, body: pod('db-2', { app: 'db' }) });
    await core.patchNamespacedPod(
      { namespace: NS, name: 'web-2', body: { metadata: { labels: { app: 'web', v: '2' } } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );
    await core.deleteNamespacedPod({ namespace: NS, name: 'web-1', gracePeriodSeconds: 0 });
    await want.done;
    expect(adds.sort()).toEqual(['web-1', 'web-2', 'web-3']);
    expect(informer.get('web-2', NS)?.metadata?.labels).toEqual({ app: 'web', v: '2' });
    expect(
      informer
        .list(NS)
        .map((p) => p.metadata?.name)
        .sort(),
    ).toEqual(['web-2', 'web-3']);
    expect(errors).toEqual([]);
    await informer.stop();
  });

  it('VersionApi, Health and the generic KubernetesObjectApi (discovery-driven) work', async () => {
    const version = await kc.makeApiClient(VersionApi).getCode();
    expect(version).toMatchObject({ major: '1', minor: '32' });
    const health = new Health(kc);
    expect(await health.livez({})).toBe(true);
    expect(await health.readyz({})).toBe(true);

    const objects = KubernetesObjectApi.makeApiClient(kc);
    const spec: V1ConfigMap = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'generic', namespace: NS, labels: { via: 'object-api' } },
      data: { a: '1' },
    };
    const created = await objects.create(spec);
    expect(created.metadata?.uid).toEqual(expect.any(String));
    const read = await objects.read<V1ConfigMap>({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'generic', namespace: NS },
    });
    expect(read.data).toEqual({ a: '1' });
    const patched = await objects.patch<V1ConfigMap>(
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'generic', namespace: NS }, data: { b: '2' } },
      undefined,
      undefined,
      undefined,
      undefined,
      PatchStrategy.MergePatch,
    );
    expect(patched.data).toEqual({ a: '1', b: '2' });
    const replaced = await objects.replace<V1ConfigMap>({ ...patched, data: { c: '3' } });
    expect(replaced.data).toEqual({ c: '3' });
    const listed = await objects.list(
      'v1',
      'ConfigMap',
      NS,
      undefined,
      undefined,
      undefined,
      undefined,
      'via=object-api',
    );
    expect(listed.items.map((i) => i.metadata?.name)).toEqual(['generic']);
    // A cluster-scoped kind and a group kind: the client finds plural and scope through discovery.
    const ns = await objects.read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-system' } });
    expect(ns.metadata?.name).toBe('kube-system');
    const deployments = await objects.list(
      'apps/v1',
      'Deployment',
      NS,
      undefined,
      undefined,
      undefined,
      undefined,
      'app=paged',
    );
    expect(deployments.items).toHaveLength(5);
    await objects.delete({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'generic', namespace: NS },
    });
    const gone = (await objects
      .read({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'generic', namespace: NS } })
      .catch((x: unknown) => x)) as { code?: number };
    expect(gone.code).toBe(404);
  });
});
