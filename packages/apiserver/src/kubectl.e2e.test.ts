/**
 * End to end: the real kubectl (1.32, through the gcloud dispatcher) against the server over https
 * with a bearer token, on an embedded cluster (controllers, scheduler, simulated nodes).
 * Skipped when kubectl is not on PATH.
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
describe('kubectl 1.32 against the API server', () => {
  it('finds kubectl on the PATH', () => {
    expect(hasKubectl()).toBe(true);
  });

  let k: KubectlCluster;
  const kubectl = (...args: string[]) => k.kubectl(...args);
  const ok = (...args: string[]) => k.ok(...args);

  beforeAll(async () => {
    k = await startKubectlCluster({ nodes: 2, runtime: 'simulated', prefix: 'flotilla-kubectl-' });
    writeFileSync(join(k.dir, 'v1.yaml'), deploymentYaml(3, 'nginx:1.7.9'));
    writeFileSync(join(k.dir, 'v2.yaml'), deploymentYaml(2, 'nginx:1.7.9'));
  });

  afterAll(() => k?.close());

  it('version: the dispatcher picks 1.32 from /version', async () => {
    expect(await ok('version')).toMatch(/Server Version: v1\.32\./);
  });

  it('get ns / get nodes -o wide print server-side Tables', async () => {
    const ns = await ok('get', 'ns');
    expect(ns).toMatch(/^NAME\s+STATUS\s+AGE\n/);
    expect(ns).toMatch(/\ndefault\s+Active\s+\d+s\n/);
    expect(await ok('get', 'nodes', '-o', 'wide')).toMatch(
      /NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\s+INTERNAL-IP/,
    );
  });

  it('create -f validates through OpenAPI and the controllers roll the Deployment out', async () => {
    expect(await ok('create', '-f', join(k.dir, 'v1.yaml'))).toBe('deployment.apps/web created\n');
    expect(await ok('rollout', 'status', 'deployment/web', '--timeout=20s')).toContain(
      'successfully rolled out',
    );
    const wide = await ok('get', 'deploy,pods', '-o', 'wide');
    expect(wide).toMatch(/NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\s+CONTAINERS\s+IMAGES\s+SELECTOR/);
    expect(wide).toMatch(/deployment\.apps\/web\s+3\/3\s+3\s+3\s+/);
    expect(wide).toMatch(
      /NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES/,
    );
    expect(wide.match(/pod\/web-\S+\s+1\/1\s+Running\s+0\s+/g)).toHaveLength(3);
  });

  it('get pods -l app=web filters on the server', async () => {
    const names = (await ok('get', 'pods', '-l', 'app=web', '-o', 'name')).trim().split('\n');
    expect(names).toHaveLength(3);
    expect(await ok('get', 'pods', '-l', 'app=db')).toBe('');
  });

  it('label (merge patch), scale (scale subresource), set image (strategic merge patch), apply', async () => {
    expect(await ok('label', 'deployment', 'web', 'env=dev')).toBe('deployment.apps/web labeled\n');
    expect(await ok('get', 'deploy', 'web', '-o', 'jsonpath={.metadata.labels.env}')).toBe('dev');
    expect(await ok('scale', 'deployment/web', '--replicas=4')).toBe('deployment.apps/web scaled\n');
    expect(await ok('rollout', 'status', 'deployment/web', '--timeout=20s')).toContain(
      'successfully rolled out',
    );
    expect((await ok('get', 'pods', '-l', 'app=web', '-o', 'name')).trim().split('\n')).toHaveLength(4);
    expect(await ok('set', 'image', 'deployment/web', 'web=nginx:1.9.1')).toBe(
      'deployment.apps/web image updated\n',
    );
    expect(await ok('rollout', 'status', 'deployment/web', '--timeout=20s')).toContain(
      'successfully rolled out',
    );
    expect(await ok('get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}')).toBe(
      'nginx:1.9.1',
    );
    expect(await ok('apply', '-f', join(k.dir, 'v2.yaml'))).toContain('deployment.apps/web configured');
    expect(await ok('get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}')).toBe('2');
  });

  it('delete removes the Deployment; errors print as Kubernetes prints them', async () => {
    expect(await ok('delete', 'deployment', 'web')).toBe('deployment.apps "web" deleted\n');
    const missing = await kubectl('get', 'deployment', 'web');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('Error from server (NotFound): deployments.apps "web" not found');
    const unknown = await kubectl('get', 'foos');
    expect(unknown.err).toContain('the server doesn\'t have a resource type "foos"');
  });

  it('rejects a wrong token', async () => {
    const bad = join(k.dir, 'bad-kubeconfig');
    writeFileSync(bad, k.server.kubeconfig().replace(/token: .*/, 'token: wrong'));
    const r = await kubectl('--kubeconfig', bad, 'get', 'pods');
    expect(r.code).toBe(1);
    expect(r.err).toContain('You must be logged in to the server (Unauthorized)');
  });
});
