import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as m from '../testdata/manifests.js';
import { validManifests } from '../testdata/manifests.js';
import { applyDefaults } from './index.js';
import { defaultPullPolicy, imageTag } from './pod.js';

const templateSpecDefaults = {
  dnsPolicy: 'ClusterFirst',
  restartPolicy: 'Always',
  securityContext: {},
  terminationGracePeriodSeconds: 30,
  schedulerName: 'default-scheduler',
};
const containerDefaults = {
  terminationMessagePath: '/dev/termination-log',
  terminationMessagePolicy: 'File',
};

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

describe('applyDefaults per kind', () => {
  it.each([
    {
      name: 'Deployment',
      input: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'default' },
        spec: {
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'web', image: 'nginx' }] },
          },
        },
      },
      want: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'default' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { app: 'web' } },
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
          revisionHistoryLimit: 10,
          progressDeadlineSeconds: 600,
          template: {
            metadata: { labels: { app: 'web' } },
            spec: {
              ...templateSpecDefaults,
              containers: [{ name: 'web', image: 'nginx', imagePullPolicy: 'Always', ...containerDefaults }],
            },
          },
        },
      },
    },
    {
      name: 'Deployment with Recreate keeps no rollingUpdate',
      input: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        spec: { replicas: 0, strategy: { type: 'Recreate' } },
      },
      want: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        spec: {
          replicas: 0,
          strategy: { type: 'Recreate' },
          revisionHistoryLimit: 10,
          progressDeadlineSeconds: 600,
        },
      },
    },
    {
      name: 'ReplicaSet',
      input: { apiVersion: 'apps/v1', kind: 'ReplicaSet', spec: { selector: { matchLabels: { a: 'b' } } } },
      want: {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        spec: { replicas: 1, selector: { matchLabels: { a: 'b' } } },
      },
    },
    {
      name: 'StatefulSet',
      input: { apiVersion: 'apps/v1', kind: 'StatefulSet', spec: { serviceName: 'web' } },
      want: {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        spec: {
          serviceName: 'web',
          replicas: 1,
          podManagementPolicy: 'OrderedReady',
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
          persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
          revisionHistoryLimit: 10,
        },
      },
    },
    {
      name: 'StatefulSet with OnDelete',
      input: { apiVersion: 'apps/v1', kind: 'StatefulSet', spec: { updateStrategy: { type: 'OnDelete' } } },
      want: {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        spec: {
          replicas: 1,
          podManagementPolicy: 'OrderedReady',
          updateStrategy: { type: 'OnDelete' },
          persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
          revisionHistoryLimit: 10,
        },
      },
    },
    {
      name: 'DaemonSet',
      input: { apiVersion: 'apps/v1', kind: 'DaemonSet', spec: {} },
      want: {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        spec: {
          updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
          revisionHistoryLimit: 10,
        },
      },
    },
    {
      name: 'Job copies template labels to the Job',
      input: {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'pi' },
        spec: {
          template: { metadata: { labels: { job: 'pi' } }, spec: { containers: [], restartPolicy: 'Never' } },
        },
      },
      want: {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'pi', labels: { job: 'pi' } },
        spec: {
          completions: 1,
          parallelism: 1,
          backoffLimit: 6,
          completionMode: 'NonIndexed',
          suspend: false,
          podReplacementPolicy: 'TerminatingOrFailed',
          template: {
            metadata: { labels: { job: 'pi' } },
            spec: { ...templateSpecDefaults, containers: [], restartPolicy: 'Never' },
          },
        },
      },
    },
    {
      name: 'Job with parallelism only',
      input: { apiVersion: 'batch/v1', kind: 'Job', spec: { parallelism: 3 } },
      want: {
        apiVersion: 'batch/v1',
        kind: 'Job',
        spec: {
          parallelism: 3,
          backoffLimit: 6,
          completionMode: 'NonIndexed',
          suspend: false,
          podReplacementPolicy: 'TerminatingOrFailed',
        },
      },
    },
    {
      name: 'CronJob',
      input: {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        spec: { schedule: '@hourly', jobTemplate: { spec: {} } },
      },
      want: {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        spec: {
          schedule: '@hourly',
          concurrencyPolicy: 'Allow',
          suspend: false,
          successfulJobsHistoryLimit: 3,
          failedJobsHistoryLimit: 1,
          jobTemplate: { spec: {} },
        },
      },
    },
    {
      name: 'Service ClusterIP',
      input: { apiVersion: 'v1', kind: 'Service', spec: { ports: [{ port: 80 }] } },
      want: {
        apiVersion: 'v1',
        kind: 'Service',
        spec: {
          type: 'ClusterIP',
          sessionAffinity: 'None',
          internalTrafficPolicy: 'Cluster',
          ipFamilyPolicy: 'SingleStack',
          ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
        },
      },
    },
    {
      name: 'Service LoadBalancer',
      input: {
        apiVersion: 'v1',
        kind: 'Service',
        spec: { type: 'LoadBalancer', ports: [{ port: 443, targetPort: 'https' }] },
      },
      want: {
        apiVersion: 'v1',
        kind: 'Service',
        spec: {
          type: 'LoadBalancer',
          sessionAffinity: 'None',
          externalTrafficPolicy: 'Cluster',
          internalTrafficPolicy: 'Cluster',
          ipFamilyPolicy: 'SingleStack',
          allocateLoadBalancerNodePorts: true,
          ports: [{ port: 443, protocol: 'TCP', targetPort: 'https' }],
        },
      },
    },
    {
      name: 'Service headless with ClientIP affinity',
      input: { apiVersion: 'v1', kind: 'Service', spec: { clusterIP: 'None', sessionAffinity: 'ClientIP' } },
      want: {
        apiVersion: 'v1',
        kind: 'Service',
        spec: {
          clusterIP: 'None',
          type: 'ClusterIP',
          sessionAffinity: 'ClientIP',
          sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
          internalTrafficPolicy: 'Cluster',
        },
      },
    },
    {
      name: 'Service ExternalName',
      input: {
        apiVersion: 'v1',
        kind: 'Service',
        spec: { type: 'ExternalName', externalName: 'db.example.com' },
      },
      want: {
        apiVersion: 'v1',
        kind: 'Service',
        spec: { type: 'ExternalName', externalName: 'db.example.com', sessionAffinity: 'None' },
      },
    },
    {
      name: 'Namespace',
      input: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } },
      want: {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: 'team-a', labels: { 'kubernetes.io/metadata.name': 'team-a' } },
        spec: { finalizers: ['kubernetes'] },
        status: { phase: 'Active' },
      },
    },
    {
      name: 'PersistentVolumeClaim',
      input: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', spec: { accessModes: ['ReadWriteOnce'] } },
      want: {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        spec: { accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem' },
        status: { phase: 'Pending' },
      },
    },
    {
      name: 'Secret',
      input: { apiVersion: 'v1', kind: 'Secret', data: {} },
      want: { apiVersion: 'v1', kind: 'Secret', data: {}, type: 'Opaque' },
    },
    {
      name: 'Node',
      input: { apiVersion: 'v1', kind: 'Node', status: { capacity: { cpu: '4' } } },
      want: { apiVersion: 'v1', kind: 'Node', status: { capacity: { cpu: '4' }, allocatable: { cpu: '4' } } },
    },
    {
      name: 'ConfigMap (no defaults)',
      input: { apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'b' } },
      want: { apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'b' } },
    },
    {
      name: 'unknown kind is returned unchanged',
      input: { apiVersion: 'example.com/v1', kind: 'Widget', spec: { replicas: null } },
      want: { apiVersion: 'example.com/v1', kind: 'Widget', spec: { replicas: null } },
    },
  ])('$name', ({ input, want }) => {
    expect(applyDefaults(input)).toEqual(want);
  });

  it('Pod: containers, probes, ports, env, volumes, requests from limits', () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default' },
      spec: {
        containers: [
          {
            name: 'app',
            image: 'registry.example.com:5000/app@sha256:abc',
            ports: [{ containerPort: 8080 }],
            env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
            resources: { limits: { cpu: '0.5', memory: '1.5Gi' }, requests: { memory: '1000Mi' } },
            livenessProbe: { httpGet: { port: 8080 } },
            readinessProbe: { exec: { command: ['true'] }, periodSeconds: 0, failureThreshold: 5 },
          },
        ],
        volumes: [
          { name: 'a', configMap: { name: 'cm' } },
          { name: 'b' },
          { name: 'c', secret: { secretName: 's', defaultMode: 256 } },
        ],
      },
    };
    expect(applyDefaults(pod)).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'default' },
      spec: {
        ...templateSpecDefaults,
        enableServiceLinks: true,
        containers: [
          {
            name: 'app',
            image: 'registry.example.com:5000/app@sha256:abc',
            imagePullPolicy: 'IfNotPresent',
            ...containerDefaults,
            ports: [{ containerPort: 8080, protocol: 'TCP' }],
            env: [
              { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName', apiVersion: 'v1' } } },
            ],
            resources: {
              limits: { cpu: '500m', memory: '1536Mi' },
              requests: { cpu: '500m', memory: '1000Mi' },
            },
            livenessProbe: {
              httpGet: { port: 8080, path: '/', scheme: 'HTTP' },
              timeoutSeconds: 1,
              periodSeconds: 10,
              successThreshold: 1,
              failureThreshold: 3,
            },
            readinessProbe: {
              exec: { command: ['true'] },
              timeoutSeconds: 1,
              periodSeconds: 10,
              successThreshold: 1,
              failureThreshold: 5,
            },
          },
        ],
        volumes: [
          { name: 'a', configMap: { name: 'cm', defaultMode: 420 } },
          { name: 'b', emptyDir: {} },
          { name: 'c', secret: { secretName: 's', defaultMode: 256 } },
        ],
      },
    });
  });

  it('pod templates get no requests from limits and no enableServiceLinks (Pod-only defaults)', () => {
    const d = applyDefaults(m.daemonSet());
    const spec = d.spec.template.spec as Record<string, unknown> & typeof d.spec.template.spec;
    expect(spec.enableServiceLinks).toBeUndefined();
    expect(spec.containers[0]!.resources.requests).toEqual({ cpu: '100m', memory: '200Mi' });
    const dep = applyDefaults({
      ...m.nginxDeployment(),
      spec: {
        ...m.nginxDeployment().spec,
        template: {
          metadata: { labels: { app: 'nginx' } },
          spec: { containers: [{ name: 'a', image: 'a:1', resources: { limits: { cpu: '1' } } }] },
        },
      },
    });
    expect(dep.spec.template.spec.containers[0]!.resources).toEqual({ limits: { cpu: '1' } });
  });

  it('never defaults a workload selector from the template labels', () => {
    const dep = m.nginxDeployment() as { spec: { selector?: unknown } };
    delete dep.spec.selector;
    expect((applyDefaults(dep) as typeof dep).spec.selector).toBeUndefined();
  });

  it.each([
    ['nginx', 'latest', 'Always'],
    ['nginx:latest', 'latest', 'Always'],
    ['nginx:1.25', '1.25', 'IfNotPresent'],
    ['localhost:5000/nginx', 'latest', 'Always'],
    ['localhost:5000/nginx:v2', 'v2', 'IfNotPresent'],
    ['nginx@sha256:0123', '', 'IfNotPresent'],
    ['nginx:latest@sha256:0123', 'latest', 'Always'],
  ])('image %s has tag %j → %s', (image, tag, policy) => {
    expect(imageTag(image)).toBe(tag);
    expect(defaultPullPolicy(image)).toBe(policy);
  });
});

