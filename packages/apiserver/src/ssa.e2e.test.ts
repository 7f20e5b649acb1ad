/**
 * End to end: `kubectl apply --server-side` (kubectl 1.32, through the gcloud dispatcher) against the
 * server over https, on an embedded cluster: create, unchanged and changed applies, a conflict with
 * `kubectl scale`, `--force-conflicts`, and managedFields as `kubectl get --show-managed-fields` shows them.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  deploymentYaml,
  hasKubectl,
  type KubectlCluster,
  startKubectlCluster,
} from './kubectl-harness.test-support.js';

// kubectl is on every Flotilla machine (see shared/docs/TOOLCHAIN.md): without it this suite fails, loudly.
describe('kubectl apply --server-side against the API server', () => {
  it('finds kubectl on the PATH', () => {
    expect(hasKubectl()).toBe(true);
  });

  let k: KubectlCluster;
  const kubectl = (...args: string[]) => k.kubectl(...args);
  const ok = (...args: string[]) => k.ok(...args);

  const rv = async () => ok('get', 'deploy', 'web', '-o', 'jsonpath={.metadata.resourceVersion}');

  beforeAll(async () => {
    k = await startKubectlCluster({ nodes: 2, runtime: 'simulated', prefix: 'flotilla-ssa-' });
    writeFileSync(join(k.dir, 'v1.yaml'), deploymentYaml(3, 'nginx:1.7.9'));
    writeFileSync(
      join(k.dir, 'v2.yaml'),
      deploymentYaml(3, 'nginx:1.9.1', '\n        env:\n        - name: MODE\n          value: staging'),
    );
    writeFileSync(join(k.dir, 'v3.yaml'), deploymentYaml(2, 'nginx:1.9.1'));
  });

  afterAll(() => k?.close());

  it('creates a new object: serverside-applied, owned by the kubectl Apply manager', async () => {
    expect(await ok('apply', '--server-side', '-f', join(k.dir, 'v1.yaml'))).toBe(
      'deployment.apps/web serverside-applied\n',
    );
    expect(await ok('rollout', 'status', 'deployment/web', '--timeout=20s')).toContain(
      'successfully rolled out',
    );
    const managers = await ok(
      'get',
      'deploy',
      'web',
      '--show-managed-fields',
      '-o',
      'jsonpath={range .metadata.managedFields[*]}{.manager}/{.operation} {end}',
    );
    expect(managers.trim()).toBe('kubectl/Apply');
  });

  it('re-applying the unchanged file writes nothing; a changed file updates', async () => {
    const before = await rv();
    expect(await ok('apply', '--server-side', '-f', join(k.dir, 'v1.yaml'))).toBe(
      'deployment.apps/web serverside-applied\n',
    );
    expect(await rv()).toBe(before);
    expect(await ok('apply', '--server-side', '-f', join(k.dir, 'v2.yaml'))).toBe(
      'deployment.apps/web serverside-applied\n',
    );
    expect(
      await ok('get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].env[0].value}'),
    ).toBe('staging');
    // Dropping the env var from the file removes it: the applier owned it and nobody else does.
    expect(await ok('apply', '--server-side', '-f', join(k.dir, 'v3.yaml'))).toBe(
      'deployment.apps/web serverside-applied\n',
    );
    expect(
      await ok('get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0]}'),
    ).not.toContain('MODE');
    expect(await ok('get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}')).toBe('2');
  });

  it('after kubectl scale, applying a different replicas conflicts; --force-conflicts takes it', async () => {
    expect(await ok('scale', 'deployment/web', '--replicas=4')).toBe('deployment.apps/web scaled\n');
    const yaml = await ok('get', 'deploy', 'web', '-o', 'yaml', '--show-managed-fields');
    expect(yaml).toContain('managedFields:');
    expect(yaml).toMatch(/manager: kubectl\n\s+operation: Apply/);
    expect(yaml).toMatch(/manager: kubectl\n\s+operation: Update\n\s+subresource: scale/);
    // Without the flag kubectl hides them.
    expect(await ok('get', 'deploy', 'web', '-o', 'yaml')).not.toContain('managedFields');

    const conflict = await kubectl('apply', '--server-side', '-f', join(k.dir, 'v3.yaml'));
    expect(conflict.code).toBe(1);
    expect(conflict.err).toContain(
      'Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas',
    );
    expect(conflict.err).toContain('--force-conflicts');
    expect(await ok('get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}')).toBe('4');

    expect(await ok('apply', '--server-side', '--force-conflicts', '-f', join(k.dir, 'v3.yaml'))).toBe(
      'deployment.apps/web serverside-applied\n',
    );
    expect(await ok('get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}')).toBe('2');
    expect(await ok('rollout', 'status', 'deployment/web', '--timeout=20s')).toContain(
      'successfully rolled out',
    );
  });

  it('get -o yaml --show-managed-fields shows each manager and its fields', async () => {
    expect(await ok('label', 'deployment', 'web', 'env=dev')).toBe('deployment.apps/web labeled\n');
    const yaml = await ok('get', 'deploy', 'web', '-o', 'yaml', '--show-managed-fields');
    expect(yaml).toMatch(/- apiVersion: apps\/v1\n\s+fieldsType: FieldsV1\n\s+fieldsV1:\n\s+f:metadata:/);
    expect(yaml).toMatch(/manager: kubectl\n\s+operation: Apply/);
    expect(yaml).toMatch(/manager: kubectl-label\n\s+operation: Update/);
    expect(yaml).toContain('f:env: {}');
    expect(yaml).toContain('k:{"name":"web"}:');
    // Server-side apply by another manager of a field kubectl-label owns conflicts too.
    const other = join(k.dir, 'labels.yaml');
    writeFileSync(
      other,
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  labels: {env: prod}\n',
    );
    const r = await kubectl('apply', '--server-side', '--field-manager=team-b', '-f', other);
    expect(r.code).toBe(1);
    expect(r.err).toContain('conflict with "kubectl-label" using apps/v1: .metadata.labels.env');
  });

  it('moves an object from client-side apply to server-side apply without --force-conflicts', async () => {
    const csa = (replicas: number) =>
      deploymentYaml(replicas, 'nginx:1.7.9').replace('name: web\n', 'name: csa\n');
    writeFileSync(join(k.dir, 'csa1.yaml'), csa(1));
    writeFileSync(join(k.dir, 'csa2.yaml'), csa(2));
    expect(await ok('apply', '-f', join(k.dir, 'csa1.yaml'))).toBe('deployment.apps/csa created\n');
    expect(await ok('apply', '--server-side', '-f', join(k.dir, 'csa2.yaml'))).toBe(
      'deployment.apps/csa serverside-applied\n',
    );
    expect(await ok('get', 'deploy', 'csa', '-o', 'jsonpath={.spec.replicas}')).toBe('2');
    const managers = await ok(
      'get',
      'deploy',
      'csa',
      '-o',
      'jsonpath={range .metadata.managedFields[*]}{.manager}/{.operation} {end}',
    );
    // kubectl moved the client-side-apply manager's fields to its own Apply entry (a JSON patch of
    // managedFields) and re-applied, which pruned what the file does not set, as against Kubernetes.
    expect(managers.trim().split(' ').sort()).toEqual(['kubectl-last-applied/Apply', 'kubectl/Apply']);
    // The server rewrote the last-applied annotation to the server-side-applied file (as Kubernetes).
    expect(
      await ok(
        'get',
        'deploy',
        'csa',
        '-o',
        'jsonpath={.metadata.annotations.kubectl\\.kubernetes\\.io/last-applied-configuration}',
      ),
    ).toContain('"replicas":2');
  });
});
