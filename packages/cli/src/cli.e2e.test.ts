/**
 * End to end: `flotilla up` as a child process (Node + tsx, from source), driven by the real kubectl
 * 1.32 over its kubeconfig, stopped with SIGINT. Loopback only.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  eventually,
  killChildren,
  portIsClosed,
  processesOfPod,
  type Running,
  runKubectl,
  start,
} from './kubectl.test-support.js';
import { KUBECONFIG_MARKER } from './up.js';

const packageDir = join(import.meta.dirname, '..');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'flotilla-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

afterEach(killChildren);

function flotilla(...args: string[]): Running {
  return flotillaWith([], args);
}

/** `nodeArgs` go to Node before the script (e.g. `--import` of a test-support module). */
function flotillaWith(nodeArgs: string[], args: string[]): Running {
  return start(
    process.execPath,
    ['--conditions=@flotilla/source', '--import', 'tsx', ...nodeArgs, 'src/flotilla.ts', ...args],
    { cwd: packageDir, env: { PATH: process.env.PATH, HOME: dir }, name: 'flotilla' },
  );
}

/** Runs kubectl against `kubeconfig` and returns its stdout; throws unless it exits 0. */
async function kubectl(kubeconfig: string, ...args: string[]): Promise<string> {
  const r = await runKubectl(
    { PATH: process.env.PATH, HOME: dir },
    ['--kubeconfig', kubeconfig, ...args],
    15_000,
  );
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.err}`);
  return r.out;
}

/** A loopback port nothing listens on (bound, then released). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function stopAndCheck(f: Running, port: number, kubeconfig: string): Promise<void> {
  f.child.kill('SIGINT');
  expect(await f.exited).toEqual({ code: 0, signal: null });
  expect(f.out()).toMatch(/SIGINT: stopping\nstopped\n$/);
  expect(f.err()).toBe('');
  await checkNothingLeft(port, kubeconfig);
}

async function checkNothingLeft(port: number, kubeconfig: string): Promise<void> {
  expect(await portIsClosed(port)).toBe(true);
  expect(statSync(kubeconfig, { throwIfNoEntry: false })).toBeUndefined();
}

const webPod = (name: string) => `apiVersion: v1
kind: Pod
metadata: {name: ${name}}
spec:
  terminationGracePeriodSeconds: 5
  containers:
  - name: web
    image: web:v1
    ports: [{containerPort: 8080}]
`;

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
`;

