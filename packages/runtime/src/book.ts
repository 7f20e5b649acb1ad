import type { Probe } from '@flotilla/api';
import type { Clock } from '@flotilla/clock';
import { Subject } from 'rxjs';
import { isRuntimeError, RuntimeError } from './errors.js';
import type { LogFeed } from './logs.js';
import type {
  ContainerConfig,
  ContainerFilter,
  ContainerState,
  ContainerStatus,
  ExecResult,
  PodSandboxConfig,
  PodSandboxStatus,
  PortMapping,
  ProbeOptions,
  ProbeResult,
  RuntimeEvent,
  SandboxFilter,
  SandboxState,
} from './types.js';

export interface SandboxRecord {
  readonly id: string;
  readonly config: PodSandboxConfig;
  readonly createdAt: number;
  readonly ip: string;
  state: SandboxState;
  readonly containers: Set<string>;
}

export interface ContainerRecord<X> {
  readonly id: string;
  readonly sandboxId: string;
  readonly config: ContainerConfig;
  readonly createdAt: number;
  readonly ports: readonly PortMapping[];
  readonly log: LogFeed;
  state: ContainerState;
  /** A start is under way (between `startContainer` and RUNNING). */
  starting: boolean;
  startedAt?: number;
  finishedAt?: number;
  exitCode?: number;
  reason?: string;
  message?: string;
  pid?: number;
  logPath?: string;
  exitWaiters?: (() => void)[];
  /** Runtime-specific state. */
  readonly x: X;
}

/** Kubernetes' terminated reason for an exit code. */
export const exitReason = (exitCode: number): string => (exitCode === 0 ? 'Completed' : 'Error');

const matches = (labels: Readonly<Record<string, string>>, want?: Readonly<Record<string, string>>) =>
  want === undefined || Object.entries(want).every(([k, v]) => labels[k] === v);

/**
 * The bookkeeping every runtime shares: ids, sandboxes and their containers, state transitions, exit
 * events and the CRI error cases. Every lookup is O(1); listing a sandbox's containers is O(its size).
 */
export class RuntimeBook<X> {
  readonly sandboxes = new Map<string, SandboxRecord>();
  readonly containers = new Map<string, ContainerRecord<X>>();
  readonly events = new Subject<RuntimeEvent>();
  closed = false;
  private nextId = 1;

  constructor(
    private readonly prefix: string,
    private readonly clock: Clock,
  ) {}

  private id(kind: string): string {
    return `${this.prefix}-${kind}-${(this.nextId++).toString(16).padStart(8, '0')}`;
  }

  checkOpen(): void {
    if (this.closed) throw RuntimeError.closed();
  }

  sandbox(id: string): SandboxRecord {
    this.checkOpen();
    const s = this.sandboxes.get(id);
    if (!s) throw RuntimeError.sandboxNotFound(id);
    return s;
  }

  container(id: string): ContainerRecord<X> {
    this.checkOpen();
    const c = this.containers.get(id);
    if (!c) throw RuntimeError.containerNotFound(id);
    return c;
  }

  addSandbox(config: PodSandboxConfig, ip: string): SandboxRecord {
    this.checkOpen();
    const record: SandboxRecord = {
      id: this.id('sandbox'),
      config: { ...config, labels: { ...config.labels }, annotations: { ...config.annotations } },
      createdAt: this.clock.now(),
      ip,
      state: 'SANDBOX_READY',
      containers: new Set(),
    };
    this.sandboxes.set(record.id, record);
    return record;
  }

  /** Checks that `config` may be created in the sandbox; throws the CRI error otherwise. */
  admit(sandboxId: string, config: ContainerConfig): SandboxRecord {
    const sandbox = this.sandbox(sandboxId);
    if (sandbox.state !== 'SANDBOX_READY') {
      throw new RuntimeError('InvalidState', `pod sandbox "${sandboxId}" is not ready`);
    }
    if (!config.name) throw new RuntimeError('InvalidConfig', 'name: Required value');
    for (const id of sandbox.containers) {
      const other = this.containers.get(id)!;
      if (other.config.name === config.name && other.config.attempt === config.attempt) {
        throw new RuntimeError(
          'AlreadyExists',
          `container "${config.name}" attempt ${config.attempt} already exists in pod sandbox "${sandboxId}" as "${id}"`,
        );
      }
    }
    return sandbox;
  }

  addContainer(
    sandbox: SandboxRecord,
    config: ContainerConfig,
    ports: readonly PortMapping[],
    log: LogFeed,
    x: X,
  ): ContainerRecord<X> {
    const record: ContainerRecord<X> = {
      id: this.id('container'),
      sandboxId: sandbox.id,
      config,
      createdAt: this.clock.now(),
      ports,
      log,
      state: 'CREATED',
      starting: false,
      x,
    };
    this.containers.set(record.id, record);
    sandbox.containers.add(record.id);
    return record;
  }

  /** Claims the start of a CREATED container; a second start, or a start after exit, is InvalidState. */
  beginStart(c: ContainerRecord<X>): void {
    if (c.state !== 'CREATED' || c.starting) {
      throw new RuntimeError(
        'InvalidState',
        `container "${c.id}" is ${c.starting ? 'already starting' : c.state}, not CREATED`,
      );
    }
    c.starting = true;
  }

  markRunning(c: ContainerRecord<X>, pid?: number): void {
    c.starting = false;
    c.state = 'RUNNING';
    c.startedAt = this.clock.now();
    if (pid !== undefined) c.pid = pid;
  }

