import { describe, expect, it } from 'vitest';
import { applyStrategicMergePatch } from './strategic-merge.js';

const podSpec = {
  containers: [
    {
      name: 'web',
      image: 'nginx:1.7.9',
      ports: [{ containerPort: 80 }, { containerPort: 443 }],
      env: [
        { name: 'A', value: '1' },
        { name: 'B', value: '2' },
      ],
      volumeMounts: [{ name: 'data', mountPath: '/data' }],
      args: ['x', 'y'],
    },
    { name: 'side', image: 'busybox' },
  ],
  volumes: [{ name: 'data', emptyDir: {} }],
  tolerations: [{ key: 'a' }],
};
const deploy = {
  metadata: { name: 'web', labels: { app: 'web' }, finalizers: ['a'] },
  spec: { replicas: 3, template: { spec: podSpec } },
  status: {
    conditions: [
      { type: 'Available', status: 'True' },
      { type: 'Progressing', status: 'True' },
    ],
  },
};

describe('applyStrategicMergePatch', () => {
  it('set image: merges containers by name and keeps the others and their fields', () => {
    const out = applyStrategicMergePatch(deploy, {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'web' }, { name: 'side' }],
            containers: [{ image: 'nginx:1.9.1', name: 'web' }],
          },
        },
      },
    }) as typeof deploy;
    expect(out.spec.template.spec.containers.map((c) => [c.name, c.image])).toEqual([
      ['web', 'nginx:1.9.1'],
      ['side', 'busybox'],
    ]);
    expect(out.spec.template.spec.containers[0]?.ports).toHaveLength(2);
    expect(deploy.spec.template.spec.containers[0]?.image).toBe('nginx:1.7.9');
  });

  it('client-side apply: env merges by name inside a container merged by name', () => {
    const out = applyStrategicMergePatch(deploy, {
      spec: {
        replicas: 2,
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'web' }],
            containers: [
              {
                '$setElementOrder/env': [{ name: 'B' }, { name: 'A' }],
                env: [{ name: 'A', value: 'new' }],
                name: 'web',
              },
            ],
          },
        },
      },
    }) as typeof deploy;
    expect(out.spec.replicas).toBe(2);
    expect(out.spec.template.spec.containers[0]?.env).toEqual([
      { name: 'B', value: '2' },
      { name: 'A', value: 'new' },
    ]);
  });

  it.each([
    {
      name: 'ports merge by containerPort',
      patch: {
        containers: [{ name: 'web', ports: [{ containerPort: 80, name: 'http' }, { containerPort: 8080 }] }],
      },
      check: (s: typeof podSpec) =>
        expect(s.containers[0]?.ports).toEqual([
          { containerPort: 80, name: 'http' },
          { containerPort: 443 },
          { containerPort: 8080 },
        ]),
    },
    {
      name: '$patch: delete removes one element',
      patch: { containers: [{ name: 'side', $patch: 'delete' }] },
      check: (s: typeof podSpec) => expect(s.containers.map((c) => c.name)).toEqual(['web']),
    },
    {
      name: 'volumeMounts merge by mountPath',
      patch: { containers: [{ name: 'web', volumeMounts: [{ name: 'logs', mountPath: '/logs' }] }] },
      check: (s: typeof podSpec) => expect(s.containers[0]?.volumeMounts).toHaveLength(2),
    },
    {
      name: 'volumes merge by name',
      patch: { volumes: [{ name: 'cfg', configMap: { name: 'c' } }] },
      check: (s: typeof podSpec) => expect(s.volumes.map((v) => v.name)).toEqual(['data', 'cfg']),
    },
    {
      name: 'atomic lists (args, tolerations) are replaced',
      patch: { tolerations: [{ key: 'b' }], containers: [{ name: 'web', args: ['z'] }] },
      check: (s: typeof podSpec) => {
        expect(s.tolerations).toEqual([{ key: 'b' }]);
        expect(s.containers[0]?.args).toEqual(['z']);
      },
    },
    {
      name: '$deleteFromPrimitiveList removes values',
      patch: { containers: [{ name: 'web', '$deleteFromPrimitiveList/args': ['x'] }] },
      check: (s: typeof podSpec) => expect(s.containers[0]?.args).toEqual(['y']),
    },
    {
      name: '$patch: replace on a list replaces it',
      patch: { containers: [{ name: 'only', image: 'i' }, { $patch: 'replace' }] },
      check: (s: typeof podSpec) => expect(s.containers).toEqual([{ name: 'only', image: 'i' }]),
    },
    {
      name: '$patch: replace on a map replaces it',
      patch: {
        containers: [{ name: 'web', env: null }],
        volumes: [{ name: 'data', emptyDir: { $patch: 'replace', medium: 'Memory' } }],
      },
      check: (s: typeof podSpec) => {
        expect(s.volumes[0]).toEqual({ name: 'data', emptyDir: { medium: 'Memory' } });
        expect(s.containers[0]?.env).toBeUndefined();
      },
    },
  ])('$name', ({ patch, check }) => {
    const out = applyStrategicMergePatch(deploy, { spec: { template: { spec: patch } } }) as typeof deploy;
    check(out.spec.template.spec);
  });

  it('merges conditions by type and finalizers as a set; null deletes', () => {
    const out = applyStrategicMergePatch(deploy, {
      metadata: { finalizers: ['a', 'b'], labels: { app: null } },
      status: { conditions: [{ type: 'Available', status: 'False' }] },
    }) as typeof deploy;
    expect(out.metadata.finalizers).toEqual(['a', 'b']);
    expect(out.metadata.labels).toEqual({});
    expect(out.status.conditions).toEqual([
      { type: 'Available', status: 'False' },
      { type: 'Progressing', status: 'True' },
    ]);
  });

  it('merges Service ports by port', () => {
    const svc = { spec: { ports: [{ port: 80, targetPort: 8080 }, { port: 443 }] } };
    const out = applyStrategicMergePatch(svc, {
      spec: { ports: [{ port: 80, targetPort: 9090 }] },
    }) as typeof svc;
    expect(out.spec.ports).toEqual([{ port: 80, targetPort: 9090 }, { port: 443 }]);
  });

  it('rejects a non-object patch and an element without its merge key', () => {
    expect(() => applyStrategicMergePatch(deploy, [])).toThrow(
      expect.objectContaining({ reason: 'BadRequest' }),
    );
    expect(() =>
      applyStrategicMergePatch(deploy, { spec: { template: { spec: { containers: [{ image: 'x' }] } } } }),
    ).toThrow(expect.objectContaining({ reason: 'BadRequest' }));
  });
});
