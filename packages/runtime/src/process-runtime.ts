import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import type { Probe } from '@flotilla/api';
import { type Clock, SystemClock } from '@flotilla/clock';
import type { Observable } from 'rxjs';
import { type ContainerRecord, RuntimeBook, startProbe } from './book.js';
import { RuntimeError } from './errors.js';
import { FileLog } from './file-log.js';
import { resolveLocalImage } from './images.js';
import { LineSplitter, streamLogs } from './logs.js';
import { freeLoopbackPort, httpProbe, tcpProbe } from './net.js';
import { signalGroup, trackGroup, untrackGroup } from './process-groups.js';
import type {
  ContainerConfig,
  ContainerFilter,
  ContainerRuntime,
  ContainerStatus,
  ExecInput,
  ExecOptions,
  ExecResult,
  LogEntry,
  LogOptions,
  LogStream,
  PodSandboxConfig,
  PodSandboxStatus,
  PortMapping,
  ProbeOptions,
  ProbeResult,
  RuntimeEvent,
  SandboxFilter,
} from './types.js';

export interface ProcessRuntimeOptions {
  /** Times grace periods, timeouts and timestamps (default: a new SystemClock). */
  readonly clock?: Clock;
  /** Local images: `<imageDir>/<name>/<tag>/image.json`. Without it only containers with a `command` run. */
  readonly imageDir?: string;
  /** Where container logs go (default: a new temporary directory, deleted by `close()`). */
  readonly logDir?: string;
  /** Size at which a container log rotates (default 10 MiB; one rotated file is kept). */
  readonly maxLogBytes?: number;
  /** Grace period of `stopContainer` without a timeout (default 30 s). */
  readonly gracePeriodDefaultSeconds?: number;
  /** Host variables passed to containers (default `PATH` only; a container sees its spec, not the host). */
  readonly inheritEnv?: readonly string[];
}

interface ProcState {
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly file: FileLog;
  pgid?: number;
  started?: Promise<void>;
  killedAfterGrace?: boolean;
}

type ProcContainer = ContainerRecord<ProcState>;

const exitCodeOf = (code: number | null, signal: NodeJS.Signals | null) =>
  code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0);

/**
 * Writes an exec's input to the child's stdin (with back-pressure) and closes it at the end. Returns a
 * function that stops reading a streamed input (once the command is gone).
 */
function feedStdin(stdin: Writable | null, input: ExecInput | undefined): () => void {
  if (stdin === null) return () => {};
  if (input === undefined || typeof input === 'string' || input instanceof Uint8Array) {
    stdin.end(input ?? '');
    return () => {};
  }
  const iterator = input[Symbol.asyncIterator]();
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    iterator.return?.().catch(() => {});
  };
  void (async () => {
    try {
      for (;;) {
        const step = await iterator.next();
        if (step.done || stopped || stdin.destroyed) break;
        if (!stdin.write(step.value)) {
          await new Promise<void>((resolve) => {
            const done = () => {
              stdin.off('drain', done);
              stdin.off('close', done);
              resolve();
            };
            stdin.on('drain', done);
            stdin.on('close', done);
          });
        }
      }
    } catch {
      // A failing input just closes stdin, as a broken pipe would.
    } finally {
      if (!stdin.destroyed) stdin.end();
    }
  })();
  return stop;
}

/**
 * Containers as local processes. Each runs in its own process group (spawned detached); stop sends the
 * group SIGTERM, waits the grace period on the clock, then SIGKILLs the group. Pod IP is 127.0.0.1 and
 * each containerPort is mapped to a free loopback port, passed to the process as `PORT` (the first one)
 * and `FLOTILLA_PORT_<containerPort>`. No process outlives `close()` or the host process.
 */
export class ProcessRuntime implements ContainerRuntime {
  readonly name = 'process';
  private readonly clock: Clock;
  private readonly book: RuntimeBook<ProcState>;
  private readonly logDir: string;
  private readonly ownLogDir: boolean;
  private readonly sandboxDirs = new Map<string, string>();
  private readonly execs = new Set<ChildProcess>();

