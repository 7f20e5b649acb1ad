import { isApiError } from '@flotilla/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test-support.js';
import {
  decodeKubernetesProtobuf,
  encodeKubernetesProtobuf,
  k8sRoot,
  PROTOBUF_MEDIA_TYPE,
} from './decode.js';

/** Encodes a sample as client-go would (zero values of non-pointer fields included) and decodes it. */
function roundTrip(apiVersion: string, kind: string, object: Record<string, unknown>) {
  return decodeKubernetesProtobuf(encodeKubernetesProtobuf(apiVersion, kind, object));
}

function reasonOf(fn: () => unknown): { reason: string; code: number } {
  try {
    fn();
  } catch (error) {
    if (isApiError(error)) {
      const status = (error as unknown as { toStatus(): { reason: string; code: number } }).toStatus();
      return { reason: status.reason, code: status.code };
    }
    throw error;
  }
  throw new Error('expected an ApiError');
}

const emptyMeta = { name: '', generateName: '', namespace: '', uid: '', resourceVersion: '', generation: 0 };

describe('decodeKubernetesProtobuf', () => {
  it('decodes a Deployment as kubectl create deployment sends it (zero values dropped)', () => {
    const decoded = roundTrip('apps/v1', 'Deployment', {
      metadata: { ...emptyMeta, name: 'web', labels: { app: 'web' }, creationTimestamp: {} },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { ...emptyMeta, labels: { app: 'web' }, creationTimestamp: {} },
          spec: {
            containers: [
              {
                name: 'nginx',
                image: 'nginx:1.7.9',
                workingDir: '',
                resources: {},
                terminationMessagePath: '',
                imagePullPolicy: '',
                stdin: false,
                tty: false,
              },
            ],
            restartPolicy: '',
            dnsPolicy: '',
            hostNetwork: false,
            serviceAccountName: '',
          },
        },
        strategy: { type: '' },
        minReadySeconds: 0,
        paused: false,
      },
      status: { observedGeneration: 0, replicas: 0 },
    });
    expect(decoded).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'nginx', image: 'nginx:1.7.9', resources: {} }] },
        },
        strategy: {},
      },
      status: {},
    });
  });

  it('keeps zero values of pointer fields (replicas: 0, revisionHistoryLimit: 0, automount false)', () => {
    const decoded = roundTrip('apps/v1', 'Deployment', {
      spec: {
        replicas: 0,
        revisionHistoryLimit: 0,
        progressDeadlineSeconds: 600,
        strategy: {
          type: 'RollingUpdate',
          rollingUpdate: { maxUnavailable: { type: 0, intVal: 0 }, maxSurge: { type: 1, strVal: '25%' } },
        },
        template: {
          spec: { terminationGracePeriodSeconds: 0, automountServiceAccountToken: false, containers: [] },
        },
      },
    });
    expect(decoded.spec).toEqual({
      replicas: 0,
      revisionHistoryLimit: 0,
      progressDeadlineSeconds: 600,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } },
      template: { spec: { terminationGracePeriodSeconds: 0, automountServiceAccountToken: false } },
    });
  });

  it('decodes a Deployment status with conditions (times as RFC 3339)', () => {
    const decoded = roundTrip('apps/v1', 'Deployment', {
      metadata: { name: 'web' },
      status: {
        observedGeneration: 2,
        replicas: 3,
        readyReplicas: 3,
        conditions: [
          {
            type: 'Available',
            status: 'True',
            reason: 'MinimumReplicasAvailable',
            message: '',
            lastUpdateTime: { seconds: 1767225600 },
            lastTransitionTime: { seconds: 1767225601, nanos: 0 },
          },
        ],
      },
    });
    expect(decoded.status).toEqual({
      observedGeneration: 2,
      replicas: 3,
      conditions: [
        {
          type: 'Available',
          status: 'True',
          reason: 'MinimumReplicasAvailable',
          lastUpdateTime: '2026-01-01T00:00:00Z',
          lastTransitionTime: '2026-01-01T00:00:01Z',
        },
      ],
      readyReplicas: 3,
    });
  });

  it('decodes containers: ports, env (inline selectors), envFrom, resources (Quantity), volume mounts', () => {
    const decoded = roundTrip('batch/v1', 'Job', {
      metadata: { name: 'j', namespace: 'demo', annotations: { a: '1' } },
      spec: {
        backoffLimit: 0,
        completions: 1,
        activeDeadlineSeconds: 3600,
        template: {
          spec: {
            restartPolicy: 'Never',
            nodeSelector: { disk: 'ssd' },
            imagePullSecrets: [{ name: 'reg' }],
            tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }],
            volumes: [
              {
                name: 'cfg',
                volumeSource: { configMap: { localObjectReference: { name: 'cm' }, defaultMode: 420 } },
              },
              { name: 'tmp', volumeSource: { emptyDir: { medium: '', sizeLimit: { value: '1Gi' } } } },
            ],
            containers: [
              {
                name: 'j',
                image: 'busybox',
                command: ['sh', '-c'],
                args: ['echo hi'],
                ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP', hostPort: 0 }],
                env: [
                  { name: 'A', value: '1' },
                  { name: 'EMPTY', value: '' },
                  {
                    name: 'B',
                    valueFrom: {
                      configMapKeyRef: { localObjectReference: { name: 'cm' }, key: 'b', optional: false },
                    },
                  },
                  { name: 'C', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
                ],
                envFrom: [{ prefix: 'S_', secretRef: { localObjectReference: { name: 'sec' } } }],
                resources: {
                  limits: { cpu: { value: '500m' }, memory: { value: '128Mi' } },
                  requests: { cpu: { value: '100m' } },
                },
                volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg', readOnly: true }],
              },
            ],
          },
        },
      },
    });
    expect(decoded).toEqual({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'j', namespace: 'demo', annotations: { a: '1' } },
      spec: {
        completions: 1,
        activeDeadlineSeconds: 3600,
        backoffLimit: 0,
        template: {
          spec: {
            volumes: [
              { name: 'cfg', configMap: { name: 'cm', defaultMode: 420 } },
              { name: 'tmp', emptyDir: { sizeLimit: '1Gi' } },
            ],
            containers: [
              {
                name: 'j',
                image: 'busybox',
                command: ['sh', '-c'],
                args: ['echo hi'],
                ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
                env: [
                  { name: 'A', value: '1' },
                  { name: 'EMPTY' },
                  { name: 'B', valueFrom: { configMapKeyRef: { name: 'cm', key: 'b', optional: false } } },
                  { name: 'C', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
                ],
                resources: { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '100m' } },
                volumeMounts: [{ name: 'cfg', mountPath: '/etc/cfg', readOnly: true }],
                envFrom: [{ prefix: 'S_', secretRef: { name: 'sec' } }],
              },
            ],
            restartPolicy: 'Never',
            nodeSelector: { disk: 'ssd' },
            imagePullSecrets: [{ name: 'reg' }],
            tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }],
          },
        },
      },
    });
  });

  it('Secret data (bytes) becomes base64; stringData, ConfigMap data and binaryData', () => {
    const secret = roundTrip('v1', 'Secret', {
      metadata: { name: 's' },
      data: { p: Buffer.from('q'), bin: Buffer.from([0, 255, 1]), empty: Buffer.alloc(0) },
      stringData: { x: 'y' },
      type: 'Opaque',
    });
    expect(secret).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      data: { p: 'cQ==', bin: 'AP8B', empty: '' },
      stringData: { x: 'y' },
      type: 'Opaque',
    });
    const cm = roundTrip('v1', 'ConfigMap', {
      metadata: { name: 'c' },
      data: { a: 'b', e: '' },
      binaryData: { raw: Buffer.from('hi') },
      immutable: false,
    });
    expect(cm).toEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'c' },
      data: { a: 'b', e: '' },
      binaryData: { raw: 'aGk=' },
      immutable: false,
    });
  });

  it('Service: ports with IntOrString target ports, selector map', () => {
    const svc = roundTrip('v1', 'Service', {
      metadata: { name: 'svc', labels: { app: 'svc' } },
      spec: {
        type: 'NodePort',
        clusterIP: '',
        selector: { app: 'svc' },
        ports: [
          {
            name: '80-8080',
            protocol: 'TCP',
            port: 80,
            targetPort: { type: 0, intVal: 8080 },
            nodePort: 30080,
          },
          {
            name: 'https',
            protocol: 'TCP',
            port: 443,
            targetPort: { type: 1, strVal: 'https' },
            nodePort: 0,
          },
        ],
        sessionAffinity: '',
      },
      status: {},
    });
    expect(svc.spec).toEqual({
      ports: [
        { name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 },
        { name: 'https', protocol: 'TCP', port: 443, targetPort: 'https' },
      ],
      selector: { app: 'svc' },
      type: 'NodePort',
    });
  });

  it('Namespace, and Time as RFC 3339 (an empty Time is absent)', () => {
    const ns = roundTrip('v1', 'Namespace', {
      metadata: {
        name: 'demo',
        creationTimestamp: { seconds: 1767225600, nanos: 0 },
        deletionTimestamp: {},
        deletionGracePeriodSeconds: 0,
        finalizers: ['f'],
        ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'o', uid: 'u', controller: true }],
      },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: '' },
    });
    expect(ns).toEqual({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: 'demo',
        creationTimestamp: '2026-01-01T00:00:00Z',
        deletionGracePeriodSeconds: 0,
        ownerReferences: [{ kind: 'X', name: 'o', uid: 'u', apiVersion: 'v1', controller: true }],
        finalizers: ['f'],
      },
      spec: { finalizers: ['kubernetes'] },
      status: {},
    });
  });

  it('answers malformed bodies with 400 and kinds without a schema or encodings with 415', () => {
    expect(reasonOf(() => decodeKubernetesProtobuf(Buffer.from('{"kind":"Pod"}')))).toEqual({
      reason: 'BadRequest',
      code: 400,
    });
    expect(reasonOf(() => decodeKubernetesProtobuf(Buffer.from('k8s\0')))).toMatchObject({ code: 400 });
    expect(reasonOf(() => decodeKubernetesProtobuf(Buffer.from('k8s\0\x0a\xff\xff')))).toMatchObject({
      code: 400,
    });
    const good = encodeKubernetesProtobuf('v1', 'ConfigMap', { metadata: { name: 'c' } });
    expect(reasonOf(() => decodeKubernetesProtobuf(good.subarray(0, good.length - 6)))).toMatchObject({
      code: 400,
    });
    const unknown = k8sRoot.lookupType('flotilla.k8s.Unknown');
    const envelope = (fields: Record<string, unknown>) =>
      Buffer.concat([Buffer.from('k8s\0'), unknown.encode(unknown.fromObject(fields)).finish()]);
    expect(
      reasonOf(() =>
        decodeKubernetesProtobuf(envelope({ typeMeta: { apiVersion: 'v1', kind: 'Pod' }, raw: [] })),
      ),
    ).toEqual({ reason: 'UnsupportedMediaType', code: 415 });
    expect(
      reasonOf(() =>
        decodeKubernetesProtobuf(
          envelope({ typeMeta: { apiVersion: 'v1', kind: 'ConfigMap' }, raw: [], contentEncoding: 'gzip' }),
        ),
      ),
    ).toEqual({ reason: 'UnsupportedMediaType', code: 415 });
    expect(
      reasonOf(() =>
        decodeKubernetesProtobuf(
          envelope({ typeMeta: { apiVersion: 'v1', kind: 'ConfigMap' }, raw: [0x0a, 0x05] }),
        ),
      ),
    ).toEqual({ reason: 'BadRequest', code: 400 });
  });
});

