import { describe, expect, it } from 'vitest';
import { type FieldError, formatFieldError } from '../field-errors.js';
import { DeploymentSchema, PodSchema, ServiceSchema } from './index.js';
import { dropNullFields, formatFieldPath, schemaErrorsToFieldErrors } from './schema-errors.js';

function errorsOf(schema: typeof PodSchema | typeof DeploymentSchema | typeof ServiceSchema, input: unknown) {
  const result = schema.safeParse(input);
  if (result.success) return [];
  return schemaErrorsToFieldErrors(result.error, { input, schema });
}

const pod = (spec: unknown) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec });

describe('schemaErrorsToFieldErrors', () => {
  it.each<{ name: string; input: unknown; want: FieldError[] }>([
    {
      name: 'unknown field',
      input: pod({ containers: [], nodeNmae: 'n' }),
      want: [{ field: 'spec.nodeNmae', type: 'UnknownField', detail: '' }],
    },
    {
      name: 'missing required field',
      input: pod({ containers: [{ image: 'nginx' }] }),
      want: [{ field: 'spec.containers[0].name', type: 'Required', detail: '' }],
    },
    {
      name: 'wrong type, integer wording for int32',
      input: pod({ containers: [{ name: 'c', ports: [{ containerPort: '80' }] }] }),
      want: [
        {
          field: 'spec.containers[0].ports[0].containerPort',
          type: 'TypeInvalid',
          value: '80',
          detail: 'must be of type integer, got string',
        },
      ],
    },
    {
      name: 'map key',
      input: { ...pod({ containers: [] }), metadata: { labels: { app: true } } },
      want: [
        {
          field: 'metadata.labels[app]',
          type: 'TypeInvalid',
          value: true,
          detail: 'must be of type string, got boolean',
        },
      ],
    },
    {
      name: 'IntOrString',
      input: pod({ containers: [{ name: 'c', livenessProbe: { httpGet: { port: [80] } } }] }),
      want: [
        {
          field: 'spec.containers[0].livenessProbe.httpGet.port',
          type: 'TypeInvalid',
          value: [80],
          detail: 'must be of type integer or string, got array',
        },
      ],
    },
    {
      name: 'missing IntOrString',
      input: pod({ containers: [{ name: 'c', livenessProbe: { httpGet: { path: '/' } } }] }),
      want: [{ field: 'spec.containers[0].livenessProbe.httpGet.port', type: 'Required', detail: '' }],
    },
    {
      name: 'range',
      input: pod({ containers: [], priority: 2 ** 31 }),
      want: [
        {
          field: 'spec.priority',
          type: 'Invalid',
          value: 2 ** 31,
          detail: 'must be less than or equal to 2147483647',
        },
      ],
    },
    {
      name: 'wrong literal',
      input: { apiVersion: 'v2', kind: 'Pod' },
      want: [{ field: 'apiVersion', type: 'NotSupported', value: 'v2', detail: 'supported values: "v1"' }],
    },
    {
      name: 'missing literal',
      input: { kind: 'Pod' },
      want: [{ field: 'apiVersion', type: 'Required', detail: '' }],
    },
  ])('$name', ({ input, want }) => {
    expect(errorsOf(PodSchema, input)).toEqual(want);
  });

  it('renders as Kubernetes does', () => {
    const errors = errorsOf(PodSchema, pod({ containers: [{ image: 'nginx' }], nodeNmae: 'n' }));
    expect(errors.map(formatFieldError)).toEqual([
      'spec.containers[0].name: Required value',
      'unknown field "spec.nodeNmae"',
    ]);
  });

  it('works without input or schema, and with a prefix', () => {
    const result = DeploymentSchema.safeParse({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      spec: { replica: 1 },
    });
    if (result.success) throw new Error('expected failure');
    const errors = schemaErrorsToFieldErrors(result.error, { prefix: 'items[3]' });
    expect(errors.map((e) => `${e.field} ${e.type}`)).toEqual([
      'items[3].spec.selector Required',
      'items[3].spec.template Required',
      'items[3].spec.replica UnknownField',
    ]);
  });
});

describe('formatFieldPath', () => {
  it.each<{ path: PropertyKey[]; want: string; withSchema: boolean }>([
    {
      path: ['spec', 'template', 'spec', 'containers', 0, 'image'],
      want: 'spec.template.spec.containers[0].image',
      withSchema: true,
    },
    {
      path: ['metadata', 'labels', 'app.kubernetes.io/name'],
      want: 'metadata.labels[app.kubernetes.io/name]',
      withSchema: true,
    },
    { path: ['metadata', 'labels', 'app'], want: 'metadata.labels.app', withSchema: false },
    { path: [], want: '', withSchema: true },
  ])('$want', ({ path, want, withSchema }) => {
    expect(formatFieldPath(path, withSchema ? DeploymentSchema : undefined)).toBe(want);
  });
});

describe('dropNullFields', () => {
  it('drops nulls where the schema has fields, keeps them elsewhere, never mutates', () => {
    const input = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's', creationTimestamp: null, labels: { a: null } },
      spec: { selector: null, ports: [{ port: 80, name: null }] },
      status: null,
    };
    const copy = structuredClone(input);
    expect(dropNullFields(ServiceSchema, input)).toEqual({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 's', labels: { a: null } },
      spec: { ports: [{ port: 80 }] },
    });
    expect(input).toEqual(copy);
  });
});
