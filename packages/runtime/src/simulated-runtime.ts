import type { Probe } from '@flotilla/api';
import { type Clock, createRandom, type Random } from '@flotilla/clock';
import type { Observable } from 'rxjs';
import { type ContainerRecord, RuntimeBook, startProbe } from './book.js';
import { RuntimeError } from './errors.js';
import { IpAllocator } from './ip-allocator.js';
import { MemoryLog, streamLogs } from './logs.js';
import { readExecInput, runSimCommand } from './sim-commands.js';
import type {
  ContainerConfig,
  ContainerFilter,
  ContainerRuntime,
  ContainerStatus,
  ExecOptions,
  ExecResult,
  LogEntry,
  LogOptions,
  LogStream,
  PodSandboxConfig,
  PodSandboxStatus,
  ProbeKind,
  ProbeOptions,
  ProbeResult,
  RuntimeEvent,
  SandboxFilter,
} from './types.js';

/** What a simulated container does; everything is optional (default: runs until stopped, exits 0 on SIGTERM). */
export interface SimProgram {
  /** Lines written when it starts. */
  readonly stdout?: readonly string[];
  readonly stderr?: readonly string[];
  /** Writes `NAME=value` to stdout for each of these variables when it starts. */
  readonly printEnv?: readonly string[];
  /** Exits by itself this long after starting, with `exitCode` (default 0). */
  readonly exitAfterMs?: number;
  readonly exitCode?: number;
  /** Lines written just before it exits by itself or on SIGTERM. */
  readonly finalStdout?: readonly string[];
  /** Ignores SIGTERM, so a stop waits out the grace period and kills it (exit 137). */
  readonly ignoreSigterm?: boolean;
  /** Time it takes to shut down after SIGTERM (default 0) and the code it exits with (default 0). */
  readonly termDelayMs?: number;
  readonly termExitCode?: number;
}

/** Health per probe kind; `true` answers success. */
export interface SimHealth {
  readonly liveness?: boolean;
  readonly readiness?: boolean;
  readonly startup?: boolean;
}

export interface SimExecContext {
  readonly containerId: string;
  readonly sandboxId: string;
  readonly config: ContainerConfig;
  readonly cmd: readonly string[];
  readonly stdin: string;
  /** The container's environment as the process would see it (spec env plus HOSTNAME). */
  readonly env: Readonly<Record<string, string>>;
  readonly clock: Clock;
}

export type SimExecHandler = (context: SimExecContext) => ExecResult | Promise<ExecResult>;

export interface SimulatedRuntimeOptions {
  readonly clock: Clock;
  /** Seeds crash decisions, latencies and exit codes (default 1). */
  readonly seed?: number;
  /** Time from `startContainer` to RUNNING: fixed, or uniform in [min, max] (default 0). */
  readonly startLatencyMs?: number | readonly [number, number];
  /** Chance that a started container crashes by itself some time within `crashWithinMs` (default 0). */
  readonly crashProbability?: number;
  /** Window for random crashes after the start (default 60 s). */
  readonly crashWithinMs?: number;
  /** Exit codes random crashes pick from (default [1]). */
  readonly exitCodes?: readonly number[];
  /** Images whose pull fails with `ErrImagePull`. */
  readonly imagePullFailures?: ReadonlySet<string> | ((image: string) => boolean);
  /** Multiplies every simulated latency (default 1). */
  readonly slowdownFactor?: number;
  /** Pod IPs come from this range (default 10.0.0.0/8). */
  readonly podCIDR?: string;
  /** Log lines kept per container (default 1,000). */
  readonly maxLogLines?: number;
  /** Grace period of `stopContainer` without a timeout (default 30 s). */
  readonly gracePeriodDefaultSeconds?: number;
  /** The program of a container when no image was defined with `defineImage` (default: run until stopped). */
  readonly program?: (config: ContainerConfig) => SimProgram | undefined;
}

interface SimState {
  readonly program: SimProgram;
  /** Bumped on every run transition, so a stale timer callback knows it no longer applies. */
  run: number;
  hung: boolean;
}

type SimContainer = ContainerRecord<SimState>;

const KILLED = 137;

/** Hands a finished exec's output to the streaming callbacks that were given (their fields become ''). */
function streamResult(result: ExecResult, options: ExecOptions): ExecResult {
  let { stdout, stderr } = result;
  if (options.onStdout) {
    if (stdout !== '') options.onStdout(Buffer.from(stdout));
    stdout = '';
  }
  if (options.onStderr) {
    if (stderr !== '') options.onStderr(Buffer.from(stderr));
    stderr = '';
  }
  return { ...result, stdout, stderr };
}

