import type { Probe, ResourceRequirements } from '@flotilla/api';
import type { Observable } from 'rxjs';

/** A port a pod publishes (CRI `PortMapping`); `hostPort` is where the runtime made it reachable. */
export interface PortMapping {
  readonly containerPort: number;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
  readonly name?: string;
  readonly hostPort?: number;
  readonly hostIP?: string;
}

/** What a pod sandbox is made from (CRI `PodSandboxConfig`); build it with `podSandboxConfig(pod)`. */
export interface PodSandboxConfig {
  readonly uid: string;
  readonly name: string;
  readonly namespace: string;
  readonly attempt: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly hostname: string;
  readonly portMappings: readonly PortMapping[];
}

/** What a container is made from (CRI `ContainerConfig`); build it with `containerConfig(pod, container)`. */
export interface ContainerConfig {
  readonly name: string;
  readonly attempt: number;
  readonly image: string;
  /** Overrides the image's entrypoint when non-empty (Kubernetes' `command`). */
  readonly command: readonly string[];
  /** Overrides the image's default arguments when non-empty (Kubernetes' `args`). */
  readonly args: readonly string[];
  /** Resolved environment, in order; later entries win. */
  readonly env: readonly { readonly name: string; readonly value: string }[];
  readonly workingDir?: string;
  readonly ports: readonly PortMapping[];
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly resources?: ResourceRequirements;
}

export type SandboxState = 'SANDBOX_READY' | 'SANDBOX_NOTREADY';

export interface PodSandboxStatus {
  readonly id: string;
  readonly uid: string;
  readonly name: string;
  readonly namespace: string;
  readonly attempt: number;
  readonly state: SandboxState;
  /** Epoch milliseconds on the runtime's clock. */
  readonly createdAt: number;
  /** The pod IP: 10.x from the simulated allocator, 127.0.0.1 for local processes. */
  readonly ip: string;
  readonly hostname: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
}

export type ContainerState = 'CREATED' | 'RUNNING' | 'EXITED' | 'UNKNOWN';

export interface ContainerStatus {
  readonly id: string;
  readonly sandboxId: string;
  readonly name: string;
  readonly attempt: number;
  readonly image: string;
  readonly state: ContainerState;
  /** Epoch milliseconds on the runtime's clock. */
  readonly createdAt: number;
  readonly startedAt?: number;
  readonly finishedAt?: number;
  /** Set once EXITED: the exit status, 128 + signal number for a signal (137 = SIGKILL, 143 = SIGTERM). */
  readonly exitCode?: number;
  /** Set once EXITED: `Completed` (exit 0), `Error`, `OOMKilled` or `StartError`. */
  readonly reason?: string;
  readonly message?: string;
  /** The container's ports and where they are reachable (`hostIP:hostPort`). */
  readonly ports: readonly PortMapping[];
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** The container's log file (ProcessRuntime; CRI format, rotated to `<logPath>.1`). */
  readonly logPath?: string;
  /** Process id of the container's main process (ProcessRuntime, while it runs). */
  readonly pid?: number;
}

export interface ContainerExitedEvent {
  readonly type: 'containerExited';
  readonly sandboxId: string;
  readonly containerId: string;
  readonly exitCode: number;
  readonly reason: string;
  /** Epoch milliseconds on the runtime's clock; equals the container's `finishedAt`. */
  readonly at: number;
}

export type RuntimeEvent = ContainerExitedEvent;

export interface SandboxFilter {
  readonly state?: SandboxState;
  /** Every pair must match. */
  readonly labels?: Readonly<Record<string, string>>;
}

export interface ContainerFilter {
  readonly sandboxId?: string;
  readonly state?: ContainerState;
  /** Every pair must match. */
  readonly labels?: Readonly<Record<string, string>>;
}

export type LogStream = 'stdout' | 'stderr';

export interface LogEntry {
  /** Epoch milliseconds on the runtime's clock. */
  readonly time: number;
  readonly stream: LogStream;
  /** One line without its newline. */
  readonly line: string;
}

export interface LogOptions {
  /** Only the last `tail` lines already written (default: all kept). */
  readonly tail?: number;
  /** Keep yielding new lines until the container exits or `signal` aborts. */
  readonly follow?: boolean;
  /** Only this stream (default: both). */
  readonly stream?: LogStream;
  readonly signal?: AbortSignal;
}

/** What an exec'd command reads: all at once, or chunks as they come (stdin closes when it ends). */
export type ExecInput = string | Uint8Array | AsyncIterable<string | Uint8Array>;

