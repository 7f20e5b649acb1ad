/**
 * End to end: the real `kubectl logs` (plain, --tail, --timestamps, -f) through the API server and the
 * node agent, on a one-node cluster running the `web` example image as a real process. Loopback only.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KubectlCluster, processesOfPod, startKubectlCluster } from './kubectl-harness.test-support.js';

const IMAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../examples/images');
const POD = `logs-e2e-${randomBytes(3).toString('hex')}`;
const LISTENING = /^web v1 listening on 127\.0\.0\.1:\d+$/;

describe('kubectl logs through the API server and the node agent', () => {
  let k: KubectlCluster;
  const children = new Set<ChildProcess>();
  const kubectl = (...args: string[]) => k.kubectl(...args);

  /** `kubectl logs -f …` as a child: its output so far, a wait for a pattern, and its exit. */
  function follow(...args: string[]) {
    const child = spawn('kubectl', ['logs', '-f', ...args], {
      env: k.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    let out = '';
    let err = '';
    const waiters: (() => void)[] = [];
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      for (const w of waiters.splice(0)) w();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const exited = new Promise<number | null>((resolve) =>
      child.once('exit', (code) => {
        children.delete(child);
        resolve(code);
      }),
    );
    return {
      child,
      exited,
      out: () => out,
      err: () => err,
      async waitFor(pattern: RegExp, ms = 8000): Promise<void> {
        const deadline = Date.now() + ms;
        while (!pattern.test(out)) {
          if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}: ${out} ${err}`);
          await new Promise<void>((resolve) => {
            waiters.push(resolve);
            setTimeout(resolve, 100);
          });
        }
      },
    };
  }

  beforeAll(async () => {
    k = await startKubectlCluster({
      runtime: 'process',
      imageDir: IMAGE_DIR,
      nodes: 1,
      nodeConnections: true,
      prefix: 'flotilla-logs-',
      timeoutMs: 10_000,
    });
    const created = await kubectl('run', POD, '--image=web:v1', '--port=8080');
    expect(created.code, created.err).toBe(0);
    const ready = await kubectl('wait', '--for=condition=Ready', `pod/${POD}`, '--timeout=8s');
    expect(ready.code, ready.err).toBe(0);
  }, 15_000);

  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await k?.close();
    expect(processesOfPod(POD)).toEqual([]);
  });

  it('logs prints the container output; --tail, --timestamps, --limit-bytes, -l', async () => {
    let r = await kubectl('logs', POD);
    for (let i = 0; i < 20 && r.code === 0 && r.out === ''; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      r = await kubectl('logs', POD);
    }
    expect(r.code, r.err).toBe(0);
    expect(r.out.split('\n')).toEqual([expect.stringMatching(LISTENING), '']);
    const tail = await kubectl('logs', POD, '--tail=1', '--timestamps');
    expect(tail.code, tail.err).toBe(0);
    expect(tail.out).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z web v1 listening on 127\.0\.0\.1:\d+\n$/,
    );
    expect((await kubectl('logs', POD, '--tail=0')).out).toBe('');
    expect((await kubectl('logs', POD, '--limit-bytes=6')).out).toBe('web v1');
    const bySelector = await kubectl('logs', '-l', `run=${POD}`, '--tail=1');
    expect(bySelector.code, bySelector.err).toBe(0);
    expect(bySelector.out).toMatch(/^web v1 listening on 127\.0\.0\.1:\d+\n$/);
  });

  it('errors: a missing pod, an unknown container (kubectl checks both on its GET pod first)', async () => {
    const missing = await kubectl('logs', 'nope');
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('rror from server (NotFound): pods "nope" not found');
    const bad = await kubectl('logs', POD, '-c', 'other');
    expect(bad.code).toBe(1);
    expect(bad.err).toContain(`container other is not valid for pod ${POD}`);
  });

  it('logs -f streams until killed, and until the container stops', async () => {
    const killed = follow(POD);
    await killed.waitFor(/web v1 listening/);
    killed.child.kill('SIGTERM');
    await killed.exited;

    const f = follow(POD);
    await f.waitFor(/web v1 listening on .*\n/);
    const deleted = await kubectl('delete', 'pod', POD, '--grace-period=5', '--wait=false');
    expect(deleted.code, deleted.err).toBe(0);
    expect(await f.exited).toBe(0);
    expect(f.out()).toMatch(/^web v1 listening on 127\.0\.0\.1:\d+\nweb v1 shutting down\n$/);
  });
});