  /** Records an exit once (later calls return false), ends the log and emits `containerExited`. */
  markExited(
    c: ContainerRecord<X>,
    exitCode: number,
    reason = exitReason(exitCode),
    message?: string,
  ): boolean {
    if (c.state === 'EXITED') return false;
    const at = this.clock.now();
    c.starting = false;
    c.state = 'EXITED';
    c.finishedAt = at;
    c.exitCode = exitCode;
    c.reason = reason;
    if (message !== undefined) c.message = message;
    c.pid = undefined;
    c.log.end();
    const waiters = c.exitWaiters;
    c.exitWaiters = undefined;
    if (waiters) for (const w of waiters) w();
    this.events.next({
      type: 'containerExited',
      sandboxId: c.sandboxId,
      containerId: c.id,
      exitCode,
      reason,
      at,
    });
    return true;
  }

  /** Resolves when the container is EXITED (at once if it already is). */
  exited(c: ContainerRecord<X>): Promise<void> {
    if (c.state === 'EXITED') return Promise.resolve();
    return new Promise((resolve) => {
      c.exitWaiters ??= [];
      c.exitWaiters.push(resolve);
    });
  }

  deleteContainer(c: ContainerRecord<X>): void {
    this.containers.delete(c.id);
    this.sandboxes.get(c.sandboxId)?.containers.delete(c.id);
  }

  sandboxStatus(s: SandboxRecord): PodSandboxStatus {
    const { config } = s;
    return {
      id: s.id,
      uid: config.uid,
      name: config.name,
      namespace: config.namespace,
      attempt: config.attempt,
      state: s.state,
      createdAt: s.createdAt,
      ip: s.ip,
      hostname: config.hostname,
      labels: config.labels,
      annotations: config.annotations,
    };
  }

  containerStatus(c: ContainerRecord<X>): ContainerStatus {
    return {
      id: c.id,
      sandboxId: c.sandboxId,
      name: c.config.name,
      attempt: c.config.attempt,
      image: c.config.image,
      state: c.state,
      createdAt: c.createdAt,
      ...(c.startedAt === undefined ? {} : { startedAt: c.startedAt }),
      ...(c.finishedAt === undefined ? {} : { finishedAt: c.finishedAt }),
      ...(c.exitCode === undefined ? {} : { exitCode: c.exitCode }),
      ...(c.reason === undefined ? {} : { reason: c.reason }),
      ...(c.message === undefined ? {} : { message: c.message }),
      ports: c.ports,
      labels: c.config.labels,
      annotations: c.config.annotations,
      ...(c.logPath === undefined ? {} : { logPath: c.logPath }),
      ...(c.pid === undefined ? {} : { pid: c.pid }),
    };
  }

  listSandboxes(filter: SandboxFilter = {}): PodSandboxStatus[] {
    this.checkOpen();
    const out: PodSandboxStatus[] = [];
    for (const s of this.sandboxes.values()) {
      if (filter.state !== undefined && s.state !== filter.state) continue;
      if (!matches(s.config.labels, filter.labels)) continue;
      out.push(this.sandboxStatus(s));
    }
    return out;
  }

  listContainers(filter: ContainerFilter = {}): ContainerStatus[] {
    this.checkOpen();
    let ids: Iterable<string>;
    if (filter.sandboxId === undefined) ids = this.containers.keys();
    else ids = this.sandboxes.get(filter.sandboxId)?.containers ?? [];
    const out: ContainerStatus[] = [];
    for (const id of ids) {
      const c = this.containers.get(id)!;
      if (filter.state !== undefined && c.state !== filter.state) continue;
      if (!matches(c.config.labels, filter.labels)) continue;
      out.push(this.containerStatus(c));
    }
    return out;
  }
}

/** Kubernetes' probe port: a number, or the name of one of the container's ports. */
export function resolveProbePort(ports: readonly PortMapping[], port: number | string): PortMapping | string {
  const found =
    typeof port === 'number' || /^\d+$/.test(port)
      ? ports.find((p) => p.containerPort === Number(port))
      : ports.find((p) => p.name === port);
  if (found) return found;
  return typeof port === 'string' && !/^\d+$/.test(port)
    ? `port "${port}" is not a named port of the container`
    : `port ${port} is not a containerPort of the container, so nothing listens there`;
}

/**
 * The part of running a probe both runtimes share: a container that isn't running fails, an exec probe
 * runs through `exec`, and an httpGet/tcpSocket probe resolves its port. Returns the finished result, or
 * the port and timeout for the runtime's own network check.
 */
export async function startProbe(
  c: ContainerRecord<unknown>,
  probe: Probe,
  options: ProbeOptions,
  exec: (cmd: readonly string[], timeoutMs: number) => Promise<ExecResult>,
): Promise<{ readonly result: ProbeResult } | { readonly port: PortMapping; readonly timeoutMs: number }> {
  if (c.state !== 'RUNNING')
    return { result: { outcome: 'failure', message: `container is ${c.state}, not running` } };
  const timeoutMs = options.timeoutMs ?? (probe.timeoutSeconds ?? 1) * 1000;
  if (probe.exec) {
    try {
      const r = await exec(probe.exec.command ?? [], timeoutMs);
      return {
        result:
          r.exitCode === 0
            ? { outcome: 'success', message: r.stdout }
            : { outcome: 'failure', message: `command exited with ${r.exitCode}: ${r.stdout}${r.stderr}` },
      };
    } catch (error) {
      if (isRuntimeError(error)) return { result: { outcome: 'failure', message: error.message } };
      throw error;
    }
  }
  const action = probe.httpGet ?? probe.tcpSocket;
  if (!action)
    return { result: { outcome: 'failure', message: 'probe has no httpGet, tcpSocket or exec handler' } };
  const port = resolveProbePort(c.ports, action.port);
  if (typeof port === 'string') return { result: { outcome: 'failure', message: port } };
  return { port, timeoutMs };
}