export interface ExecOptions {
  /** The command's stdin (default: empty, closed at once). */
  readonly stdin?: ExecInput;
  /** Give up after this long (runtime clock); the call rejects with reason `Timeout`. */
  readonly timeoutMs?: number;
  /** Streams stdout as it is written (`kubectl exec`); the result's `stdout` is then `''`. */
  readonly onStdout?: (chunk: Uint8Array) => void;
  /** Streams stderr as it is written; the result's `stderr` is then `''`. */
  readonly onStderr?: (chunk: Uint8Array) => void;
  /** Aborting kills the command (SIGKILL): the call resolves with exit code 137. */
  readonly signal?: AbortSignal;
}

export interface ExecResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /**
   * Set (only) when the command could not be started at all, e.g. `exec: "nope": executable file not
   * found in $PATH`. `exitCode` is then 127 (126: found but not executable) as a shell reports it;
   * without `onStderr` the message is also the end of `stderr`, with it nothing is streamed.
   */
  readonly startError?: string;
}

export type ProbeKind = 'liveness' | 'readiness' | 'startup';

export interface ProbeOptions {
  /** Which probe this is; only a simulated health model tells them apart (default `readiness`). */
  readonly kind?: ProbeKind;
  /** Default: the probe's `timeoutSeconds` (Kubernetes' default 1 s). */
  readonly timeoutMs?: number;
}

export type ProbeResult =
  | { readonly outcome: 'success'; readonly message?: string }
  | { readonly outcome: 'failure'; readonly message: string };

/**
 * A CRI-like container runtime: pod sandboxes hold containers; the agent drives both.
 *
 * Edge cases every implementation honours (the conformance suite in `@flotilla/runtime/testing` checks
 * each):
 * - Unknown ids reject with reason `NotFound` — except `removeContainer` and `removePodSandbox`, which
 *   are idempotent as in CRI.
 * - `createContainer` rejects with `AlreadyExists` for a second container of the same name and attempt
 *   in a sandbox, `InvalidState` in a stopped sandbox, `ErrImagePull` for an image it cannot get.
 * - `startContainer` resolves once the container RUNS; starting it twice rejects with `InvalidState`.
 *   A command that cannot start leaves the container EXITED with reason `StartError` (exit 128) and
 *   rejects with `RunContainerError`.
 * - `stopContainer(id, timeoutSeconds)` sends SIGTERM, waits up to the timeout, then SIGKILLs (the
 *   whole process group); 0 kills at once. It resolves when the container is EXITED and is a no-op
 *   for a container that is not running.
 * - Every exit, however it happens, emits exactly one `containerExited` event on `events$`.
 * - `removeContainer` kills a running container first; its logs go with it.
 * - `stopPodSandbox` stops every container of the sandbox (with the given grace, default 0) and marks
 *   it NOTREADY; `removePodSandbox` also removes them.
 * - `logs` yields lines in write order per stream; with `follow` it ends when the container exits.
 * - `exec` and `probe` need a RUNNING container (`InvalidState` otherwise; a probe reports failure).
 * - After `close()` every process is gone and every call rejects with `Closed`; `close` is idempotent.
 */
export interface ContainerRuntime {
  /** `simulated`, `process`, … */
  readonly name: string;
  /** Container exits, in the order they happened. */
  readonly events$: Observable<RuntimeEvent>;

  runPodSandbox(config: PodSandboxConfig): Promise<string>;
  stopPodSandbox(sandboxId: string, timeoutSeconds?: number): Promise<void>;
  removePodSandbox(sandboxId: string): Promise<void>;
  podSandboxStatus(sandboxId: string): Promise<PodSandboxStatus>;
  listPodSandboxes(filter?: SandboxFilter): Promise<PodSandboxStatus[]>;

  createContainer(sandboxId: string, config: ContainerConfig): Promise<string>;
  startContainer(containerId: string): Promise<void>;
  stopContainer(containerId: string, timeoutSeconds?: number): Promise<void>;
  removeContainer(containerId: string): Promise<void>;
  containerStatus(containerId: string): Promise<ContainerStatus>;
  listContainers(filter?: ContainerFilter): Promise<ContainerStatus[]>;

  /** Log lines of a container (also after it exited, until it is removed). */
  logs(containerId: string, options?: LogOptions): AsyncIterable<LogEntry>;
  /** Runs `cmd` inside a running container with its environment and working directory. */
  exec(containerId: string, cmd: readonly string[], options?: ExecOptions): Promise<ExecResult>;
  /** Runs one `httpGet`, `tcpSocket` or `exec` probe against a running container. */
  probe(containerId: string, probe: Probe, options?: ProbeOptions): Promise<ProbeResult>;

  /** Stops everything at once (SIGKILL) and releases every resource. */
  close(): Promise<void>;
}