  constructor(private readonly options: ProcessRuntimeOptions = {}) {
    this.clock = options.clock ?? new SystemClock();
    this.book = new RuntimeBook('proc', this.clock);
    this.ownLogDir = options.logDir === undefined;
    this.logDir = options.logDir ?? mkdtempSync(join(tmpdir(), 'flotilla-runtime-'));
  }

  get events$(): Observable<RuntimeEvent> {
    return this.book.events.asObservable();
  }

  // ---- sandboxes ----

  async runPodSandbox(config: PodSandboxConfig): Promise<string> {
    const sandbox = this.book.addSandbox(config, '127.0.0.1');
    const dir = join(this.logDir, `${config.namespace}_${config.name}_${config.uid}_${config.attempt}`);
    mkdirSync(dir, { recursive: true });
    this.sandboxDirs.set(sandbox.id, dir);
    return sandbox.id;
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
    await Promise.all([...sandbox.containers].map((id) => this.removeContainer(id)));
    this.book.sandboxes.delete(sandboxId);
    const dir = this.sandboxDirs.get(sandboxId);
    this.sandboxDirs.delete(sandboxId);
    if (dir) rmSync(dir, { recursive: true, force: true });
  }

  async podSandboxStatus(sandboxId: string): Promise<PodSandboxStatus> {
    return this.book.sandboxStatus(this.book.sandbox(sandboxId));
  }

  async listPodSandboxes(filter?: SandboxFilter): Promise<PodSandboxStatus[]> {
    return this.book.listSandboxes(filter);
  }

  // ---- containers ----

  async createContainer(sandboxId: string, config: ContainerConfig): Promise<string> {
    this.book.admit(sandboxId, config);
    const image = resolveLocalImage(this.options.imageDir, config.image);
    let argv: string[];
    if (config.command.length > 0) argv = [...config.command, ...config.args];
    else if (image) {
      const { entrypoint, cmd } = image.manifest;
      argv = [...entrypoint, ...(config.args.length > 0 ? config.args : (cmd ?? []))];
    } else {
      throw new RuntimeError(
        'ErrImagePull',
        this.options.imageDir === undefined
          ? `image "${config.image}" not found: no local image directory is configured and the container has no command`
          : `image "${config.image}" not found in local image directory ${this.options.imageDir}`,
      );
    }
    if (argv[0] === 'node') argv[0] = process.execPath;

    const ports: PortMapping[] = [];
    for (const p of config.ports) {
      ports.push({ ...p, hostIP: '127.0.0.1', hostPort: p.hostPort ?? (await freeLoopbackPort()) });
    }
    const sandbox = this.book.admit(sandboxId, config);
    const env: Record<string, string> = {};
    for (const name of this.options.inheritEnv ?? ['PATH']) {
      const value = process.env[name];
      if (value !== undefined) env[name] = value;
    }
    Object.assign(env, image?.manifest.env);
    for (const { name, value } of config.env) env[name] = value;
    env.HOSTNAME = sandbox.config.hostname;
    if (ports[0]) env.PORT = String(ports[0].hostPort);
    for (const p of ports) env[`FLOTILLA_PORT_${p.containerPort}`] = String(p.hostPort);

    const sandboxDir = this.sandboxDirs.get(sandboxId)!;
    const cwd = config.workingDir ?? (image ? join(image.dir, image.manifest.workingDir ?? '.') : sandboxDir);
    const logDir = join(sandboxDir, config.name);
    mkdirSync(logDir, { recursive: true });
    const file = new FileLog(
      join(logDir, `${config.attempt}.log`),
      this.options.maxLogBytes ?? 10 * 1024 * 1024,
    );
    const record = this.book.addContainer(sandbox, config, ports, file, { argv, cwd, env, file });
    record.logPath = file.path;
    return record.id;
  }

  async startContainer(containerId: string): Promise<void> {
    const c = this.book.container(containerId);
    this.book.beginStart(c);
    const started = this.spawnContainer(c);
    c.x.started = started.catch(() => {});
    await started;
  }