describe('POST with application/vnd.kubernetes.protobuf', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  async function post(path: string, body: Buffer) {
    const res = await fetch(`${t.server.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': PROTOBUF_MEDIA_TYPE, Accept: `${PROTOBUF_MEDIA_TYPE},application/json` },
      body,
    });
    // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON
    const json: any = await res.json();
    return { status: res.status, type: res.headers.get('content-type'), body: json };
  }

  it('creates the object through the JSON path (defaults, namespace phase) and answers JSON', async () => {
    const ns = await post(
      '/api/v1/namespaces',
      encodeKubernetesProtobuf('v1', 'Namespace', { metadata: { name: 'pb' }, spec: {}, status: {} }),
    );
    expect(ns.status).toBe(201);
    expect(ns.type).toBe('application/json');
    expect(ns.body).toMatchObject({
      kind: 'Namespace',
      metadata: { name: 'pb' },
      status: { phase: 'Active' },
    });
    const deploy = await post(
      '/apis/apps/v1/namespaces/pb/deployments',
      encodeKubernetesProtobuf('apps/v1', 'Deployment', {
        metadata: { name: 'web', labels: { app: 'web' } },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'nginx', image: 'nginx:1.27', resources: {} }] },
          },
          strategy: {},
        },
        status: {},
      }),
    );
    expect(deploy.status).toBe(201);
    expect(deploy.body).toMatchObject({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'pb' },
      spec: { replicas: 2, strategy: { type: 'RollingUpdate' } },
    });
    expect(deploy.body.spec.template.spec.containers[0]).toMatchObject({
      name: 'nginx',
      image: 'nginx:1.27',
      imagePullPolicy: 'IfNotPresent',
    });
  });

  it('validates as JSON bodies are validated (422), and checks the kind against the URL (400)', async () => {
    const invalid = await post(
      '/api/v1/namespaces/pb/configmaps',
      encodeKubernetesProtobuf('v1', 'ConfigMap', { metadata: { name: 'Not_Valid' } }),
    );
    expect(invalid.status).toBe(422);
    expect(invalid.body).toMatchObject({ kind: 'Status', reason: 'Invalid' });
    const mismatch = await post(
      '/api/v1/namespaces/pb/configmaps',
      encodeKubernetesProtobuf('v1', 'Secret', { metadata: { name: 's' } }),
    );
    expect(mismatch.status).toBe(400);
    expect(mismatch.body).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
  });

  it('answers a kind it has no schema for with 415 and garbage with 400', async () => {
    const unknown = k8sRoot.lookupType('flotilla.k8s.Unknown');
    const pod = Buffer.concat([
      Buffer.from('k8s\0'),
      unknown.encode(unknown.fromObject({ typeMeta: { apiVersion: 'v1', kind: 'Pod' }, raw: [] })).finish(),
    ]);
    const r = await post('/api/v1/namespaces/pb/pods', pod);
    expect(r.status).toBe(415);
    expect(r.body).toMatchObject({ kind: 'Status', reason: 'UnsupportedMediaType' });
    const garbage = await post('/api/v1/namespaces/pb/configmaps', Buffer.from('k8s\0\x12\x7f\x00'));
    expect(garbage.status).toBe(400);
  });
});
