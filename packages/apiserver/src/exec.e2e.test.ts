/**
 * End to end: the real `kubectl exec` (WebSocket v5.channel.k8s.io) through the API server and the node
 * agent, on one-node clusters with the simulated runtime and with the process runtime (the `web`
 * example image as a real process). Loopback only.
 */
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type KubectlCluster,
  processesOfPod,
  runKubectl,
  startKubectlCluster,
} from './kubectl-harness.test-support.js';

const IMAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../../examples/images');

describe.each([
  { runtime: 'simulated' as const, image: 'busybox:1.36' },
  { runtime: 'process' as const, image: 'web:v1' },
])('kubectl exec through the API server and the node agent ($runtime runtime)', ({ runtime, image }) => {
  const POD = `exec-e2e-${runtime}-${randomBytes(3).toString('hex')}`;
  let k: KubectlCluster;

  /** Runs kubectl with `input` on its stdin (none: stdin closed). */
  const kubectl = (args: string[], input?: string) => runKubectl(k.env, args, { input, timeoutMs: 15_000 });

  beforeAll(async () => {
    k = await startKubectlCluster({
      runtime,
      imageDir: IMAGE_DIR,
      nodes: 1,
      nodeConnections: true,
      prefix: 'flotilla-exec-',
    });
    const created = await kubectl([
      'run',
      POD,
      `--image=${image}`,
      '--port=8080',
      '--env=GREETING=hello there',
    ]);
    expect(created.code, created.err).toBe(0);
    const ready = await kubectl(['wait', '--for=condition=Ready', `pod/${POD}`, '--timeout=8s']);
    expect(ready.code, ready.err).toBe(0);
  }, 20_000);

  afterAll(async () => {
    await k?.close();
    expect(processesOfPod(POD)).toEqual([]);
  });

  it('exec -- env prints the container environment', async () => {
    const r = await kubectl(['exec', POD, '--', 'env']);
    expect(r.code, r.err).toBe(0);
    const lines = r.out.split('\n');
    expect(lines).toContain(`HOSTNAME=${POD}`);
    expect(lines).toContain('GREETING=hello there');
    if (runtime === 'process') expect(lines).toContain('VERSION=v1');
    expect(r.err).toBe('');
  });

  it("exec -- sh -c 'exit 3' exits 3 with kubectl's message", async () => {
    const r = await kubectl(['exec', POD, '--', 'sh', '-c', 'exit 3']);
    expect(r.code).toBe(3);
    expect(r.err).toContain('command terminated with exit code 3');
    const ok = await kubectl(['exec', POD, '-c', POD, '--', 'sh', '-c', 'echo "$GREETING"; exit 0']);
    expect([ok.code, ok.out]).toEqual([0, 'hello there\n']);
  });

  it('echo hi | exec -i -- cat copies stdin to stdout', async () => {
    const r = await kubectl(['exec', '-i', POD, '--', 'cat'], 'hi\n');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe('hi\n');
    const empty = await kubectl(['exec', '-i', POD, '--', 'cat'], '');
    expect([empty.code, empty.out]).toEqual([0, '']);
  });

  it('errors: a missing pod, an unknown container', async () => {
    const missing = await kubectl(['exec', 'nope', '--', 'env']);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain('Error from server (NotFound): pods "nope" not found');
    const container = await kubectl(['exec', POD, '-c', 'other', '--', 'env']);
    expect(container.code).toBe(1);
    expect(container.err).toContain(`container other is not valid for pod ${POD}`);
  });

  // The simulated runtime has no shell redirection nor missing executables: real processes only.
  if (runtime === 'process') {
    it('stderr is separate; a missing executable is an error, not an exit code', async () => {
      const r = await kubectl(['exec', POD, '--', 'sh', '-c', 'echo out; echo oops >&2; exit 2']);
      expect([r.code, r.out]).toEqual([2, 'out\n']);
      expect(r.err).toContain('oops\n');
      expect(r.err).toContain('command terminated with exit code 2');
      const missing = await kubectl(['exec', POD, '--', 'no-such-tool']);
      expect(missing.code).toBe(1);
      expect(missing.err).toContain('exec: "no-such-tool": executable file not found in $PATH');
    });
  }
});
