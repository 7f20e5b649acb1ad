import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyDefaults } from './defaults/index.js';
import { isInvalid } from './errors.js';
import { invalidCases } from './testdata/invalid-cases.js';
import * as m from './testdata/manifests.js';
import { assertValid, assertValidUpdate, validate, validateUpdate } from './validate.js';

const summary = (errs: readonly { field: string; type: string }[]) => errs.map((e) => `${e.field} ${e.type}`);

describe('validate: valid manifests', () => {
  it.each(Object.entries(m.validManifests))('%s is valid as written', (_, make) => {
    expect(validate(make())).toEqual([]);
  });

  it.each(Object.entries(m.validManifests))('%s: frozen input is accepted and untouched', (_, make) => {
    const obj = make();
    const frozen = JSON.parse(JSON.stringify(obj), (_k, v) =>
      v && typeof v === 'object' ? Object.freeze(v) : v,
    );
    expect(validate(frozen)).toEqual([]);
    expect(frozen).toEqual(obj);
  });

  it.each(Object.entries(m.validManifests))('%s is valid after defaulting', (_, make) => {
    expect(validate(applyDefaults(make()))).toEqual([]);
  });
});

describe('validate: invalid variants', () => {
  it('has at least 40 cases', () => {
    expect(invalidCases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(invalidCases.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const errs = validate(c.object);
    expect(summary(errs)).toContain(`${c.field} ${c.type}`);
  });

  it.each(invalidCases.map((c) => [c.name, c] as const))('%s stays invalid after defaulting', (_, c) => {
    expect(validate(applyDefaults(c.object)).length).toBeGreaterThan(0);
  });
});

describe('validate: wording', () => {
  it.each([
    {
      name: 'subdomain name',
      mutate: (o: ReturnType<typeof m.nginxDeployment>) => {
        o.metadata.name = 'Web';
      },
      want: `metadata.name: Invalid value: "Web": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    },
    {
      name: 'selector mismatch',
      mutate: (o: ReturnType<typeof m.nginxDeployment>) => {
        o.spec.template.metadata.labels.app = 'web';
      },
      want: 'spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`',
    },
    {
      name: 'port range',
      mutate: (o: ReturnType<typeof m.nginxDeployment>) => {
        o.spec.template.spec.containers[0]!.ports[0]!.containerPort = 70000;
      },
      want: 'spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
    },
    {
      name: 'restart policy of a Deployment template',
      mutate: (o: ReturnType<typeof m.nginxDeployment>) => {
        (o.spec.template.spec as { restartPolicy?: string }).restartPolicy = 'OnFailure';
      },
      want: 'spec.template.spec.restartPolicy: Unsupported value: "OnFailure": supported values: "Always"',
    },
    {
      name: 'no containers',
      mutate: (o: ReturnType<typeof m.nginxDeployment>) => {
        o.spec.template.spec.containers = [];
      },
      want: 'spec.template.spec.containers: Required value',
    },
  ])('$name', ({ mutate, want }) => {
    const obj = m.nginxDeployment();
    mutate(obj);
    let message = '';
    try {
      assertValid(obj);
    } catch (e) {
      expect(isInvalid(e)).toBe(true);
      message = (e as Error).message;
    }
    expect(message).toBe(`Deployment.apps "${obj.metadata.name}" is invalid: ${want}`);
  });

  it('assertValid reports the example of the brief', () => {
    const obj = m.nginxDeployment();
    obj.metadata.name = 'web';
    obj.spec.replicas = -1;
    expect(() => assertValid(obj)).toThrow(
      'Deployment.apps "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
    );
  });

  it('lists several errors in brackets, with causes', () => {
    const obj = m.nginxDeployment();
    obj.spec.replicas = -1;
    obj.spec.template.spec.containers[0]!.name = 'Bad';
    try {
      assertValid(obj);
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).toMatch(
        /^Deployment\.apps "nginx-deployment" is invalid: \[spec\.replicas: /,
      );
      const causes = (e as { details: { causes: { field: string; reason: string }[] } }).details.causes;
      expect(causes.map((c) => c.field)).toEqual(['spec.replicas', 'spec.template.spec.containers[0].name']);
      expect(causes[0]!.reason).toBe('FieldValueInvalid');
    }
  });

  it('enum errors list the supported values', () => {
    const svc = m.clusterIPService();
    (svc.spec as { type?: string }).type = 'Internal';
    const err = validate(svc).find((e) => e.field === 'spec.type');
    expect(err?.detail).toBe('supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"');
  });
});

describe('validate: unknown and malformed input', () => {
  it.each([
    { name: 'unknown kind', obj: { apiVersion: 'v1', kind: 'Widget' }, field: 'kind', type: 'NotSupported' },
    {
      name: 'unknown apiVersion',
      obj: { apiVersion: 'example.com/v1', kind: 'Widget' },
      field: 'apiVersion',
      type: 'NotSupported',
    },
    { name: 'missing apiVersion', obj: { kind: 'Pod' }, field: 'apiVersion', type: 'Required' },
    { name: 'missing kind', obj: { apiVersion: 'v1' }, field: 'kind', type: 'Required' },
    { name: 'not an object', obj: 42, field: '', type: 'TypeInvalid' },
    { name: 'null', obj: null, field: '', type: 'TypeInvalid' },
  ])('$name gives one error', ({ obj, field, type }) => {
    expect(summary(validate(obj))).toEqual([`${field} ${type}`]);
  });

  it('treats null fields as absent, as Go decoding does (kubectl --dry-run output)', () => {
    const dep = m.nginxDeployment() as ReturnType<typeof m.nginxDeployment> & { status?: unknown };
    (dep.metadata as Record<string, unknown>).creationTimestamp = null;
    dep.status = {};
    expect(validate(dep)).toEqual([]);
    (dep.spec as Record<string, unknown>).replicas = null;
    expect(validate(dep)).toEqual([]);
  });

  it('reports structural and semantic problems together', () => {
    const pod = m.podWithProbes() as Record<string, unknown> & ReturnType<typeof m.podWithProbes>;
    pod.metadata.name = 'Bad_Name';
    (pod.spec.containers[0] as unknown as { image: unknown }).image = 3;
    const got = summary(validate(pod));
    expect(got).toContain('spec.containers[0].image TypeInvalid');
    expect(got).toContain('metadata.name Invalid');
  });

  it('never throws, whatever the input', () => {
    const kinds = fc.constantFrom(
      { apiVersion: 'v1', kind: 'Pod' },
      { apiVersion: 'apps/v1', kind: 'Deployment' },
      { apiVersion: 'v1', kind: 'Service' },
      { apiVersion: 'batch/v1', kind: 'CronJob' },
      { apiVersion: 'apps/v1', kind: 'StatefulSet' },
    );
    const junk = fc.anything({ maxDepth: 3 });
    const shaped = fc.record({
      typeMeta: kinds,
      metadata: fc.oneof(junk, fc.record({ name: fc.oneof(fc.string(), junk) })),
      spec: fc.oneof(
        junk,
        fc.record({
          containers: fc.oneof(
            junk,
            fc.array(fc.dictionary(fc.constantFrom('name', 'image', 'ports', 'resources'), junk)),
          ),
          template: junk,
          selector: junk,
          ports: junk,
        }),
      ),
    });
    fc.assert(
      fc.property(fc.oneof(junk, shaped), (input) => {
        const shapedInput = input as { typeMeta?: object; metadata?: unknown; spec?: unknown } | null;
        const obj =
          shapedInput && typeof shapedInput === 'object' && 'typeMeta' in shapedInput
            ? { ...shapedInput.typeMeta, metadata: shapedInput.metadata, spec: shapedInput.spec }
            : input;
        expect(Array.isArray(validate(obj))).toBe(true);
        applyDefaults(obj);
      }),
      { numRuns: 300 },
    );
  });
});

describe('validateUpdate', () => {
  const updated = <T>(make: () => T, mutate: (o: T) => void): T => {
    const o = make();
    mutate(o);
    return o;
  };

  it.each([
    {
      name: 'deployment selector',
      prev: m.nginxDeployment(),
      next: updated(m.nginxDeployment, (o) => {
        o.spec.selector.matchLabels = { app: 'nginx', tier: 'web' } as { app: string };
        o.spec.template.metadata.labels = { app: 'nginx', tier: 'web' } as { app: string };
      }),
      field: 'spec.selector',
      type: 'Invalid',
    },
    {
      name: 'metadata.name',
      prev: m.nginxDeployment(),
      next: updated(m.nginxDeployment, (o) => {
        o.metadata.name = 'other';
      }),
      field: 'metadata.name',
      type: 'Invalid',
    },
    {
      name: 'metadata.uid',
      prev: updated(m.configMap, (o) => {
        (o.metadata as { uid?: string }).uid = 'a';
      }),
      next: updated(m.configMap, (o) => {
        (o.metadata as { uid?: string }).uid = 'b';
      }),
      field: 'metadata.uid',
      type: 'Invalid',
    },
    {
      name: 'service clusterIP',
      prev: updated(m.clusterIPService, (o) => {
        (o.spec as { clusterIP?: string }).clusterIP = '10.96.0.10';
      }),
      next: updated(m.clusterIPService, (o) => {
        (o.spec as { clusterIP?: string }).clusterIP = '10.96.0.11';
      }),
      field: 'spec.clusterIP',
      type: 'Invalid',
    },
    {
      name: 'job template',
      prev: m.job(),
      next: updated(m.job, (o) => {
        o.spec.template.spec.containers[0]!.image = 'perl:5.36';
      }),
      field: 'spec.template',
      type: 'Invalid',
    },
    {
      name: 'pod spec beyond images',
      prev: m.podWithProbes(),
      next: updated(m.podWithProbes, (o) => {
        o.spec.containers[0]!.ports[0]!.containerPort = 9090;
        o.spec.containers[0]!.readinessProbe.tcpSocket.port = 9090;
      }),
      field: 'spec',
      type: 'Forbidden',
    },
    {
      name: 'statefulset serviceName',
      prev: m.statefulSet(),
      next: updated(m.statefulSet, (o) => {
        o.spec.serviceName = 'other';
      }),
      field: 'spec',
      type: 'Forbidden',
    },
    {
      name: 'immutable configmap data',
      prev: updated(m.configMap, (o) => {
        (o as { immutable?: boolean }).immutable = true;
      }),
      next: updated(m.configMap, (o) => {
        (o as { immutable?: boolean }).immutable = true;
        o.data.player_initial_lives = '5';
      }),
      field: 'data',
      type: 'Forbidden',
    },
  ])('$name is immutable', ({ prev, next, field, type }) => {
    expect(summary(validateUpdate(next, prev))).toContain(`${field} ${type}`);
    expect(() => assertValidUpdate(next, prev)).toThrow(/is invalid/);
  });

  it.each([
    {
      name: 'deployment replicas and image',
      prev: m.nginxDeployment(),
      next: updated(m.nginxDeployment, (o) => {
        o.spec.replicas = 5;
        o.spec.template.spec.containers[0]!.image = 'nginx:1.25';
      }),
    },
    {
      name: 'pod image',
      prev: m.podWithProbes(),
      next: updated(m.podWithProbes, (o) => {
        o.spec.containers[0]!.image = 'registry.k8s.io/goproxy:0.2';
      }),
    },
    {
      name: 'statefulset replicas',
      prev: m.statefulSet(),
      next: updated(m.statefulSet, (o) => {
        o.spec.replicas = 5;
      }),
    },
    {
      name: 'defaulted deployment against itself',
      prev: applyDefaults(m.nginxDeployment()),
      next: applyDefaults(m.nginxDeployment()),
    },
  ])('$name may change', ({ prev, next }) => {
    expect(validateUpdate(next, prev)).toEqual([]);
  });

  it.each(Object.entries(m.validManifests))(
    '%s: an unchanged (defaulted) object is a valid update',
    (_, make) => {
      const obj = applyDefaults(make());
      expect(validateUpdate(obj, obj)).toEqual([]);
      // The store defaults an update before comparing it with the stored object, as the API server does.
      expect(validateUpdate(applyDefaults(make()), obj)).toEqual([]);
    },
  );

  it('rejects a change of kind', () => {
    expect(summary(validateUpdate(m.job(), m.nginxDeployment()))).toContain('kind Invalid');
  });
});