describe('flotilla up', () => {
  it('serves kubectl, rolls out a Deployment on simulated nodes, and stops cleanly on SIGINT', async () => {
    const kubeconfig = join(dir, 'simulated.kubeconfig');
    const f = flotilla(
      'up',
      '--port',
      '0',
      '--nodes',
      '2',
      '--runtime',
      'simulated',
      '--kubeconfig',
      kubeconfig,
    );
    const [, exported] = await f.waitFor(/export KUBECONFIG=(\S+)\n/);
    expect(exported).toBe(kubeconfig);
    expect(f.out()).toContain('  kubectl get nodes\n');
    const port = Number((await f.waitFor(/API server: https:\/\/127\.0\.0\.1:(\d+)\n/))[1]);
    expect(port).toBeGreaterThan(0);
    expect(statSync(kubeconfig).mode & 0o777).toBe(0o600);
    expect(readFileSync(kubeconfig, 'utf8')).toMatch(
      new RegExp(
        `^${KUBECONFIG_MARKER.replace(/[`()]/g, '\\$&')}[^\\n]*\\n[^]*certificate-authority-data: \\S+[^]*token: \\S+`,
      ),
    );

    const nodes = await kubectl(kubeconfig, 'get', 'nodes');
    expect(nodes).toMatch(/^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\n/);
    expect(nodes).toMatch(/\nnode-1\s+Ready\s/);
    expect(nodes).toMatch(/\nnode-2\s+Ready\s/);
    expect(nodes.trim().split('\n')).toHaveLength(3);

    writeFileSync(join(dir, 'web.yaml'), DEPLOYMENT);
    expect(await kubectl(kubeconfig, 'create', '-f', join(dir, 'web.yaml'))).toBe(
      'deployment.apps/web created\n',
    );
    await eventually(
      'availableReplicas',
      () => kubectl(kubeconfig, 'get', 'deploy', 'web', '-o', 'jsonpath={.status.availableReplicas}'),
      (v) => v === '2',
    );

    await stopAndCheck(f, port, kubeconfig);
  });

  it('with the process runtime, a missing image is ErrImagePull / ImagePullBackOff; real processes end on stop', async () => {
    const kubeconfig = join(dir, 'process.kubeconfig');
    const f = flotilla(
      'up',
      '--port',
      '0',
      '--nodes',
      '1',
      '--runtime',
      'process',
      '--kubeconfig',
      kubeconfig,
    );
    const port = Number((await f.waitFor(/API server: https:\/\/127\.0\.0\.1:(\d+)\n/))[1]);
    await f.waitFor(/export KUBECONFIG=/);
    const real = `real-${process.pid}`;
    writeFileSync(
      join(dir, 'pods.yaml'),
      `apiVersion: v1
kind: Pod
metadata: {name: missing}
spec:
  containers:
  - {name: app, image: "no-such-image:v9"}
---
${webPod(real)}`,
    );
    await kubectl(kubeconfig, 'create', '-f', join(dir, 'pods.yaml'));

    const status = await eventually(
      'missing pod status',
      () => kubectl(kubeconfig, 'get', 'pod', 'missing', '--no-headers'),
      (out) => /\s(ErrImagePull|ImagePullBackOff)\s/.test(out),
    );
    expect(status).toMatch(/^missing\s+0\/1\s+(ErrImagePull|ImagePullBackOff)\s+0\s+/);
    const message = await kubectl(
      kubeconfig,
      'get',
      'pod',
      'missing',
      '-o',
      'jsonpath={.status.containerStatuses[0].state.waiting.message}',
    );
    expect(message).toContain('image "no-such-image:v9" not found in local image directory');

    await eventually(
      'real pod',
      () => kubectl(kubeconfig, 'get', 'pod', real, '--no-headers'),
      (out) => /\s1\/1\s+Running\s/.test(out),
    );
    expect(processesOfPod(real).length).toBeGreaterThan(0);
    // `up` hands the API server the cluster's node connections: kubectl logs reaches the agent.
    const logs = await eventually(
      'real pod logs',
      () => kubectl(kubeconfig, 'logs', real, '--tail=1'),
      (out) => out !== '',
    );
    expect(logs).toMatch(/^web v1 listening on 127\.0\.0\.1:\d+\n$/);

    await stopAndCheck(f, port, kubeconfig);
    expect(processesOfPod(real)).toEqual([]);
  });

  it('an unexpected error stops everything like SIGTERM, then exits 1', async () => {
    const kubeconfig = join(dir, 'crash.kubeconfig');
    const f = flotillaWith(
      ['--import', './src/crash.test-support.ts'],
      ['up', '--nodes', '1', '--runtime', 'process', '--kubeconfig', kubeconfig],
    );
    const port = Number((await f.waitFor(/API server: https:\/\/127\.0\.0\.1:(\d+)\n/))[1]);
    await f.waitFor(/export KUBECONFIG=/);
    const pod = `crash-${process.pid}`;
    writeFileSync(join(dir, 'crash.yaml'), webPod(pod));
    await kubectl(kubeconfig, 'create', '-f', join(dir, 'crash.yaml'));
    await eventually(
      'pod',
      () => kubectl(kubeconfig, 'get', 'pod', pod, '--no-headers'),
      (out) => /\s1\/1\s+Running\s/.test(out),
    );
    expect(processesOfPod(pod).length).toBeGreaterThan(0);

    f.child.kill('SIGUSR2');
    expect(await f.exited).toEqual({ code: 1, signal: null });
    expect(f.err()).toBe('error: unexpected: boom (injected by the test); stopping\n');
    expect(f.out()).toMatch(/SIGTERM: stopping\nstopped\n$/);
    await checkNothingLeft(port, kubeconfig);
    expect(processesOfPod(pod)).toEqual([]);
  });

  it('fails with exit code 1 and the reason when the store is unreachable, leaving nothing behind', async () => {
    const closed = await freePort();
    const kubeconfig = join(dir, 'etcd.kubeconfig');
    const f = flotilla(
      'up',
      '--nodes',
      '1',
      '--store',
      `etcd:127.0.0.1:${closed}`,
      '--kubeconfig',
      kubeconfig,
    );
    expect(await f.exited).toEqual({ code: 1, signal: null });
    expect(f.out()).toBe('');
    expect(f.err()).toMatch(/^error: cannot start the cluster: etcd unavailable: .+\n$/);
    expect(statSync(kubeconfig, { throwIfNoEntry: false })).toBeUndefined();
  });

  it('rejects bad flags with exit code 2, naming the flag and the rule, without a stack trace', async () => {
    const f = flotilla('up', '--nodes', '0', '--store', 'redis:x');
    expect(await f.exited).toEqual({ code: 2, signal: null });
    expect(f.out()).toBe('');
    expect(f.err()).toBe(
      [
        'error: --nodes: Invalid value: "0": must be between 1 and 1000',
        'error: --store: Unsupported value: "redis:x": supported values: "memory", "sqlite:PATH", "etcd:URL"',
        "Run 'flotilla up --help' for usage.",
        '',
      ].join('\n'),
    );
  });
});