/**
 * A container runtime with no processes: containers are records that move through CRI's states on the
 * injected Clock. Deterministic for a given seed and clock; O(1) per operation, and a container holds a
 * timer only while something is due (a start latency, a self-exit, a random crash, a grace period).
 *
 * Fault injection: `crash`, `oomKill`, `hang`, `setSlow`, `setHealth`, `imagePullFailures`.
 */
export class SimulatedRuntime implements ContainerRuntime {
  readonly name = 'simulated';
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly book: RuntimeBook<SimState>;
  private readonly ips: IpAllocator;
  private readonly images = new Map<string, SimProgram>();
  private readonly execHandlers = new Map<string, SimExecHandler>();
  private readonly health = new Map<string, SimHealth>();
  private slowdown: number;

  constructor(private readonly options: SimulatedRuntimeOptions) {
    this.clock = options.clock;
    this.random = createRandom(options.seed ?? 1);
    this.book = new RuntimeBook('sim', options.clock);
    this.ips = new IpAllocator(options.podCIDR ?? '10.0.0.0/8');
    this.slowdown = options.slowdownFactor ?? 1;
  }

  get events$(): Observable<RuntimeEvent> {
    return this.book.events.asObservable();
  }

  // ---- fault injection and behaviour ----

  /** Containers of `image` run `program`. */
  defineImage(image: string, program: SimProgram): this {
    this.images.set(image, program);
    return this;
  }

  /**
   * Answers `exec` for a container id, a container name, an image, or `*` (looked up in that order).
   * Without a handler, the few commands of `sim-commands.ts` (`env`, `echo`, `cat`, `hostname`,
   * `sh -c 'exit 3'`…) run as they would in a shell; any other command succeeds with no output.
   */
  execHandler(target: string, handler: SimExecHandler): this {
    this.execHandlers.set(target, handler);
    return this;
  }

  /** Sets what probes answer, for one container or for every container `name` of the pod `podUid`. */
  setHealth(target: string | { readonly podUid: string; readonly name: string }, health: SimHealth): this {
    const key = typeof target === 'string' ? target : `${target.podUid}/${target.name}`;
    this.health.set(key, { ...this.health.get(key), ...health });
    return this;
  }

  /** The container exits now with `exitCode` (reason `Completed` for 0, `Error` otherwise). */
  crash(containerId: string, exitCode = 1): void {
    const c = this.book.container(containerId);
    if (c.state === 'RUNNING') this.book.markExited(c, exitCode, undefined, 'crashed by fault injection');
  }

  /** The container is killed for running out of memory (exit 137, reason `OOMKilled`). */
  oomKill(containerId: string): void {
    const c = this.book.container(containerId);
    if (c.state === 'RUNNING') this.book.markExited(c, KILLED, 'OOMKilled');
  }

  /** The container stops answering probes and exec and ignores SIGTERM until it is killed. */
  hang(containerId: string): void {
    this.book.container(containerId).x.hung = true;
  }

  /** Multiplies every latency from now on (1 = normal). */
  setSlow(factor: number): void {
    if (!(factor > 0))
      throw new RuntimeError('InvalidConfig', `slowdownFactor: Invalid value: ${factor}: must be > 0`);
    this.slowdown = factor;
  }

  /** Appends a line to a container's log, as if it had written it. */
  writeLog(containerId: string, stream: LogStream, line: string): void {
    const c = this.book.container(containerId);
    if (c.state === 'RUNNING') c.log.append(this.clock.now(), stream, line);
  }