  private spawnContainer(c: ProcContainer): Promise<void> {
    const [file, ...args] = c.x.argv as [string, ...string[]];
    const child = spawn(file, args, {
      cwd: c.x.cwd,
      env: c.x.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const splitters = {
      stdout: new LineSplitter((line) => c.log.append(this.clock.now(), 'stdout', line)),
      stderr: new LineSplitter((line) => c.log.append(this.clock.now(), 'stderr', line)),
    };
    for (const stream of ['stdout', 'stderr'] as LogStream[]) {
      child[stream]?.setEncoding('utf8');
      child[stream]?.on('data', (chunk: string) => splitters[stream].push(chunk));
    }
    return new Promise<void>((resolve, reject) => {
      child.once('error', (error) => {
        // Only a failed spawn reaches here before 'spawn'; later errors (a failed kill) change nothing.
        if (c.state !== 'CREATED') return;
        this.book.markExited(c, 128, 'StartError', error.message);
        reject(
          new RuntimeError(
            'RunContainerError',
            `failed to start container "${c.config.name}": ${error.message}`,
          ),
        );
      });
      child.once('spawn', () => {
        const pgid = child.pid!;
        c.x.pgid = pgid;
        trackGroup(pgid);
        if (this.book.containers.get(c.id) !== c || this.book.closed) {
          signalGroup(pgid, 'SIGKILL');
        }
        this.book.markRunning(c, pgid);
        resolve();
      });
      // When the main process ends, so does the container: nothing it started may linger.
      child.once('exit', () => {
        if (c.x.pgid !== undefined) signalGroup(c.x.pgid, 'SIGKILL');
      });
      child.once('close', (code, signal) => {
        splitters.stdout.flush();
        splitters.stderr.flush();
        if (c.x.pgid !== undefined) untrackGroup(c.x.pgid);
        const exitCode = exitCodeOf(code, signal);
        const message = c.x.killedAfterGrace ? 'killed after the grace period' : undefined;
        this.book.markExited(c, exitCode, undefined, message);
      });
    });
  }

  async stopContainer(containerId: string, timeoutSeconds?: number): Promise<void> {
    const c = this.book.container(containerId);
    if (c.starting) await c.x.started;
    if (c.state !== 'RUNNING' || c.x.pgid === undefined) return;
    const pgid = c.x.pgid;
    const graceMs = Math.max(0, timeoutSeconds ?? this.options.gracePeriodDefaultSeconds ?? 30) * 1000;
    if (graceMs > 0) {
      signalGroup(pgid, 'SIGTERM');
      const timer = new AbortController();
      await Promise.race([this.book.exited(c), this.clock.sleep(graceMs, timer.signal).catch(() => {})]);
      timer.abort();
    }
    if (c.state === 'RUNNING') {
      c.x.killedAfterGrace = graceMs > 0;
      signalGroup(pgid, 'SIGKILL');
      await this.book.exited(c);
    }
  }

  async removeContainer(containerId: string): Promise<void> {
    this.book.checkOpen();
    const c = this.book.containers.get(containerId);
    if (!c) return;
    this.book.deleteContainer(c);
    if (c.starting) await c.x.started;
    if (c.state === 'RUNNING' && c.x.pgid !== undefined) {
      signalGroup(c.x.pgid, 'SIGKILL');
      await this.book.exited(c);
    }
    c.log.end();
    c.x.file.dispose(true);
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
    const c = this.book.container(containerId);
    if (c.state !== 'RUNNING')
      throw new RuntimeError('InvalidState', `container "${containerId}" is ${c.state}, not RUNNING`);
    const [first, ...args] = cmd;
    if (first === undefined)
      throw new RuntimeError('InvalidConfig', 'cmd: Required value: an exec needs a command');
    const { onStdout, onStderr, signal } = options;
    const child = spawn(first === 'node' ? process.execPath : first, args, {
      cwd: c.x.cwd,
      env: c.x.env,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.execs.add(child);
    let stdout = '';
    let stderr = '';
    if (onStdout) child.stdout?.on('data', (b: Buffer) => onStdout(b));
    else
      child.stdout?.setEncoding('utf8').on('data', (s: string) => {
        stdout += s;
      });
    if (onStderr) child.stderr?.on('data', (b: Buffer) => onStderr(b));
    else
      child.stderr?.setEncoding('utf8').on('data', (s: string) => {
        stderr += s;
      });
    child.stdin?.on('error', () => {});
    const stopInput = feedStdin(child.stdin, options.stdin);
    const kill = () => {
      if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
    };
    return new Promise<ExecResult>((resolve, reject) => {
      let timer: ReturnType<Clock['setTimeout']> | undefined;
      const finish = () => {
        this.execs.delete(child);
        if (child.pid !== undefined) untrackGroup(child.pid);
        if (timer) this.clock.clearTimeout(timer);
        signal?.removeEventListener('abort', kill);
        stopInput();
      };
      child.once('spawn', () => {
        if (child.pid !== undefined) trackGroup(child.pid);
        if (signal?.aborted) kill();
      });
      child.once('error', (error: NodeJS.ErrnoException) => {
        if (child.pid !== undefined) return;
        finish();
        const denied = error.code === 'EACCES';
        const why = error.code === 'ENOENT' ? 'executable file not found in $PATH' : error.message;
        const startError = `exec: ${JSON.stringify(first)}: ${denied ? 'permission denied' : why}`;
        resolve({
          exitCode: denied ? 126 : 127,
          stdout,
          stderr: onStderr ? '' : `${stderr}${startError}\n`,
          startError,
        });
      });
      child.once('exit', () => {
        if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
      });
      child.once('close', (code, closeSignal) => {
        finish();
        resolve({ exitCode: exitCodeOf(code, closeSignal), stdout, stderr });
      });
      signal?.addEventListener('abort', kill, { once: true });
      if (options.timeoutMs !== undefined) {
        const ms = options.timeoutMs;
        timer = this.clock.setTimeout(() => {
          timer = undefined;
          kill();
          reject(new RuntimeError('Timeout', `command ${JSON.stringify(cmd)} timed out after ${ms} ms`));
        }, ms);
      }
    });
  }

  async probe(containerId: string, probe: Probe, options: ProbeOptions = {}): Promise<ProbeResult> {
    const c = this.book.container(containerId);
    const started = await startProbe(c, probe, options, (cmd, timeoutMs) =>
      this.exec(containerId, cmd, { timeoutMs }),
    );
    if ('result' in started) return started.result;
    const { port, timeoutMs } = started;
    const abort = new AbortController();
    const timer = this.clock.setTimeout(() => abort.abort(`timeout after ${timeoutMs} ms`), timeoutMs);
    try {
      return probe.httpGet
        ? await httpProbe({
            port: port.hostPort!,
            signal: abort.signal,
            ...(probe.httpGet.path === undefined ? {} : { path: probe.httpGet.path }),
            ...(probe.httpGet.scheme === undefined ? {} : { scheme: probe.httpGet.scheme }),
            ...(probe.httpGet.httpHeaders === undefined ? {} : { headers: probe.httpGet.httpHeaders }),
          })
        : await tcpProbe(port.hostPort!, abort.signal);
    } finally {
      this.clock.clearTimeout(timer);
    }
  }

  /** SIGKILLs every container and exec, waits until they are gone, deletes a temporary log directory. */
  async close(): Promise<void> {
    if (this.book.closed) return;
    this.book.closed = true;
    const waits: Promise<unknown>[] = [];
    for (const c of this.book.containers.values()) {
      if (c.starting) waits.push(c.x.started!.then(() => this.kill(c)));
      else if (c.state === 'RUNNING') waits.push(this.kill(c));
    }
    for (const child of this.execs) {
      if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL');
      waits.push(new Promise((resolve) => child.once('close', resolve)));
    }
    await Promise.all(waits);
    for (const c of this.book.containers.values()) c.x.file.dispose(false);
    this.book.containers.clear();
    this.book.sandboxes.clear();
    this.book.events.complete();
    if (this.ownLogDir) rmSync(this.logDir, { recursive: true, force: true });
  }

  private kill(c: ProcContainer): Promise<void> {
    if (c.state !== 'RUNNING' || c.x.pgid === undefined) return Promise.resolve();
    signalGroup(c.x.pgid, 'SIGKILL');
    return this.book.exited(c);
  }
}
