import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  Base64Schema,
  type Container,
  DeploymentSchema,
  type EmbeddedPersistentVolumeClaim,
  EndpointSliceSchema,
  IntOrStringSchema,
  JsonValueSchema,
  LeaseSchema,
  MicroTimeSchema,
  ObjectMetaSchema,
  type Pod,
  PodListSchema,
  PodSchema,
  type PodSpec,
  PodSpecSchema,
  QuantityValueSchema,
  SecretSchema,
  ServiceSchema,
  StatefulSetSchema,
  TimeSchema,
} from './index.js';

const accepts = (schema: z.ZodType, value: unknown) => schema.safeParse(value).success;

describe('scalar building blocks', () => {
  it.each<{ name: string; schema: z.ZodType; good: unknown[]; bad: unknown[] }>([
    {
      name: 'IntOrString',
      schema: IntOrStringSchema,
      good: [8080, 'http', '25%', 0],
      bad: [1.5, true, null, {}, 2 ** 31],
    },
    {
      name: 'QuantityValue',
      schema: QuantityValueSchema,
      good: ['100m', '1Gi', '0.5', '1e3', 1, 0.5, '+1', '-2Ki'],
      bad: ['1x', '', true, null, [], '1 Gi'],
    },
    {
      name: 'Time',
      schema: TimeSchema,
      good: ['2024-05-01T10:00:00Z', '2024-05-01T10:00:00.123456Z', '2024-05-01T10:00:00+02:00'],
      bad: ['2024-05-01', 'yesterday', '2024-05-01 10:00:00', 1714557600, null],
    },
    { name: 'MicroTime', schema: MicroTimeSchema, good: ['2024-05-01T10:00:00.000000Z'], bad: ['now'] },
    {
      name: 'Base64',
      schema: Base64Schema,
      good: ['', 'YWRtaW4=', 'MWYyZDFlMmU2N2Rm', 'YQ=='],
      bad: ['YWRtaW4', 'not base64!', 'YQ=', 5],
    },
    {
      name: 'JsonValue',
      schema: JsonValueSchema,
      good: [null, 1, 'a', true, [1, { a: null }], { a: { b: [] } }],
      bad: [undefined, () => 1, Number.NaN],
    },
  ])('$name', ({ schema, good, bad }) => {
    for (const value of good) expect(accepts(schema, value), JSON.stringify(value)).toBe(true);
    for (const value of bad) expect(accepts(schema, value), String(value)).toBe(false);
  });

  it('keeps quantities and IntOrString as given (no coercion)', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 0, max: 10_000 }), fc.constantFrom('1', '250m', '2Gi', '1e3')),
        (q) => {
          expect(QuantityValueSchema.parse(q)).toBe(q);
        },
      ),
      { numRuns: 50, seed: 7 },
    );
  });
});

