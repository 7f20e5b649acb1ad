import type { Container, Pod } from '@flotilla/api';
import { describe, expect, it } from 'vitest';
import { containerConfig, expandVars, podSandboxConfig } from './config.js';
import { isRuntimeError } from './errors.js';

describe('expandVars', () => {
  const vars: Record<string, string> = { A: 'a', EMPTY: '', PORT: '8080' };
  const lookup = (name: string) => vars[name];
  it.each([
    { input: '', want: '' },
    { input: 'plain', want: 'plain' },
    { input: '$(A)', want: 'a' },
    { input: 'x-$(A)-$(PORT)', want: 'x-a-8080' },
    { input: '$(EMPTY)x', want: 'x' },
    { input: '$(MISSING)', want: '$(MISSING)' },
    { input: '$$(A)', want: '$(A)' },
    { input: '$$$(A)', want: '$a' },
    { input: '$$', want: '$' },
    { input: '$(A', want: '$(A' },
    { input: '$A', want: '$A' },
    { input: 'end$', want: 'end$' },
    { input: '$()', want: '$()' },
  ])('$input → $want', ({ input, want }) => {
    expect(expandVars(input, lookup)).toBe(want);
  });
});

const pod = (containers: Container[], extra: Partial<Pod> = {}): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'web-1',
    namespace: 'shop',
    uid: 'u-1',
    labels: { app: 'web' },
    annotations: { note: 'n' },
  },
  spec: { containers, nodeName: 'node-a' },
  ...extra,
});

describe('podSandboxConfig', () => {
  it('takes identity, labels, annotations, hostname and every container port from the pod', () => {
    const p = pod([
      { name: 'a', ports: [{ containerPort: 80, name: 'http' }] },
      { name: 'b', ports: [{ containerPort: 53, protocol: 'UDP', hostPort: 5353 }] },
    ]);
    expect(podSandboxConfig(p, 2)).toEqual({
      uid: 'u-1',
      name: 'web-1',
      namespace: 'shop',
      attempt: 2,
      labels: {
        app: 'web',
        'io.kubernetes.pod.name': 'web-1',
        'io.kubernetes.pod.namespace': 'shop',
        'io.kubernetes.pod.uid': 'u-1',
      },
      annotations: { note: 'n' },
      hostname: 'web-1',
      portMappings: [
        { containerPort: 80, protocol: 'TCP', name: 'http' },
        { containerPort: 53, protocol: 'UDP', hostPort: 5353 },
      ],
    });
    expect(podSandboxConfig({ ...p, spec: { ...p.spec!, hostname: 'custom' } }).hostname).toBe('custom');
  });

  it.each([
    { name: 'no uid', metadata: { name: 'x' }, field: 'metadata.uid' },
    { name: 'no name', metadata: { uid: 'u' }, field: 'metadata.name' },
  ])('rejects a pod with $name, naming the field', ({ metadata, field }) => {
    let error: unknown;
    try {
      podSandboxConfig({ apiVersion: 'v1', kind: 'Pod', metadata, spec: { containers: [] } });
    } catch (e) {
      error = e;
    }
    expect(isRuntimeError(error, 'InvalidConfig')).toBe(true);
    expect((error as Error).message).toMatch(new RegExp(`^${field.replace('.', '\\.')}: Required value`));
  });
});

describe('containerConfig', () => {
  it('resolves env in order with references, field refs and service variables, then expands command and args', () => {
    const c: Container = {
      name: 'app',
      image: 'web:v1',
      command: ['node', '$(ENTRY)'],
      args: ['--port=$(PORT)', '--pod=$(POD)', '$$(PORT)', '$(UNKNOWN)'],
      workingDir: '/srv',
      ports: [{ containerPort: 8080 }],
      env: [
        { name: 'PORT', value: '8080' },
        { name: 'ENTRY', value: 'server.mjs' },
        { name: 'URL', value: 'http://$(DB_SERVICE_HOST):$(PORT)' },
        { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
        { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
        { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
        { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
        { name: 'PORT', value: '9090' },
      ],
      resources: { limits: { cpu: '1' } },
    };
    const config = containerConfig(pod([c]), c, {
      attempt: 3,
      podIP: '10.0.0.7',
      serviceEnv: { DB_SERVICE_HOST: '10.96.0.10' },
    });
    expect(config.env).toEqual([
      { name: 'ENTRY', value: 'server.mjs' },
      { name: 'URL', value: 'http://10.96.0.10:8080' },
      { name: 'POD', value: 'web-1' },
      { name: 'NS', value: 'shop' },
      { name: 'APP', value: 'web' },
      { name: 'NODE', value: 'node-a' },
      { name: 'IP', value: '10.0.0.7' },
      { name: 'PORT', value: '9090' },
    ]);
    expect(config).toMatchObject({
      name: 'app',
      attempt: 3,
      image: 'web:v1',
      command: ['node', 'server.mjs'],
      args: ['--port=9090', '--pod=web-1', '$(PORT)', '$(UNKNOWN)'],
      workingDir: '/srv',
      ports: [{ containerPort: 8080, protocol: 'TCP' }],
      labels: { 'io.kubernetes.container.name': 'app', 'io.kubernetes.pod.uid': 'u-1' },
      annotations: { 'io.kubernetes.container.restartCount': '3' },
      resources: { limits: { cpu: '1' } },
    });
  });

  it('resolves configMap and secret references through resolveEnvSource, skipping optional misses', () => {
    const c: Container = {
      name: 'app',
      env: [
        { name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'level' } } },
        { name: 'MAYBE', valueFrom: { secretKeyRef: { name: 's', key: 'k', optional: true } } },
      ],
    };
    const config = containerConfig(pod([c]), c, {
      resolveEnvSource: (_, source) => (source.configMapKeyRef ? 'debug' : undefined),
    });
    expect(config.env).toEqual([{ name: 'LEVEL', value: 'debug' }]);
    expect(config.image).toBe('');
  });

  it('fails with CreateContainerConfigError when a required reference cannot be resolved', () => {
    const c: Container = {
      name: 'app',
      env: [{ name: 'PW', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }],
    };
    let error: unknown;
    try {
      containerConfig(pod([c]), c);
    } catch (e) {
      error = e;
    }
    expect(isRuntimeError(error, 'CreateContainerConfigError')).toBe(true);
    expect((error as Error).message).toContain('"PW"');
  });
});
