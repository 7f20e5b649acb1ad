import { VirtualClock } from '@flotilla/clock';
import { describe, expect, it } from 'vitest';
import { isRuntimeError } from './errors.js';
import { SimulatedRuntime, type SimulatedRuntimeOptions } from './simulated-runtime.js';
import {
  baseContainerConfig,
  collect,
  describeRuntimeConformance,
  simulatedHarness,
} from './testing/index.js';
import type { ContainerConfig, PodSandboxConfig, RuntimeEvent } from './types.js';

describeRuntimeConformance('SimulatedRuntime', () => simulatedHarness());
describeRuntimeConformance('SimulatedRuntime with start latency', () =>
  simulatedHarness({ startLatencyMs: [5, 50] }),
);

const sandboxConfig = (n: number): PodSandboxConfig => ({
  uid: `uid-${n}`,
  name: `pod-${n}`,
  namespace: 'default',
  attempt: 0,
  labels: {},
  annotations: {},
  hostname: `pod-${n}`,
  portMappings: [],
});

const config = (name: string, image = 'app:1', attempt = 0): ContainerConfig =>
  baseContainerConfig(name, image, [], { attempt, ports: [{ containerPort: 80, protocol: 'TCP' }] });

async function setup(options: Partial<SimulatedRuntimeOptions> = {}) {
  const clock = new VirtualClock();
  const rt = new SimulatedRuntime({ clock, ...options });
  const events: RuntimeEvent[] = [];
  rt.events$.subscribe((e) => events.push(e));
  const start = async (n: number, c = config('app')) => {
    const sandboxId = await rt.runPodSandbox(sandboxConfig(n));
    const id = await rt.createContainer(sandboxId, c);
    const started = rt.startContainer(id);
    await clock.runUntilIdle({ until: clock.now() + 60_000 });
    await started;
    return { sandboxId, id };
  };
  return { clock, rt, events, start };
}