  // ---- sandboxes ----

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    this.book.checkOpen();
    return this.book.addSandbox(config, this.ips.allocate()).id;
  }

  async stopPodSandbox(sandboxId: string, timeoutSeconds = 0): Promise<void> {
    const sandbox = this.book.sandbox(sandboxId);
    sandbox.state = 'SANDBOX_NOTREADY';
    await Promise.all([...sandbox.containers].map((id) => this.stopContainer(id, timeoutSeconds)));
  }

  async removePodSandbox(sandboxId: string): Promise<void> {
    this.book.checkOpen();
    const sandbox = this.book.sandboxes.get(sandboxId);
    if (!sandbox) return;
    sandbox.state = 'SANDBOX_NOTREADY';
    for (const id of [...sandbox.containers]) await this.removeContainer(id);
    this.book.sandboxes.delete(sandboxId);
    this.ips.release(sandbox.ip);
  }

  async podSandboxStatus(sandboxId: string): Promise<PodSandboxStatus> {
    return this.book.sandboxStatus(this.book.sandbox(sandboxId));
  }

  async listPodSandboxes(filter?: SandboxFilter): Promise<PodSandboxStatus[]> {
    return this.book.listSandboxes(filter);
  }

  // ---- containers ----

  async createContainer(sandboxId: string, config: ContainerConfig): Promise<string> {
    const sandbox = this.book.admit(sandboxId, config);
    const failures = this.options.imagePullFailures;
    if (failures && (typeof failures === 'function' ? failures(config.image) : failures.has(config.image))) {
      throw new RuntimeError(
        'ErrImagePull',
        `failed to pull image "${config.image}": simulated pull failure (imagePullFailures)`,
      );
    }
    const program = this.images.get(config.image) ?? this.options.program?.(config) ?? {};
    const ports = config.ports.map((p) => ({ ...p, hostIP: sandbox.ip, hostPort: p.containerPort }));
    const log = new MemoryLog(this.options.maxLogLines ?? 1000);
    return this.book.addContainer(sandbox, config, ports, log, { program, run: 0, hung: false }).id;
  }

  async startContainer(containerId: string): Promise<void> {
    const c = this.book.container(containerId);
    this.book.beginStart(c);
    const latency = this.latency(this.options.startLatencyMs ?? 0);
    if (latency > 0) await this.clock.sleep(latency);
    if (this.book.closed) throw RuntimeError.closed();
    if (this.book.containers.get(containerId) !== c || c.state !== 'CREATED') {
      c.starting = false;
      throw new RuntimeError(
        'InvalidState',
        `container "${containerId}" was stopped or removed while starting`,
      );
    }
    this.book.markRunning(c);
    const run = ++c.x.run;
    const { program } = c.x;
    const now = this.clock.now();
    for (const line of program.stdout ?? []) c.log.append(now, 'stdout', line);
    for (const line of program.stderr ?? []) c.log.append(now, 'stderr', line);
    if (program.printEnv) {
      const env = this.envOf(c);
      for (const name of program.printEnv) c.log.append(now, 'stdout', `${name}=${env[name] ?? ''}`);
    }
    if (program.exitAfterMs !== undefined) {
      this.clock.setTimeout(() => {
        if (c.x.run !== run || c.state !== 'RUNNING') return;
        this.finalWords(c);
        this.book.markExited(c, program.exitCode ?? 0);
      }, program.exitAfterMs * this.slowdown);
    } else if (
      (this.options.crashProbability ?? 0) > 0 &&
      this.random.chance(this.options.crashProbability!)
    ) {
      const at = this.random.next() * (this.options.crashWithinMs ?? 60_000);
      const code = this.random.pick(this.options.exitCodes ?? [1]);
      this.clock.setTimeout(() => {
        if (c.x.run === run && c.state === 'RUNNING')
          this.book.markExited(c, code, undefined, 'simulated crash');
      }, at);
    }
  }

  async stopContainer(containerId: string, timeoutSeconds?: number): Promise<void> {
    const c = this.book.container(containerId);
    if (c.state !== 'RUNNING') {
      if (c.state === 'CREATED' && c.starting)
        this.book.markExited(c, KILLED, 'Error', 'stopped while starting');
      return;
    }
    const graceMs = Math.max(0, timeoutSeconds ?? this.options.gracePeriodDefaultSeconds ?? 30) * 1000;
    const { program } = c.x;
    const run = c.x.run;
    if (graceMs > 0 && !c.x.hung && !program.ignoreSigterm) {
      const delay = (program.termDelayMs ?? 0) * this.slowdown;
      if (delay < graceMs) {
        const terminate = () => {
          if (c.x.run !== run || c.state !== 'RUNNING') return;
          this.finalWords(c);
          this.book.markExited(c, program.termExitCode ?? 0);
        };
        if (delay <= 0) terminate();
        else this.clock.setTimeout(terminate, delay);
      }
    }
    if (c.state === 'RUNNING' && graceMs > 0)
      await Promise.race([this.book.exited(c), this.clock.sleep(graceMs)]);
    if (c.state === 'RUNNING')
      this.book.markExited(c, KILLED, 'Error', `killed after a grace period of ${graceMs} ms`);
  }

  async removeContainer(containerId: string): Promise<void> {
    this.book.checkOpen();
    const c = this.book.containers.get(containerId);
    if (!c) return;
    c.x.run++;
    if (c.state === 'RUNNING') this.book.markExited(c, KILLED, 'Error', 'removed while running');
    c.log.end();
    this.book.deleteContainer(c);
  }

  async containerStatus(containerId: string): Promise<ContainerStatus> {
    return this.book.containerStatus(this.book.container(containerId));
  }

  async listContainers(filter?: ContainerFilter): Promise<ContainerStatus[]> {
    return this.book.listContainers(filter);
  }

  // ---- logs, exec, probes ----

  async *logs(containerId: string, options: LogOptions = {}): AsyncGenerator<LogEntry> {
    yield* streamLogs(this.book.container(containerId).log, options);
  }

  async exec(containerId: string, cmd: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
    const c = this.runningContainer(containerId);
    const handler =
      this.execHandlers.get(c.id) ??
      this.execHandlers.get(c.config.name) ??
      this.execHandlers.get(c.config.image) ??
      this.execHandlers.get('*');
    const env = this.envOf(c);
    const run = async (): Promise<ExecResult> => {
      const stdin = await readExecInput(options.stdin);
      const context: SimExecContext = {
        containerId: c.id,
        sandboxId: c.sandboxId,
        config: c.config,
        cmd,
        stdin,
        env,
        clock: this.clock,
      };
      if (handler) return handler(context);
      return runSimCommand(cmd, { env, stdin }) ?? { exitCode: 0, stdout: '', stderr: '' };
    };
    const answer: Promise<ExecResult> = c.x.hung ? new Promise(() => {}) : run();
    const races: Promise<ExecResult>[] = [answer];
    let timer: ReturnType<Clock['setTimeout']> | undefined;
    if (options.timeoutMs !== undefined) {
      const timeoutMs = options.timeoutMs;
      races.push(
        new Promise<never>((_, reject) => {
          timer = this.clock.setTimeout(
            () =>
              reject(
                new RuntimeError('Timeout', `command ${JSON.stringify(cmd)} timed out after ${timeoutMs} ms`),
              ),
            timeoutMs,
          );
        }),
      );
    }
    const signal = options.signal;
    const killed: ExecResult = { exitCode: KILLED, stdout: '', stderr: '' };
    let onAbort: (() => void) | undefined;
    if (signal) {
      races.push(
        new Promise<ExecResult>((resolve) => {
          onAbort = () => resolve(killed);
          if (signal.aborted) onAbort();
          else signal.addEventListener('abort', onAbort, { once: true });
        }),
      );
    }
    try {
      const result = await Promise.race(races);
      return result === killed ? result : streamResult(result, options);
    } finally {
      if (timer) this.clock.clearTimeout(timer);
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  async probe(containerId: string, probe: Probe, options: ProbeOptions = {}): Promise<ProbeResult> {
    const c = this.book.container(containerId);
    const started = await startProbe(c, probe, options, (cmd, timeoutMs) =>
      this.exec(containerId, cmd, { timeoutMs }),
    );
    if ('result' in started) return started.result;
    const { port, timeoutMs } = started;
    if (c.x.hung) {
      await this.clock.sleep(timeoutMs);
      return { outcome: 'failure', message: `probe timed out after ${timeoutMs} ms` };
    }
    const healthy = this.healthOf(c, options.kind ?? 'readiness');
    if (healthy) return { outcome: 'success' };
    return {
      outcome: 'failure',
      message: probe.httpGet
        ? `HTTP probe failed with statuscode: 500`
        : `dial tcp ${port.hostIP}:${port.hostPort}: connect: connection refused`,
    };
  }

  async close(): Promise<void> {
    if (this.book.closed) return;
    for (const c of this.book.containers.values()) {
      c.x.run++;
      if (c.state === 'RUNNING') this.book.markExited(c, KILLED, 'Error', 'runtime closed');
    }
    this.book.closed = true;
    this.book.containers.clear();
    this.book.sandboxes.clear();
    this.book.events.complete();
  }

  // ---- helpers ----

  private runningContainer(containerId: string): SimContainer {
    const c = this.book.container(containerId);
    if (c.state !== 'RUNNING')
      throw new RuntimeError('InvalidState', `container "${containerId}" is ${c.state}, not RUNNING`);
    return c;
  }

  private envOf(c: SimContainer): Record<string, string> {
    const env: Record<string, string> = {};
    for (const { name, value } of c.config.env) env[name] = value;
    env.HOSTNAME = this.book.sandboxes.get(c.sandboxId)?.config.hostname ?? '';
    return env;
  }

  private healthOf(c: SimContainer, kind: ProbeKind): boolean {
    const own = this.health.get(c.id)?.[kind];
    if (own !== undefined) return own;
    const uid = this.book.sandboxes.get(c.sandboxId)?.config.uid;
    return this.health.get(`${uid}/${c.config.name}`)?.[kind] ?? true;
  }

  private finalWords(c: SimContainer): void {
    const now = this.clock.now();
    for (const line of c.x.program.finalStdout ?? []) c.log.append(now, 'stdout', line);
  }

  private latency(spec: number | readonly [number, number]): number {
    const base = typeof spec === 'number' ? spec : spec[0] + this.random.next() * (spec[1] - spec[0]);
    return base * this.slowdown;
  }
}
