/**
 * End to end: `kubectl apply --server-side` (kubectl 1.32, through the gcloud dispatcher) against the
 * server over https, on an embedded cluster: create, unchanged and changed applies, a conflict with
 * `kubectl scale`, `--force-conflicts`, and managedFields as `kubectl get --show-managed-fields` shows them.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Cluster, createCluster } from '@flotilla/host';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, createApiServer } from './server.js';

const run = promisify(execFile);
const hasKubectl = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

const DEPLOYMENT = (replicas: number, image: string, env = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: ${replicas}
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: ${image}
        ports:
        - containerPort: 80${env}
`;

// kubectl is on every Flotilla machine (see shared/docs/TOOLCHAIN.md): without it this suite fails, loudly.
describe('kubectl apply --server-side against the API server', () => {
  it('finds kubectl on the PATH', () => {
    expect(hasKubectl).toBe(true);
  });

  let cluster: Cluster;
  let server: ApiServer;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  async function kubectl(...args: string[]): Promise<{ out: string; err: string; code: number }> {
    try {
      const { stdout, stderr } = await run('kubectl', args, { env, timeout: 20_000 });
      return { out: stdout, err: stderr, code: 0 };
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string; code?: number };
      return { out: e.stdout ?? '', err: e.stderr ?? '', code: typeof e.code === 'number' ? e.code : 1 };
    }
  }

  async function ok(...args: string[]): Promise<string> {
    const r = await kubectl(...args);
    expect(r.code, `kubectl ${args.join(' ')}: ${r.err}`).toBe(0);
    return r.out;
  }

  const rv = async () => ok('get', 'deploy', 'web', '-o', 'jsonpath={.metadata.resourceVersion}');

  beforeAll(async () => {
    cluster = createCluster({ nodes: 2, runtime: 'simulated' });
    await cluster.start();
    server = await createApiServer({ store: cluster.store, clock: cluster.clock });
    dir = mkdtempSync(join(tmpdir(), 'flotilla-ssa-'));
    writeFileSync(join(dir, 'kubeconfig'), server.kubeconfig());
    writeFileSync(join(dir, 'v1.yaml'), DEPLOYMENT(3, 'nginx:1.7.9'));
    writeFileSync(
      join(dir, 'v2.yaml'),
      DEPLOYMENT(3, 'nginx:1.9.1', '\n        env:\n        - name: MODE\n          value: staging'),
    );
    writeFileSync(join(dir, 'v3.yaml'), DEPLOYMENT(2, 'nginx:1.9.1'));
    env = { PATH: process.env.PATH, HOME: dir, KUBECONFIG: join(dir, 'kubeconfig') };
  });

  afterAll(async () => {
    await server?.close();
    await cluster?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('creates a new object: serverside-applied, owned by the kubectl Apply manager', async () => {
    expect(await ok('apply', '--server-side', '-f', join(dir, 'v1.yaml'))).toBe(
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
    expect(await ok('apply', '--server-side', '-f', join(dir, 'v1.yaml'))).toBe(
      'deployment.apps/web serverside-applied\n',
    );
    expect(await rv()).toBe(before);
    expect(await ok('apply', '--server-side', '-f', join(dir, 'v2.yaml'))).toBe(
      'deployment.apps/web serverside-applied\n',
    );
    expect(
      await ok('get', 'deploy', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].env[0].value}'),
    ).toBe('staging');
    // Dropping the env var from the file removes it: the applier owned it and nobody else does.
    expect(await ok('apply', '--server-side', '-f', join(dir, 'v3.yaml'))).toBe(
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

    const conflict = await kubectl('apply', '--server-side', '-f', join(dir, 'v3.yaml'));
    expect(conflict.code).toBe(1);
    expect(conflict.err).toContain(
      'Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas',
    );
    expect(conflict.err).toContain('--force-conflicts');
    expect(await ok('get', 'deploy', 'web', '-o', 'jsonpath={.spec.replicas}')).toBe('4');

    expect(await ok('apply', '--server-side', '--force-conflicts', '-f', join(dir, 'v3.yaml'))).toBe(
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
    const other = join(dir, 'labels.yaml');
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
      DEPLOYMENT(replicas, 'nginx:1.7.9').replace('name: web\n', 'name: csa\n');
    writeFileSync(join(dir, 'csa1.yaml'), csa(1));
    writeFileSync(join(dir, 'csa2.yaml'), csa(2));
    expect(await ok('apply', '-f', join(dir, 'csa1.yaml'))).toBe('deployment.apps/csa created\n');
    expect(await ok('apply', '--server-side', '-f', join(dir, 'csa2.yaml'))).toBe(
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