describe('SimulatedRuntime specifics', () => {
  it('replays the same run for the same seed and a different one for another seed', async () => {
    const run = async (seed: number) => {
      const { clock, rt, events } = await setup({
        seed,
        startLatencyMs: [10, 500],
        crashProbability: 0.5,
        exitCodes: [1, 2, 139],
      });
      for (let i = 0; i < 40; i++) {
        const sandboxId = await rt.runPodSandbox(sandboxConfig(i));
        void rt.startContainer(await rt.createContainer(sandboxId, config('app')));
      }
      await clock.advance(120_000);
      return events.map((e) => `${e.containerId}:${e.exitCode}@${e.at}`);
    };
    const a = await run(42);
    expect(a.length).toBeGreaterThan(5);
    expect(a.length).toBeLessThan(40);
    expect(await run(42)).toEqual(a);
    expect(await run(43)).not.toEqual(a);
  });

  it('crashes every container within crashWithinMs with one of exitCodes at probability 1, none at 0', async () => {
    const crashing = await setup({ crashProbability: 1, crashWithinMs: 1000, exitCodes: [2, 3] });
    const { id } = await crashing.start(1);
    const startedAt = crashing.clock.now();
    await crashing.clock.advance(1000);
    const status = await crashing.rt.containerStatus(id);
    expect(status.state).toBe('EXITED');
    expect([2, 3]).toContain(status.exitCode);
    expect(status.finishedAt! - startedAt).toBeLessThanOrEqual(1000);

    const calm = await setup({ crashProbability: 0 });
    const other = await calm.start(1);
    expect(calm.clock.pendingTimers).toBe(0);
    await calm.clock.advance(3_600_000);
    expect((await calm.rt.containerStatus(other.id)).state).toBe('RUNNING');
  });

  it.each([
    {
      name: 'crash',
      inject: (rt: SimulatedRuntime, id: string) => rt.crash(id, 42),
      exitCode: 42,
      reason: 'Error',
    },
    {
      name: 'crash with 0',
      inject: (rt: SimulatedRuntime, id: string) => rt.crash(id, 0),
      exitCode: 0,
      reason: 'Completed',
    },
    {
      name: 'oomKill',
      inject: (rt: SimulatedRuntime, id: string) => rt.oomKill(id),
      exitCode: 137,
      reason: 'OOMKilled',
    },
  ])('$name ends a running container with an exit event', async ({ inject, exitCode, reason }) => {
    const { rt, events, start, clock } = await setup();
    const { id, sandboxId } = await start(1);
    inject(rt, id);
    expect(await rt.containerStatus(id)).toMatchObject({
      state: 'EXITED',
      exitCode,
      reason,
      finishedAt: clock.now(),
    });
    expect(events).toEqual([
      { type: 'containerExited', sandboxId, containerId: id, exitCode, reason, at: clock.now() },
    ]);
  });

  it('hang: probes and exec time out and a stop waits out the whole grace period', async () => {
    const { rt, clock, start } = await setup();
    const { id } = await start(1);
    rt.hang(id);
    const probe = rt.probe(id, { httpGet: { port: 80 } }, { timeoutMs: 1000 });
    await clock.advance(1000);
    expect(await probe).toEqual({ outcome: 'failure', message: 'probe timed out after 1000 ms' });
    const exec = rt.exec(id, ['cat', '/tmp/healthy'], { timeoutMs: 500 }).catch((e) => e);
    await clock.advance(500);
    expect(isRuntimeError(await exec, 'Timeout')).toBe(true);
    const t0 = clock.now();
    const stop = rt.stopContainer(id, 30);
    await clock.advance(29_999);
    expect((await rt.containerStatus(id)).state).toBe('RUNNING');
    await clock.advance(1);
    await stop;
    expect(await rt.containerStatus(id)).toMatchObject({ exitCode: 137, finishedAt: t0 + 30_000 });
  });

  it('a program slower to terminate than the grace period is killed', async () => {
    const { rt, clock, start } = await setup();
    rt.defineImage('slow:1', { termDelayMs: 5000, termExitCode: 0 });
    const { id } = await start(1, config('slow', 'slow:1'));
    const stop = rt.stopContainer(id, 2);
    await clock.advance(2000);
    await stop;
    expect((await rt.containerStatus(id)).exitCode).toBe(137);
    const fast = await start(2, config('slow', 'slow:1'));
    const stopFast = rt.stopContainer(fast.id, 10);
    await clock.advance(5000);
    await stopFast;
    expect((await rt.containerStatus(fast.id)).exitCode).toBe(0);
  });

  it('setSlow and slowdownFactor multiply start latency', async () => {
    const { rt, clock } = await setup({ startLatencyMs: 100, slowdownFactor: 2 });
    const sandboxId = await rt.runPodSandbox(sandboxConfig(1));
    const a = await rt.createContainer(sandboxId, config('a'));
    const t0 = clock.now();
    const started = rt.startContainer(a);
    await clock.advance(199);
    expect((await rt.containerStatus(a)).state).toBe('CREATED');
    await clock.advance(1);
    await started;
    expect((await rt.containerStatus(a)).startedAt).toBe(t0 + 200);
    rt.setSlow(5);
    const b = await rt.createContainer(sandboxId, config('b'));
    const startedB = rt.startContainer(b);
    await clock.advance(500);
    await startedB;
    expect((await rt.containerStatus(b)).startedAt).toBe(t0 + 700);
    expect(() => rt.setSlow(0)).toThrow(/slowdownFactor/);
  });

  it('stopping a container while it starts leaves it EXITED and the start rejects', async () => {
    const { rt, clock } = await setup({ startLatencyMs: 1000 });
    const sandboxId = await rt.runPodSandbox(sandboxConfig(1));
    const id = await rt.createContainer(sandboxId, config('a'));
    const started = rt.startContainer(id).catch((e) => e);
    await rt.stopContainer(id, 10);
    await clock.advance(1000);
    expect(isRuntimeError(await started, 'InvalidState')).toBe(true);
    expect(await rt.containerStatus(id)).toMatchObject({ state: 'EXITED', exitCode: 137 });
  });

  it('setHealth answers per container, or per pod and container name across attempts, per probe kind', async () => {
    const { rt, start } = await setup();
    const { id, sandboxId } = await start(1);
    const probe = (target: string, kind: 'liveness' | 'readiness') =>
      rt.probe(target, { httpGet: { port: 80, path: '/' } }, { kind }).then((r) => r.outcome);
    expect(await probe(id, 'readiness')).toBe('success');
    rt.setHealth(id, { readiness: false });
    expect(await probe(id, 'readiness')).toBe('failure');
    expect(await probe(id, 'liveness')).toBe('success');
    rt.setHealth({ podUid: 'uid-1', name: 'app' }, { liveness: false });
    expect(await probe(id, 'liveness')).toBe('failure');
    const retry = await rt.createContainer(sandboxId, config('app', 'app:1', 1));
    await rt.startContainer(retry);
    expect(await probe(retry, 'liveness')).toBe('failure');
    expect(await probe(retry, 'readiness')).toBe('success');
    expect((await rt.probe(retry, { tcpSocket: { port: 80 } }, { kind: 'liveness' })).message).toMatch(
      /connection refused/,
    );
    rt.setHealth(id, { readiness: true });
    expect(await probe(id, 'readiness')).toBe('success');
  });

  it.each([
    { name: 'a set', failures: new Set(['broken:1']) },
    { name: 'a predicate', failures: (image: string) => image.startsWith('broken') },
  ])('fails image pulls listed by $name with ErrImagePull', async ({ failures }) => {
    const { rt } = await setup({ imagePullFailures: failures });
    const sandboxId = await rt.runPodSandbox(sandboxConfig(1));
    const error = await rt.createContainer(sandboxId, config('a', 'broken:1')).catch((e) => e);
    expect(isRuntimeError(error, 'ErrImagePull')).toBe(true);
    expect(error.message).toContain('"broken:1"');
    expect(await rt.createContainer(sandboxId, config('a', 'fine:1'))).toBeTypeOf('string');
  });

  it('allocates distinct pod IPs from podCIDR, reuses released ones and reports exhaustion', async () => {
    const { rt } = await setup({ podCIDR: '10.244.3.0/30' });
    const a = await rt.runPodSandbox(sandboxConfig(1));
    const b = await rt.runPodSandbox(sandboxConfig(2));
    expect([(await rt.podSandboxStatus(a)).ip, (await rt.podSandboxStatus(b)).ip]).toEqual([
      '10.244.3.1',
      '10.244.3.2',
    ]);
    const full = await rt.runPodSandbox(sandboxConfig(3)).catch((e) => e);
    expect(isRuntimeError(full, 'InvalidState')).toBe(true);
    await rt.removePodSandbox(a);
    expect((await rt.podSandboxStatus(await rt.runPodSandbox(sandboxConfig(4)))).ip).toBe('10.244.3.1');
    expect(() => new SimulatedRuntime({ clock: new VirtualClock(), podCIDR: '10.0.0/8' })).toThrow(/podCIDR/);
  });

  it('finds exec handlers by container id, then name, then image, then *; default is exit 0', async () => {
    const { rt, start } = await setup();
    const { id, sandboxId } = await start(1);
    expect(await rt.exec(id, ['cat', '/tmp/healthy'])).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    const answer = (stdout: string) => () => ({ exitCode: 0, stdout, stderr: '' });
    rt.execHandler('*', answer('any'));
    expect((await rt.exec(id, ['x'])).stdout).toBe('any');
    rt.execHandler('app:1', answer('image'));
    expect((await rt.exec(id, ['x'])).stdout).toBe('image');
    rt.execHandler('app', answer('name'));
    expect((await rt.exec(id, ['x'])).stdout).toBe('name');
    rt.execHandler(id, ({ cmd, env }) => ({ exitCode: cmd.length, stdout: env.HOSTNAME ?? '', stderr: '' }));
    expect(await rt.exec(id, ['a', 'b'])).toEqual({ exitCode: 2, stdout: 'pod-1', stderr: '' });
    const other = await rt.createContainer(sandboxId, config('other', 'other:1'));
    await rt.startContainer(other);
    expect((await rt.exec(other, ['x'])).stdout).toBe('any');
    rt.execHandler('other', () => ({ exitCode: 1, stdout: '', stderr: 'no /tmp/healthy' }));
    expect(await rt.probe(other, { exec: { command: ['cat', '/tmp/healthy'] } })).toEqual({
      outcome: 'failure',
      message: 'command exited with 1: no /tmp/healthy',
    });
  });

  it('runs its built-in commands (env, echo, cat, sh -c …) when no handler answers', async () => {
    const { rt, start } = await setup();
    const { id } = await start(1);
    const env = await rt.exec(id, ['env']);
    expect(env).toEqual({ exitCode: 0, stdout: 'HOSTNAME=pod-1\n', stderr: '' });
    expect(await rt.exec(id, ['sh', '-c', 'exit 3'])).toEqual({ exitCode: 3, stdout: '', stderr: '' });
    const out: Uint8Array[] = [];
    async function* input() {
      yield 'h';
      yield new TextEncoder().encode('i\n');
    }
    expect(await rt.exec(id, ['cat'], { stdin: input(), onStdout: (b) => out.push(b) })).toEqual({
      exitCode: 0,
      stdout: '',
      stderr: '',
    });
    expect(Buffer.concat(out).toString()).toBe('hi\n');
    // Anything it cannot interpret still succeeds silently (exec probes of simulated pods pass).
    expect(await rt.exec(id, ['sh', '-c', 'cat /tmp/healthy | grep ok'])).toEqual({
      exitCode: 0,
      stdout: '',
      stderr: '',
    });
  });

  it('writeLog lines reach followers', async () => {
    const { rt, start } = await setup();
    const { id } = await start(1);
    const seen: string[] = [];
    const following = (async () => {
      for await (const e of rt.logs(id, { follow: true })) seen.push(`${e.stream}:${e.line}`);
    })();
    await Promise.resolve();
    rt.writeLog(id, 'stdout', 'hello');
    rt.writeLog(id, 'stderr', 'warn');
    rt.crash(id, 1);
    await following;
    expect(seen).toEqual(['stdout:hello', 'stderr:warn']);
  });

  it('keeps only the last maxLogLines lines', async () => {
    const { rt, start } = await setup({ maxLogLines: 3 });
    const { id } = await start(1);
    for (let i = 0; i < 10; i++) rt.writeLog(id, 'stdout', `l${i}`);
    expect((await collect(rt.logs(id))).map((e) => e.line)).toEqual(['l7', 'l8', 'l9']);
  });

  it('runs 20,000 pods through create, start and stop with no timer left and in under 4 s', async () => {
    const { rt, clock, events } = await setup();
    const ids: string[] = [];
    const t0 = performance.now();
    for (let i = 0; i < 20_000; i++) {
      const sandboxId = await rt.runPodSandbox(sandboxConfig(i));
      const id = await rt.createContainer(sandboxId, config('app'));
      await rt.startContainer(id);
      ids.push(id);
    }
    expect(clock.pendingTimers).toBe(0);
    expect(await rt.listContainers({ state: 'RUNNING' })).toHaveLength(20_000);
    for (const id of ids) await rt.stopContainer(id, 0);
    const elapsed = performance.now() - t0;
    expect(events).toHaveLength(20_000);
    expect(elapsed).toBeLessThan(4000);
  });
});