describe('generated schemas', () => {
  it('covers fields Flotilla does not act on and keeps them', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'p',
        annotations: { a: 'b' },
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u', controller: true },
        ],
      },
      spec: {
        containers: [
          {
            name: 'c',
            image: 'nginx',
            securityContext: { runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
            resources: { limits: { cpu: 1, memory: '128Mi' } },
          },
        ],
        dnsConfig: { nameservers: ['1.1.1.1'], options: [{ name: 'ndots', value: '2' }] },
        securityContext: { fsGroup: 2000 },
        affinity: {
          nodeAffinity: {
            requiredDuringSchedulingIgnoredDuringExecution: {
              nodeSelectorTerms: [{ matchExpressions: [{ key: 'k', operator: 'In', values: ['v'] }] }],
            },
          },
        },
        tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }],
      },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
    };
    expect(PodSchema.parse(pod)).toEqual(pod);
  });

  it('does not require metadata.name (generateName exists)', () => {
    expect(accepts(ObjectMetaSchema, { generateName: 'web-' })).toBe(true);
  });

  it('requires containers in a PodSpec and rejects unknown fields', () => {
    expect(accepts(PodSpecSchema, {})).toBe(false);
    expect(accepts(PodSpecSchema, { containers: [] })).toBe(true);
    expect(accepts(PodSpecSchema, { containers: [], nodeNmae: 'n' })).toBe(false);
  });

  it('requires the literal apiVersion and kind of top-level kinds only', () => {
    expect(accepts(DeploymentSchema, { apiVersion: 'apps/v1', kind: 'Deployment' })).toBe(true);
    // DeploymentSpec requires selector and template.
    expect(
      accepts(DeploymentSchema, { apiVersion: 'apps/v1', kind: 'Deployment', spec: { replicas: 1 } }),
    ).toBe(false);
    expect(accepts(ServiceSchema, { apiVersion: 'v1', kind: 'Service' })).toBe(true);
    expect(accepts(ServiceSchema, { apiVersion: 'v1', kind: 'Pod' })).toBe(false);
    expect(accepts(ServiceSchema, { kind: 'Service' })).toBe(false);
    // A PersistentVolumeClaim inside a StatefulSet's volumeClaimTemplates has optional TypeMeta.
    const sts = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      spec: {
        selector: {},
        template: {},
        volumeClaimTemplates: [
          { metadata: { name: 'www' }, spec: { resources: { requests: { storage: '1Gi' } } } },
        ],
      },
    };
    expect(StatefulSetSchema.parse(sts)).toEqual(sts);
  });

  it('accepts every Service type, with and without selector', () => {
    for (const spec of [
      { selector: { app: 'a' }, ports: [{ port: 80, targetPort: 9376 }] },
      { type: 'NodePort', selector: { app: 'a' }, ports: [{ port: 80, nodePort: 30007 }] },
      { type: 'LoadBalancer', ports: [{ port: 80, targetPort: 'http' }] },
      { type: 'ExternalName', externalName: 'db.example.com' },
      { clusterIP: 'None', selector: { app: 'a' } },
    ]) {
      expect(
        accepts(ServiceSchema, { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec }),
      ).toBe(true);
    }
  });

  it('reads base64 Secret data, MicroTime leases and EndpointSlices', () => {
    expect(
      accepts(SecretSchema, {
        apiVersion: 'v1',
        kind: 'Secret',
        data: { a: 'YQ==' },
        stringData: { b: 'plain' },
      }),
    ).toBe(true);
    expect(accepts(SecretSchema, { apiVersion: 'v1', kind: 'Secret', data: { a: 'plain!' } })).toBe(false);
    const lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'node-1', namespace: 'kube-node-lease' },
      spec: { holderIdentity: 'node-1', leaseDurationSeconds: 40, renewTime: '2024-05-01T10:00:00.123456Z' },
    };
    expect(LeaseSchema.parse(lease)).toEqual(lease);
    const slice = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      addressType: 'IPv4',
      endpoints: [{ addresses: ['10.0.0.1'], conditions: { ready: true } }],
    };
    expect(EndpointSliceSchema.parse(slice)).toEqual(slice);
  });

  it('fills apiVersion/kind into list items that omit them', () => {
    const list = PodListSchema.parse({
      apiVersion: 'v1',
      kind: 'PodList',
      items: [{ metadata: { name: 'a' } }],
    });
    expect(list.items[0]).toEqual({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a' } });
  });

  it('infers usable types, not any', () => {
    const container: Container = { name: 'c', image: 'nginx', ports: [{ containerPort: 80 }] };
    const spec: PodSpec = { containers: [container] };
    const pod: Pod = { apiVersion: 'v1', kind: 'Pod', spec };
    const template: EmbeddedPersistentVolumeClaim = { metadata: { name: 'www' } };
    // @ts-expect-error containers is required
    const noContainers: PodSpec = {};
    // @ts-expect-error unknown field
    const typo: Container = { name: 'c', imagee: 'x' };
    // @ts-expect-error apiVersion is a literal
    const wrongVersion: Pod = { apiVersion: 'v2', kind: 'Pod' };
    const parsed: Pod = PodSchema.parse(pod);
    expect([parsed.spec?.containers[0]?.name, template.metadata?.name]).toEqual(['c', 'www']);
    expect([noContainers, typo, wrongVersion].length).toBe(3);
  });
});

describe('the generator', () => {
  it('committed output is what the generator writes today', () => {
    const require = createRequire(import.meta.url);
    const tsx = require.resolve('tsx/cli');
    const script = fileURLToPath(new URL('../../scripts/generate-schemas.ts', import.meta.url));
    const result = spawnSync(process.execPath, [tsx, script, '--check'], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('is up to date');
  });
});
