/** Server-side apply and managedFields over HTTP, through createApiServer. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployment, startTestServer, type TestServer } from './test-support.js';

const DEPLOYS = '/apis/apps/v1/namespaces/default/deployments';
const APPLY = 'application/apply-patch+yaml';
const SSA = (name: string, extra = '') =>
  `${DEPLOYS}/${name}?fieldManager=kubectl&fieldValidation=Strict&force=false${extra}`;

// biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
const managers = (obj: any) =>
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
  (obj.metadata.managedFields ?? []).map((e: any) =>
    [e.manager, e.operation, e.subresource].filter(Boolean).join('/'),
  );

describe('server-side apply over HTTP', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t.close());

  it('creates a missing object (201), names it from the path, and records the Apply entry', async () => {
    const { metadata: _m, ...rest } = deployment('ssa1', 3);
    const body = { ...rest, metadata: { labels: { app: 'ssa1' } } };
    const r = await t.request('PATCH', SSA('ssa1'), { body, type: APPLY });
    expect(r.status).toBe(201);
    expect(r.body.metadata).toMatchObject({ name: 'ssa1', namespace: 'default', generation: 1 });
    expect(r.body.spec.strategy.type).toBe('RollingUpdate');
    expect(r.body.metadata.managedFields).toEqual([
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: '2026-01-01T00:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:template': {
              'f:metadata': { 'f:labels': { 'f:app': {} } },
              'f:spec': {
                'f:containers': {
                  'k:{"name":"web"}': {
                    '.': {},
                    'f:image': {},
                    'f:name': {},
                    'f:ports': {
                      'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} },
                    },
                  },
                },
              },
            },
          },
        },
      },
    ]);
  });

  it('re-applying the same config is a no-op (same resourceVersion); a change updates', async () => {
    const first = await t.request('PATCH', SSA('ssa1'), { body: deployment('ssa1', 3), type: APPLY });
    expect(first.status).toBe(200);
    const again = await t.request('PATCH', SSA('ssa1'), { body: deployment('ssa1', 3), type: APPLY });
    expect(again.body.metadata.resourceVersion).toBe(first.body.metadata.resourceVersion);
    const changed = await t.request('PATCH', SSA('ssa1'), { body: deployment('ssa1', 4), type: APPLY });
    expect(changed.status).toBe(200);
    expect(changed.body.spec.replicas).toBe(4);
    expect(changed.body.metadata.generation).toBe(2);
  });

  it('accepts a YAML body', async () => {
    const yaml = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ssa-yaml
spec:
  replicas: 2
  selector: {matchLabels: {app: yam}}
  template:
    metadata: {labels: {app: yam}}
    spec:
      containers:
      - name: web
        image: nginx
`;
    const r = await t.request('PATCH', SSA('ssa-yaml'), { body: yaml, type: APPLY });
    expect(r.status).toBe(201);
    expect(r.body.spec.replicas).toBe(2);
  });

  it('a scale (Update by the User-Agent manager on /scale) then a different apply conflicts; force wins', async () => {
    await t.request('PATCH', SSA('ssa2'), { body: deployment('ssa2', 2), type: APPLY });
    // kubectl scale sends no fieldManager: the manager is the User-Agent's first token.
    const scaled = await fetch(`${t.server.url}${DEPLOYS}/ssa2/scale`, {
      method: 'PATCH',
      headers: {
        'Content-Type': 'application/merge-patch+json',
        'User-Agent': 'kubectl/v1.32.4 (linux/amd64) kubernetes/4cb5f07',
      },
      body: JSON.stringify({ spec: { replicas: 4 } }),
    });
    expect(scaled.status).toBe(200);
    const live = (await t.request('GET', `${DEPLOYS}/ssa2`)).body;
    expect(managers(live)).toEqual(['kubectl/Apply', 'kubectl/Update/scale']);

    const conflict = await t.request('PATCH', SSA('ssa2'), { body: deployment('ssa2', 2), type: APPLY });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Conflict',
      code: 409,
      message:
        'Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas',
      details: {
        causes: [
          {
            reason: 'FieldManagerConflict',
            message: 'conflict with "kubectl" with subresource "scale" using apps/v1',
            field: '.spec.replicas',
          },
        ],
      },
    });
    // The same value as the scale: shared, no conflict.
    expect((await t.request('PATCH', SSA('ssa2'), { body: deployment('ssa2', 4), type: APPLY })).status).toBe(
      200,
    );
    const forced = await t.request('PATCH', SSA('ssa2', '&force=true').replace('&force=false', ''), {
      body: deployment('ssa2', 2),
      type: APPLY,
    });
    expect(forced.status).toBe(200);
    expect(forced.body.spec.replicas).toBe(2);
    // The scale manager lost .spec.replicas, its only field, and is gone.
    expect(managers(forced.body)).toEqual(['kubectl/Apply']);
  });

  it('conflicts with the manager of a create or a merge patch, and lists every conflict', async () => {
    const created = await t.request('POST', `${DEPLOYS}?fieldManager=kubectl-create`, {
      body: deployment('ssa3', 1),
    });
    expect(managers(created.body)).toEqual(['kubectl-create/Update']);
    const mf = created.body.metadata.managedFields[0].fieldsV1;
    // The create owns the defaults it brought in, as in Kubernetes.
    expect(mf['f:spec']['f:revisionHistoryLimit']).toEqual({});
    await t.request('PATCH', `${DEPLOYS}/ssa3?fieldManager=kubectl-label`, {
      body: { metadata: { labels: { env: 'dev' } } },
      type: 'application/merge-patch+json',
    });
    const config = deployment('ssa3', 5, { app: 'ssa3' });
    const body = { ...config, metadata: { ...config.metadata, labels: { app: 'ssa3', env: 'prod' } } };
    const r = await t.request('PATCH', SSA('ssa3'), { body, type: APPLY });
    expect(r.status).toBe(409);
    expect(r.body.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "kubectl-create" using apps/v1:\n- .spec.replicas\n' +
        'conflicts with "kubectl-label" using apps/v1:\n- .metadata.labels.env',
    );
    expect(r.body.details.causes.map((c: { field: string }) => c.field).sort()).toEqual([
      '.metadata.labels.env',
      '.spec.replicas',
    ]);
  });

  it('removes fields the applier drops; keeps those others own', async () => {
    const v1 = deployment('ssa4', 2);
    v1.spec.template.spec.containers.push({ name: 'side', image: 'busybox', ports: [] });
    await t.request('PATCH', SSA('ssa4'), {
      body: { ...v1, metadata: { ...v1.metadata, annotations: { a: '1', b: '2' } } },
      type: APPLY,
    });
    await t.request('PATCH', `${DEPLOYS}/ssa4?fieldManager=kubectl-annotate`, {
      body: { metadata: { annotations: { b: '3' } } },
      type: 'application/merge-patch+json',
    });
    const r = await t.request('PATCH', SSA('ssa4'), { body: deployment('ssa4', 2), type: APPLY });
    expect(r.status).toBe(200);
    expect(r.body.metadata.annotations).toEqual({ b: '3' });
    expect(r.body.spec.template.spec.containers.map((c: { name: string }) => c.name)).toEqual(['web']);
  });

  it('validates like create and rejects what Kubernetes rejects', async () => {
    const noImage = deployment('ssa5');
    noImage.spec.template.spec.containers[0] = { name: 'web' } as never;
    const invalid = await t.request('PATCH', SSA('ssa5'), { body: noImage, type: APPLY });
    expect(invalid.status).toBe(422);
    expect(invalid.body.reason).toBe('Invalid');
    expect(invalid.body.details.causes).toContainEqual(
      expect.objectContaining({ field: 'spec.template.spec.containers[0].image' }),
    );

    const unknown = await t.request('PATCH', SSA('ssa5'), {
      body: { ...deployment('ssa5'), spec: { ...deployment('ssa5').spec, replica: 3 } },
      type: APPLY,
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toContain('strict decoding error: unknown field "spec.replica"');

    const wrongKind = await t.request('PATCH', SSA('ssa5'), {
      body: { ...deployment('ssa5'), kind: 'ReplicaSet' },
      type: APPLY,
    });
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.body.message).toContain('do not match the request (apps/v1, Deployment)');

    const noManager = await t.request('PATCH', `${DEPLOYS}/ssa5`, { body: deployment('ssa5'), type: APPLY });
    expect(noManager.status).toBe(422);
    expect(noManager.body.message).toBe(
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
    );

    const otherName = await t.request('PATCH', SSA('ssa5'), { body: deployment('other'), type: APPLY });
    expect(otherName.status).toBe(400);

    const withManaged = deployment('ssa5');
    const withManagedBody = { ...withManaged, metadata: { ...withManaged.metadata, managedFields: [] } };
    expect((await t.request('PATCH', SSA('ssa5'), { body: withManagedBody, type: APPLY })).status).toBe(400);

    const noKey = deployment('ssa5');
    noKey.spec.template.spec.containers[0] = { image: 'x' } as never;
    const keyless = await t.request('PATCH', SSA('ssa5'), { body: noKey, type: APPLY });
    expect(keyless.status).toBe(400);
    expect(keyless.body.message).toContain('omits key field "name"');

    expect((await t.request('GET', `${DEPLOYS}/ssa5`)).status).toBe(404);

    // A resourceVersion in the configuration is a precondition.
    const live = (await t.request('PATCH', SSA('ssa5'), { body: deployment('ssa5'), type: APPLY })).body;
    const stale = deployment('ssa5', 7);
    const staleBody = { ...stale, metadata: { ...stale.metadata, resourceVersion: '1' } };
    expect((await t.request('PATCH', SSA('ssa5'), { body: staleBody, type: APPLY })).status).toBe(409);
    const fresh = {
      ...stale,
      metadata: { ...stale.metadata, resourceVersion: live.metadata.resourceVersion },
    };
    expect((await t.request('PATCH', SSA('ssa5'), { body: fresh, type: APPLY })).body.spec.replicas).toBe(7);
    expect(
      (
        await t.request('PATCH', SSA('ssa5').replace('force=false', 'force=maybe'), {
          body: deployment('ssa5'),
          type: APPLY,
        })
      ).status,
    ).toBe(400);
  });

  it('dryRun=All computes the result without writing it', async () => {
    const r = await t.request('PATCH', SSA('ssa6', '&dryRun=All'), { body: deployment('ssa6'), type: APPLY });
    expect(r.status).toBe(201);
    expect(managers(r.body)).toEqual(['kubectl/Apply']);
    expect((await t.request('GET', `${DEPLOYS}/ssa6`)).status).toBe(404);
  });

  it('PUT and strategic merge patches record Update entries and take fields from the applier', async () => {
    await t.request('PATCH', SSA('ssa7'), { body: deployment('ssa7', 2), type: APPLY });
    const live = (await t.request('GET', `${DEPLOYS}/ssa7`)).body;
    const put = await t.request('PUT', `${DEPLOYS}/ssa7?fieldManager=kubectl-replace`, {
      body: {
        ...live,
        metadata: { ...live.metadata, managedFields: undefined },
        spec: { ...live.spec, replicas: 6 },
      },
    });
    expect(put.status).toBe(200);
    expect(managers(put.body)).toEqual(['kubectl/Apply', 'kubectl-replace/Update']);
    const smp = await t.request('PATCH', `${DEPLOYS}/ssa7?fieldManager=kubectl-set`, {
      body: { spec: { template: { spec: { containers: [{ name: 'web', image: 'nginx:2' }] } } } },
      type: 'application/strategic-merge-patch+json',
    });
    expect(smp.status).toBe(200);
    const set = smp.body.metadata.managedFields.find((e: { manager: string }) => e.manager === 'kubectl-set');
    expect(set.fieldsV1).toEqual({
      'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { 'f:image': {} } } } } },
    });
    const apply = smp.body.metadata.managedFields.find((e: { manager: string }) => e.manager === 'kubectl');
    expect(apply.fieldsV1['f:spec']['f:replicas']).toBeUndefined();
    expect(
      apply.fieldsV1['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"web"}']['f:image'],
    ).toBeUndefined();
    // A stale resourceVersion on PUT is still a Conflict.
    const stale = await t.request('PUT', `${DEPLOYS}/ssa7`, { body: live });
    expect(stale.status).toBe(409);
  });
  it('moves a client-side-applied object to server-side apply without conflicts for kubectl', async () => {
    const obj = deployment('ssa8', 2);
    const annotated = {
      ...obj,
      metadata: {
        ...obj.metadata,
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': `${JSON.stringify(obj)}\n` },
      },
    };
    const created = await t.request('POST', `${DEPLOYS}?fieldManager=kubectl-client-side-apply`, {
      body: annotated,
    });
    expect(managers(created.body)).toEqual(['kubectl-client-side-apply/Update']);
    // Another applier conflicts on replicas, owned by the client-side apply...
    const other = await t.request('PATCH', `${DEPLOYS}/ssa8?fieldManager=team-b`, {
      body: deployment('ssa8', 5),
      type: APPLY,
    });
    expect(other.status).toBe(409);
    expect(other.body.message).toContain('conflict with "kubectl-client-side-apply" using apps/v1');
    // ... but kubectl takes the fields its last-applied annotation still matches, as Kubernetes allows.
    const upgraded = await t.request('PATCH', SSA('ssa8'), { body: deployment('ssa8', 5), type: APPLY });
    expect(upgraded.status).toBe(200);
    expect(upgraded.body.spec.replicas).toBe(5);
  });

  it('applies cluster-scoped objects, merges map keys of two managers, and re-applies Services as no-ops', async () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ssa-ns', labels: { team: 'a' } } };
    const created = await t.request('PATCH', '/api/v1/namespaces/ssa-ns?fieldManager=kubectl', {
      body: ns,
      type: APPLY,
    });
    expect(created.status).toBe(201);
    expect(created.body.status.phase).toBe('Active');

    const CMS = '/api/v1/namespaces/ssa-ns/configmaps';
    const cm = (data: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'cfg' },
      data,
    });
    await t.request('PATCH', `${CMS}/cfg?fieldManager=a`, { body: cm({ x: '1', y: '2' }), type: APPLY });
    await t.request('PATCH', `${CMS}/cfg?fieldManager=b`, { body: cm({ z: '3' }), type: APPLY });
    const dropped = await t.request('PATCH', `${CMS}/cfg?fieldManager=a`, {
      body: cm({ x: '1' }),
      type: APPLY,
    });
    expect(dropped.body.data).toEqual({ x: '1', z: '3' });

    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
    };
    const SVC = '/api/v1/namespaces/ssa-ns/services/web?fieldManager=kubectl';
    const first = await t.request('PATCH', SVC, { body: svc, type: APPLY });
    expect(first.status).toBe(201);
    expect(first.body.spec.ports[0].protocol).toBe('TCP'); // defaulted, and the key's default
    expect(first.body.metadata.managedFields[0].fieldsV1['f:spec']['f:ports']).toEqual({
      'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {}, 'f:targetPort': {} },
    });
    const again = await t.request('PATCH', SVC, { body: svc, type: APPLY });
    expect(again.status).toBe(200);
    expect(again.body.metadata.resourceVersion).toBe(first.body.metadata.resourceVersion);
  });
  it('field tracking never turns an invalid non-apply write into anything but its validation error', async () => {
    const noName = deployment('ssa9');
    noName.spec.template.spec.containers[0] = { image: 'nginx' } as never;
    const created = await t.request('POST', `${DEPLOYS}?fieldManager=x`, { body: noName });
    expect(created.status).toBe(422);
    expect(created.body.details.causes).toContainEqual(
      expect.objectContaining({ field: 'spec.template.spec.containers[0].name' }),
    );
    await t.request('POST', `${DEPLOYS}?fieldManager=x`, { body: deployment('ssa9') });
    const patched = await t.request('PATCH', `${DEPLOYS}/ssa9?fieldManager=y`, {
      body: [{ op: 'remove', path: '/spec/template/spec/containers/0/name' }],
      type: 'application/json-patch+json',
    });
    expect(patched.status).toBe(422);
  });
});
