/**
 * The harness of the real-kubectl e2e tests: an embedded cluster behind `createApiServer`, a temp dir
 * holding the server's kubeconfig, the environment kubectl runs in, and a runner for kubectl.
 */
import { type ChildProcessByStdio, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { type Cluster, type ClusterOptions, createCluster } from '@flotilla/host';
import { expect } from 'vitest';
import { type ApiServer, createApiServer } from './server.js';

/** What a kubectl run printed and its exit code (1 if it was killed, e.g. on timeout). */
export interface KubectlResult {
  readonly out: string;
  readonly err: string;
  readonly code: number;
}

export interface RunOptions {
  /** Written to kubectl's stdin, which is then closed (default: closed at once). */
  readonly input?: string | undefined;
  /** Killed after this long (default 20 s). */
  readonly timeoutMs?: number;
}

/** True when a kubectl client is on the PATH. */
export function hasKubectl(): boolean {
  return spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;
}

/** The environment for kubectl: only PATH, with HOME and KUBECONFIG inside `dir`. */
export function kubectlEnv(dir: string, kubeconfig = join(dir, 'kubeconfig')): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: dir, KUBECONFIG: kubeconfig };
}

/** What `child` has written so far to stdout and to stderr. */
export function collectOutput(child: ChildProcessByStdio<null | Writable, Readable, Readable>): {
  out: () => string;
  err: () => string;
} {
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return { out: () => out, err: () => err };
}

/** Runs kubectl in `env`; never rejects on a non-zero exit. */
export function runKubectl(
  env: NodeJS.ProcessEnv,
  args: readonly string[],
  { input, timeoutMs = 20_000 }: RunOptions = {},
): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', args, { env, stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs });
    const output = collectOutput(child);
    child.on('error', reject);
    child.on('close', (code) => resolve({ out: output.out(), err: output.err(), code: code ?? 1 }));
    child.stdin.end(input ?? '');
  });
}

/** Asserts a kubectl result exited 0 (the message names the command and its stderr); returns stdout. */
export function expectOk(args: readonly string[], r: KubectlResult): string {
  expect(r.code, `kubectl ${args.join(' ')}: ${r.err}`).toBe(0);
  return r.out;
}

/** A Deployment `web` (label app=web) of `replicas` pods of `image` on port 80; `extra` ends its container. */
export const deploymentYaml = (replicas: number, image: string, extra = '') => `apiVersion: apps/v1
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
        - containerPort: 80${extra}
`;

/** Pids of live processes whose environment has HOSTNAME=<pod> (the process runtime sets it). */
export function processesOfPod(hostname: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const env = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (env.includes(`HOSTNAME=${hostname}`)) pids.push(Number(entry));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

export interface KubectlClusterOptions extends ClusterOptions {
  /** The temp dir's name prefix (under the OS temp dir). */
  readonly prefix: string;
  /** Give the server the nodes' connections (needed by logs and exec). */
  readonly nodeConnections?: boolean;
  /** The default timeout of `kubectl` and `ok` (default 20 s). */
  readonly timeoutMs?: number;
}

export interface KubectlCluster {
  readonly cluster: Cluster;
  readonly server: ApiServer;
  /** A temp dir with the server's `kubeconfig`; removed by `close`. */
  readonly dir: string;
  readonly env: NodeJS.ProcessEnv;
  kubectl(...args: string[]): Promise<KubectlResult>;
  /** Runs kubectl and asserts it exited 0; returns stdout. */
  ok(...args: string[]): Promise<string>;
  /** Stops the server and the cluster, and removes the temp dir. */
  close(): Promise<void>;
}

/** Starts a cluster and an API server, and writes the server's kubeconfig into a fresh temp dir. */
export async function startKubectlCluster({
  prefix,
  nodeConnections = false,
  timeoutMs,
  ...clusterOptions
}: KubectlClusterOptions): Promise<KubectlCluster> {
  const cluster = createCluster(clusterOptions);
  let server: ApiServer;
  try {
    await cluster.start();
    server = await createApiServer({
      store: cluster.store,
      clock: cluster.clock,
      ...(nodeConnections ? { nodes: cluster.nodeConnections() } : {}),
    });
  } catch (error) {
    // A half-started cluster would keep its agents and containers running after the suite fails.
    await cluster.stop();
    throw error;
  }
  const dir = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(dir, 'kubeconfig'), server.kubeconfig());
  const env = kubectlEnv(dir);
  const kubectl = (...args: string[]) => runKubectl(env, args, timeoutMs ? { timeoutMs } : {});
  return {
    cluster,
    server,
    dir,
    env,
    kubectl,
    ok: async (...args) => expectOk(args, await kubectl(...args)),
    async close() {
      await server.close();
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
