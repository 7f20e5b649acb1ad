import { afterEach, describe, expect, it } from 'vitest';
import { isRuntimeError, type RuntimeErrorReason } from '../errors.js';
import type { ContainerRuntime, LogEntry, PodSandboxConfig, RuntimeEvent } from '../types.js';
import type { RuntimeHarness } from './harness.js';

export interface RuntimeConformanceOptions {
  /** Longest a single wait may take on the runtime's clock before the test fails (default 10 s). */
  readonly budgetMs?: number;
  /** Granularity of `advance` while waiting (default 10 ms). */
  readonly stepMs?: number;
}

/** Every item of an async iterable. */
export async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

const lines = (entries: readonly LogEntry[]) => entries.map((e) => e.line);

/**
 * The contract of `ContainerRuntime` as a vitest suite. Call it from a runtime's test file:
 *
 * ```ts
 * describeRuntimeConformance('SimulatedRuntime', () => simulatedHarness());
 * ```
 *
 * `createHarness` returns a fresh runtime per test with a way to move its time (`advance`) and to say
 * what a container does (`container(name, program)`, `execCommand(exec)`). Every wait goes through
 * `advance`, so the suite runs in milliseconds on a VirtualClock and in real time on wall time.
 */
export function describeRuntimeConformance(
  name: string,
  createHarness: () => RuntimeHarness | Promise<RuntimeHarness>,
  options: RuntimeConformanceOptions = {},
): void {
  const budgetMs = options.budgetMs ?? 10_000;
  const stepMs = options.stepMs ?? 10;

  describe(`ContainerRuntime conformance: ${name}`, () => {
    let open: RuntimeHarness[] = [];
    let h: RuntimeHarness;
    let rt: ContainerRuntime;
    let events: RuntimeEvent[];

    const fresh = async () => {
      h = await createHarness();
      open.push(h);
      rt = h.runtime;
      events = [];
      rt.events$.subscribe((e) => events.push(e));
    };

    afterEach(async () => {
      const closing = open;
      open = [];
      for (const harness of closing) {
        await harness.runtime.close();
        await harness.cleanup?.();
      }
    });

    const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

    /** Moves time until `promise` settles; fails after the budget. */
    async function drive<T>(promise: Promise<T>, budget = budgetMs): Promise<T> {
      let settled = false;
      promise.then(
        () => {
          settled = true;
        },
        () => {
          settled = true;
        },
      );
      await flush();
      for (let waited = 0; !settled; waited += stepMs) {
        if (waited >= budget) throw new Error(`operation did not finish within ${budget} ms of runtime time`);
        await h.advance(stepMs);
      }
      return promise;
    }

    /** Moves time until `condition` holds; fails after the budget. */
    async function until(condition: () => Promise<boolean> | boolean, what: string, budget = budgetMs) {
      for (let waited = 0; !(await condition()); waited += stepMs) {
        if (waited >= budget) throw new Error(`timed out after ${budget} ms waiting for ${what}`);
        await h.advance(stepMs);
      }
    }

    async function reason(promise: Promise<unknown>): Promise<RuntimeErrorReason | 'resolved'> {
      try {
        await drive(promise);
      } catch (error) {
        if (isRuntimeError(error)) return error.reason;
        throw error;
      }
      return 'resolved';
    }

    let sandboxes = 0;
    const sandboxConfig = (labels: Record<string, string> = {}): PodSandboxConfig => {
      const n = ++sandboxes;
      return {
        uid: `uid-${n}`,
        name: `pod-${n}`,
        namespace: 'conformance',
        attempt: 0,
        labels: { app: 'conformance', ...labels },
        annotations: { note: 'x' },
        hostname: `pod-${n}`,
        portMappings: [],
      };
    };

    const state = async (id: string) => (await rt.containerStatus(id)).state;
    const exited = (id: string) =>
      until(async () => (await state(id)) === 'EXITED', `container ${id} to exit`);
    const logText = async (id: string) => lines(await collect(rt.logs(id)));
    const logged = (id: string, line: string) =>
      until(async () => (await logText(id)).includes(line), `container ${id} to log "${line}"`);

    /** A sandbox with one started container; waits until the container logged `ready`. */
    async function running(program: Parameters<RuntimeHarness['container']>[1] = {}, extras = {}) {
      const sandboxId = await drive(rt.runPodSandbox(sandboxConfig()));
      const config = h.container(
        'main',
        { ...program, stdout: ['ready', ...(program.stdout ?? [])] },
        extras,
      );
      const id = await drive(rt.createContainer(sandboxId, config));
      await drive(rt.startContainer(id));
      await logged(id, 'ready');
      return { sandboxId, id };
    }

    describe('pod sandboxes', () => {
      it('runs a sandbox that reports its config, an IP and READY, and lists it', async () => {
        await fresh();
        const before = h.clock.now();
        const config = sandboxConfig({ tier: 'web' });
        const id = await drive(rt.runPodSandbox(config));
        const status = await rt.podSandboxStatus(id);
        expect(status).toMatchObject({
          id,
          uid: config.uid,
          name: config.name,
          namespace: 'conformance',
          attempt: 0,
          state: 'SANDBOX_READY',
          hostname: config.hostname,
          labels: { app: 'conformance', tier: 'web' },
          annotations: { note: 'x' },
        });
        expect(status.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
        expect(status.createdAt).toBeGreaterThanOrEqual(before);
        const other = await drive(rt.runPodSandbox(sandboxConfig()));
        expect(other).not.toBe(id);
        expect((await rt.listPodSandboxes()).map((s) => s.id).sort()).toEqual([id, other].sort());
        expect((await rt.listPodSandboxes({ labels: { tier: 'web' } })).map((s) => s.id)).toEqual([id]);
        expect(await rt.listPodSandboxes({ state: 'SANDBOX_NOTREADY' })).toEqual([]);
      });

      it('stopPodSandbox stops every container, marks the sandbox NOTREADY and refuses new containers', async () => {
        await fresh();
        const { sandboxId, id } = await running();
        await drive(rt.stopPodSandbox(sandboxId));
        expect(await state(id)).toBe('EXITED');
        expect((await rt.podSandboxStatus(sandboxId)).state).toBe('SANDBOX_NOTREADY');
        expect(await reason(rt.createContainer(sandboxId, h.container('late', {})))).toBe('InvalidState');
        expect(await reason(rt.stopPodSandbox(sandboxId))).toBe('resolved');
      });

      it('removePodSandbox removes its containers and itself, and is idempotent', async () => {
        await fresh();
        const { sandboxId, id } = await running();
        await drive(rt.removePodSandbox(sandboxId));
        expect(await reason(rt.podSandboxStatus(sandboxId))).toBe('NotFound');
        expect(await reason(rt.containerStatus(id))).toBe('NotFound');
        expect(await rt.listContainers()).toEqual([]);
        expect(await rt.listPodSandboxes()).toEqual([]);
        expect(await reason(rt.removePodSandbox(sandboxId))).toBe('resolved');
        expect(await reason(rt.removePodSandbox('no-such-sandbox'))).toBe('resolved');
      });

      it('rejects unknown sandbox ids with NotFound', async () => {
        await fresh();
        expect(await reason(rt.podSandboxStatus('nope'))).toBe('NotFound');
        expect(await reason(rt.stopPodSandbox('nope'))).toBe('NotFound');
        expect(await reason(rt.createContainer('nope', h.container('c', {})))).toBe('NotFound');
      });
    });

    describe('container lifecycle', () => {
      it('moves CREATED → RUNNING → EXITED (Completed) with ordered timestamps', async () => {
        await fresh();
        const sandboxId = await drive(rt.runPodSandbox(sandboxConfig()));
        const config = h.container('job', { exitAfterMs: 300 }, { labels: { role: 'job' } });
        const id = await drive(rt.createContainer(sandboxId, config));
        const created = await rt.containerStatus(id);
        expect(created).toMatchObject({
          id,
          sandboxId,
          name: 'job',
          attempt: 0,
          image: config.image,
          state: 'CREATED',
        });
        expect(created.labels.role).toBe('job');
        expect(created.startedAt).toBeUndefined();
        expect(created.exitCode).toBeUndefined();
        await drive(rt.startContainer(id));
        const run = await rt.containerStatus(id);
        expect(run.state).toBe('RUNNING');
        expect(run.startedAt).toBeGreaterThanOrEqual(run.createdAt);
        expect((await rt.listContainers({ state: 'RUNNING' })).map((c) => c.id)).toEqual([id]);
        await exited(id);
        const done = await rt.containerStatus(id);
        expect(done).toMatchObject({ state: 'EXITED', exitCode: 0, reason: 'Completed' });
        expect(done.finishedAt! - done.startedAt!).toBeGreaterThanOrEqual(300);
        expect((await rt.listContainers({ sandboxId, state: 'EXITED' })).map((c) => c.id)).toEqual([id]);
        expect(await rt.listContainers({ labels: { role: 'other' } })).toEqual([]);
      });

      it('reports a non-zero exit as Error and emits exactly one containerExited event', async () => {
        await fresh();
        const sandboxId = await drive(rt.runPodSandbox(sandboxConfig()));
        const id = await drive(
          rt.createContainer(sandboxId, h.container('bad', { exitAfterMs: 50, exitCode: 3 })),
        );
        await drive(rt.startContainer(id));
        await exited(id);
        const status = await rt.containerStatus(id);
        expect(status).toMatchObject({ exitCode: 3, reason: 'Error' });
        await h.advance(50);
        expect(events).toEqual([
          {
            type: 'containerExited',
            sandboxId,
            containerId: id,
            exitCode: 3,
            reason: 'Error',
            at: status.finishedAt,
          },
        ]);
      });

      it('refuses a second start, a start after exit, and a duplicate name and attempt', async () => {
        await fresh();
        const { sandboxId, id } = await running();
        expect(await reason(rt.startContainer(id))).toBe('InvalidState');
        expect(await reason(rt.createContainer(sandboxId, h.container('main', {})))).toBe('AlreadyExists');
        const retry = await drive(rt.createContainer(sandboxId, h.container('main', {}, { attempt: 1 })));
        expect((await rt.containerStatus(retry)).attempt).toBe(1);
        await drive(rt.stopContainer(id, 0));
        expect(await reason(rt.startContainer(id))).toBe('InvalidState');
      });

      it('rejects unknown container ids with NotFound, except remove', async () => {
        await fresh();
        expect(await reason(rt.containerStatus('nope'))).toBe('NotFound');
        expect(await reason(rt.startContainer('nope'))).toBe('NotFound');
        expect(await reason(rt.stopContainer('nope', 1))).toBe('NotFound');
        expect(await reason(rt.exec('nope', ['true']))).toBe('NotFound');
        expect(await reason(collect(rt.logs('nope')))).toBe('NotFound');
        expect(await reason(rt.removeContainer('nope'))).toBe('resolved');
      });

      it('maps declared ports and reports where they are reachable', async () => {
        await fresh();
        const { id } = await running({}, { ports: [{ containerPort: 8080, protocol: 'TCP', name: 'http' }] });
        const [port, ...rest] = (await rt.containerStatus(id)).ports;
        expect(rest).toEqual([]);
        expect(port).toMatchObject({ containerPort: 8080, protocol: 'TCP', name: 'http' });
        expect(port?.hostPort).toBeGreaterThan(0);
        expect(port?.hostIP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
      });

      it('gives the container its environment and the sandbox hostname', async () => {
        await fresh();
        const { sandboxId, id } = await running(
          { printEnv: ['GREETING', 'HOSTNAME'] },
          { env: [{ name: 'GREETING', value: 'hello world' }] },
        );
        await logged(id, 'GREETING=hello world');
        const { hostname } = await rt.podSandboxStatus(sandboxId);
        // Printed after GREETING: a process container's lines reach its log one by one.
        await logged(id, `HOSTNAME=${hostname}`);
        expect(await logText(id)).toContain(`HOSTNAME=${hostname}`);
      });
    });

    describe('stop and remove', () => {
      it('stops gracefully: SIGTERM, the program exits 0 before the grace period ends', async () => {
        await fresh();
        const { id } = await running({ finalStdout: ['bye'] });
        const t0 = h.clock.now();
        await drive(rt.stopContainer(id, 5));
        expect(h.clock.now() - t0).toBeLessThan(5000);
        expect(await rt.containerStatus(id)).toMatchObject({
          state: 'EXITED',
          exitCode: 0,
          reason: 'Completed',
        });
        expect(await logText(id)).toContain('bye');
        expect(events.filter((e) => e.containerId === id)).toHaveLength(1);
      });

      it('kills a program that ignores SIGTERM once the grace period is over (exit 137)', async () => {
        await fresh();
        const { id } = await running({ ignoreSigterm: true });
        const t0 = h.clock.now();
        await drive(rt.stopContainer(id, 1));
        expect(h.clock.now() - t0).toBeGreaterThanOrEqual(1000);
        expect(await rt.containerStatus(id)).toMatchObject({
          state: 'EXITED',
          exitCode: 137,
          reason: 'Error',
        });
        expect(events.filter((e) => e.containerId === id).map((e) => e.exitCode)).toEqual([137]);
      });

      it('kills at once with a timeout of 0', async () => {
        await fresh();
        const { id } = await running({ finalStdout: ['never'] });
        const t0 = h.clock.now();
        await drive(rt.stopContainer(id, 0));
        expect(h.clock.now() - t0).toBeLessThan(1000);
        expect((await rt.containerStatus(id)).exitCode).toBe(137);
        expect(await logText(id)).not.toContain('never');
      });

      it('treats stopping a container that is not running as a no-op', async () => {
        await fresh();
        const sandboxId = await drive(rt.runPodSandbox(sandboxConfig()));
        const created = await drive(rt.createContainer(sandboxId, h.container('idle', {})));
        await drive(rt.stopContainer(created, 1));
        expect(await state(created)).toBe('CREATED');
        const job = await drive(
          rt.createContainer(sandboxId, h.container('job', { exitAfterMs: 10, exitCode: 2 })),
        );
        await drive(rt.startContainer(job));
        await exited(job);
        await drive(rt.stopContainer(job, 1));
        expect(await rt.containerStatus(job)).toMatchObject({ exitCode: 2, reason: 'Error' });
        expect(events.filter((e) => e.containerId === job)).toHaveLength(1);
      });

      it('removes a running container by killing it; its status and logs go with it', async () => {
        await fresh();
        const { sandboxId, id } = await running();
        await drive(rt.removeContainer(id));
        expect(await reason(rt.containerStatus(id))).toBe('NotFound');
        expect(await reason(collect(rt.logs(id)))).toBe('NotFound');
        expect(await rt.listContainers({ sandboxId })).toEqual([]);
        expect(events.filter((e) => e.containerId === id)).toHaveLength(1);
        expect(await reason(rt.removeContainer(id))).toBe('resolved');
      });
    });

    describe('logs', () => {
      it('keeps stdout and stderr lines with their stream and time; tail and stream select', async () => {
        await fresh();
        const sandboxId = await drive(rt.runPodSandbox(sandboxConfig()));
        const config = h.container('log', {
          stdout: ['one', 'two', 'three'],
          stderr: ['oops'],
          exitAfterMs: 50,
        });
        const id = await drive(rt.createContainer(sandboxId, config));
        await drive(rt.startContainer(id));
        await exited(id);
        const all = await collect(rt.logs(id));
        expect(lines(all.filter((e) => e.stream === 'stdout'))).toEqual(['one', 'two', 'three']);
        expect(lines(await collect(rt.logs(id, { stream: 'stderr' })))).toEqual(['oops']);
        expect(lines(await collect(rt.logs(id, { stream: 'stdout', tail: 2 })))).toEqual(['two', 'three']);
        expect(await collect(rt.logs(id, { tail: 0 }))).toEqual([]);
        const { startedAt, finishedAt } = await rt.containerStatus(id);
        for (const e of all) {
          expect(e.time).toBeGreaterThanOrEqual(startedAt! - 1000);
          expect(e.time).toBeLessThanOrEqual(finishedAt!);
        }
      });

      it('follows new lines and ends when the container exits', async () => {
        await fresh();
        const sandboxId = await drive(rt.runPodSandbox(sandboxConfig()));
        const config = h.container('f', { stdout: ['first'], finalStdout: ['last'], exitAfterMs: 400 });
        const id = await drive(rt.createContainer(sandboxId, config));
        await drive(rt.startContainer(id));
        await logged(id, 'first');
        const followed = collect(rt.logs(id, { follow: true, stream: 'stdout' }));
        expect(lines(await drive(followed))).toEqual(['first', 'last']);
        expect(await state(id)).toBe('EXITED');
        expect(lines(await drive(collect(rt.logs(id, { follow: true, tail: 1 }))))).toEqual(['last']);
      });

      it('stops following when the signal aborts', async () => {
        await fresh();
        const { id } = await running();
        const abort = new AbortController();
        const seen: string[] = [];
        const following = (async () => {
          for await (const e of rt.logs(id, { follow: true, signal: abort.signal })) {
            seen.push(e.line);
            if (e.line === 'ready') abort.abort();
          }
        })();
        await drive(following);
        expect(seen).toEqual(['ready']);
        expect(await state(id)).toBe('RUNNING');
      });
    });

    describe('exec', () => {
      it('returns exit code, stdout and stderr, with the container env and stdin', async () => {
        await fresh();
        const { id } = await running({}, { env: [{ name: 'GREETING', value: 'hi' }] });
        const cmd = h.execCommand({
          stdout: 'out\n',
          stderr: 'err\n',
          exitCode: 4,
          printEnv: 'GREETING',
          echoStdin: true,
        });
        const result = await drive(rt.exec(id, cmd, { stdin: 'from stdin\n', timeoutMs: 5000 }));
        expect(result).toEqual({ exitCode: 4, stdout: 'out\nGREETING=hi\nfrom stdin\n', stderr: 'err\n' });
        expect(await drive(rt.exec(id, h.execCommand({})))).toEqual({ exitCode: 0, stdout: '', stderr: '' });
      });

      it('streams: stdin as chunks or bytes, stdout and stderr through callbacks', async () => {
        await fresh();
        const { id } = await running();
        const out: Buffer[] = [];
        const err: Buffer[] = [];
        async function* chunks() {
          yield 'from ';
          yield new TextEncoder().encode('chunks\n');
        }
        const cmd = h.execCommand({ stdout: 'out\n', stderr: 'err\n', exitCode: 3, echoStdin: true });
        const result = await drive(
          rt.exec(id, cmd, {
            stdin: chunks(),
            onStdout: (b) => out.push(Buffer.from(b)),
            onStderr: (b) => err.push(Buffer.from(b)),
          }),
        );
        expect(result).toEqual({ exitCode: 3, stdout: '', stderr: '' });
        expect(Buffer.concat(out).toString()).toBe('out\nfrom chunks\n');
        expect(Buffer.concat(err).toString()).toBe('err\n');
        const bytes = await drive(
          rt.exec(id, h.execCommand({ echoStdin: true }), { stdin: new TextEncoder().encode('bytes') }),
        );
        expect(bytes).toEqual({ exitCode: 0, stdout: 'bytes', stderr: '' });
      });

      it('aborting the signal kills the command: exit 137', async () => {
        await fresh();
        const { id } = await running();
        const abort = new AbortController();
        const t0 = h.clock.now();
        const result = rt.exec(id, h.execCommand({ sleepMs: 5000, stdout: 'late' }), {
          signal: abort.signal,
        });
        await h.advance(50);
        abort.abort();
        expect(await drive(result)).toEqual({ exitCode: 137, stdout: '', stderr: '' });
        expect(h.clock.now() - t0).toBeLessThan(5000);
      });

      it('rejects with Timeout when the command takes longer than timeoutMs', async () => {
        await fresh();
        const { id } = await running();
        const t0 = h.clock.now();
        expect(await reason(rt.exec(id, h.execCommand({ sleepMs: 5000 }), { timeoutMs: 300 }))).toBe(
          'Timeout',
        );
        expect(h.clock.now() - t0).toBeLessThan(5000);
      });

      it('needs a running container', async () => {
        await fresh();
        const sandboxId = await drive(rt.runPodSandbox(sandboxConfig()));
        const id = await drive(rt.createContainer(sandboxId, h.container('idle', {})));
        expect(await reason(rt.exec(id, h.execCommand({})))).toBe('InvalidState');
      });
    });

    describe('probes', () => {
      it('runs httpGet, tcpSocket and exec probes against a serving container', async () => {
        await fresh();
        const { id } = await running(
          { serve: true },
          { ports: [{ containerPort: 8080, protocol: 'TCP', name: 'http' }] },
        );
        const probe = (p: Parameters<ContainerRuntime['probe']>[1]) =>
          drive(rt.probe(id, p, { timeoutMs: 2000 }));
        await until(
          async () => (await rt.probe(id, { tcpSocket: { port: 8080 } })).outcome === 'success',
          'the port to open',
        );
        expect((await probe({ httpGet: { port: 8080, path: '/healthz' } })).outcome).toBe('success');
        expect((await probe({ httpGet: { port: 'http', path: '/' } })).outcome).toBe('success');
        expect((await probe({ tcpSocket: { port: 'http' } })).outcome).toBe('success');
        expect((await probe({ tcpSocket: { port: 9 } })).outcome).toBe('failure');
        expect((await probe({ httpGet: { port: 'nope' } })).outcome).toBe('failure');
        expect((await probe({ exec: { command: h.execCommand({ exitCode: 0 }) } })).outcome).toBe('success');
        const failed = await probe({ exec: { command: h.execCommand({ exitCode: 1, stdout: 'sick' }) } });
        expect(failed.outcome).toBe('failure');
        expect(failed.message).toContain('sick');
      });

      it('fails every probe of a container that is not running', async () => {
        await fresh();
        const { id } = await running({}, { ports: [{ containerPort: 8080, protocol: 'TCP' }] });
        await drive(rt.stopContainer(id, 0));
        expect((await drive(rt.probe(id, { tcpSocket: { port: 8080 } }))).outcome).toBe('failure');
        expect((await drive(rt.probe(id, { exec: { command: h.execCommand({}) } }))).outcome).toBe('failure');
      });
    });

    describe('close', () => {
      it('kills every container, then rejects every call with Closed; close is idempotent', async () => {
        await fresh();
        const { sandboxId, id } = await running({ ignoreSigterm: true });
        await drive(rt.close());
        expect(events.map((e) => [e.containerId, e.exitCode])).toEqual([[id, 137]]);
        await drive(rt.close());
        expect(await reason(rt.containerStatus(id))).toBe('Closed');
        expect(await reason(rt.runPodSandbox(sandboxConfig()))).toBe('Closed');
        expect(await reason(rt.listContainers())).toBe('Closed');
        expect(await reason(rt.removePodSandbox(sandboxId))).toBe('Closed');
      });
    });
  });
}