describe('applyDefaults guarantees', () => {
  it.each(Object.entries(validManifests))('%s: input untouched (even frozen), idempotent', (_, make) => {
    const input = deepFreeze(make());
    const snapshot = structuredClone(input);
    const once = applyDefaults(input);
    expect(input).toEqual(snapshot);
    expect(once).not.toBe(input);
    expect(applyDefaults(once)).toEqual(once);
    expect(applyDefaults(deepFreeze(structuredClone(once)))).toEqual(once);
  });

  it('is idempotent on arbitrary (even malformed) objects of known kinds', () => {
    const kinds = fc.constantFrom(
      ['v1', 'Pod'],
      ['v1', 'Service'],
      ['apps/v1', 'Deployment'],
      ['apps/v1', 'StatefulSet'],
      ['apps/v1', 'DaemonSet'],
      ['batch/v1', 'Job'],
      ['batch/v1', 'CronJob'],
      ['v1', 'Namespace'],
    );
    const value = fc.anything({ maxDepth: 3, withNullPrototype: false });
    const container = fc.record(
      {
        name: fc.string(),
        image: fc.oneof(fc.constantFrom('nginx', 'nginx:1', 'a@sha256:1', 'nginx:latest'), value),
        ports: fc.array(
          fc.record({ containerPort: fc.integer(), protocol: fc.option(fc.constantFrom('TCP', 'UDP', '')) }),
        ),
        resources: fc.record({
          limits: fc.dictionary(
            fc.constantFrom('cpu', 'memory'),
            fc.constantFrom('1', '100m', '0.5', '1.5Gi', 'bad', '1n'),
          ),
        }),
        livenessProbe: fc.record({
          httpGet: fc.record({ port: fc.integer() }),
          periodSeconds: fc.integer({ min: -1, max: 20 }),
        }),
      },
      { requiredKeys: [] },
    );
    const podSpec = fc.record(
      {
        containers: fc.array(container, { maxLength: 3 }),
        volumes: fc.array(
          fc.record({ name: fc.string(), configMap: fc.option(fc.record({ name: fc.string() })) }),
        ),
        restartPolicy: fc.constantFrom('Always', 'Never', '', undefined),
        hostNetwork: fc.boolean(),
      },
      { requiredKeys: [] },
    );
    const spec = fc.record(
      {
        replicas: fc.option(fc.integer()),
        template: fc.record(
          { metadata: fc.record({ labels: fc.dictionary(fc.string(), fc.string()) }), spec: podSpec },
          { requiredKeys: [] },
        ),
        strategy: fc.record({ type: fc.constantFrom('Recreate', 'RollingUpdate', '') }, { requiredKeys: [] }),
        updateStrategy: fc.record(
          { type: fc.constantFrom('OnDelete', 'RollingUpdate', '') },
          { requiredKeys: [] },
        ),
        ports: fc.array(
          fc.record(
            { port: fc.integer(), targetPort: fc.oneof(fc.integer(), fc.string()) },
            { requiredKeys: ['port'] },
          ),
        ),
        type: fc.constantFrom('ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'),
        sessionAffinity: fc.constantFrom('None', 'ClientIP', ''),
        jobTemplate: fc.record({ spec: fc.record({ template: fc.record({ spec: podSpec }) }) }),
        containers: fc.array(container, { maxLength: 2 }),
        completions: fc.option(fc.nat()),
        parallelism: fc.option(fc.nat()),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        kinds,
        fc.oneof(spec, value),
        fc.option(
          fc.record({ name: fc.string(), labels: fc.option(fc.dictionary(fc.string(), fc.string())) }),
        ),
        ([apiVersion, kind], s, metadata) => {
          const obj = { apiVersion, kind, metadata: metadata ?? undefined, spec: s };
          const once = applyDefaults(obj);
          expect(applyDefaults(once)).toEqual(once);
        },
      ),
      { numRuns: 300 },
    );
  });
});
