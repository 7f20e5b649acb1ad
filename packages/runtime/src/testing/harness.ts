import type { Clock } from '@flotilla/clock';
import type { ContainerConfig, ContainerRuntime, PortMapping } from '../types.js';

/**
 * What a conformance test wants a container to do, said once for every runtime. Each harness turns it
 * into something its runtime runs: a `SimProgram` for the simulation, a `node -e` script for processes.
 */
export interface TestProgram {
  /** Lines written once the program is up (its SIGTERM handling is in place by then). */
  readonly stdout?: readonly string[];
  readonly stderr?: readonly string[];
  /** Writes `NAME=value` to stdout for each variable, once up. */
  readonly printEnv?: readonly string[];
  /** Exits by itself after this long, with `exitCode` (default 0); without it, runs until stopped. */
  readonly exitAfterMs?: number;
  readonly exitCode?: number;
  /** Lines written just before exiting (by itself or on SIGTERM). */
  readonly finalStdout?: readonly string[];
  /** Ignores SIGTERM; otherwise SIGTERM makes it exit 0. */
  readonly ignoreSigterm?: boolean;
  /** Answers HTTP 200 (and accepts TCP) on every declared port. */
  readonly serve?: boolean;
}

/** What a conformance test wants an exec'd command to do. */
export interface TestExec {
  readonly stdout?: string;
  readonly stderr?: string;
  readonly exitCode?: number;
  /** Appends `NAME=value\n` of this variable to stdout. */
  readonly printEnv?: string;
  /** Appends everything read from stdin to stdout. */
  readonly echoStdin?: boolean;
  /** Takes this long before answering. */
  readonly sleepMs?: number;
}

export interface ContainerExtras {
  readonly env?: ContainerConfig['env'];
  readonly ports?: readonly PortMapping[];
  readonly labels?: Readonly<Record<string, string>>;
  readonly attempt?: number;
}

/** One fresh runtime for one test, with the means to drive its time and describe containers. */
export interface RuntimeHarness {
  readonly runtime: ContainerRuntime;
  /** The runtime's clock (timestamps in statuses and events come from it). */
  readonly clock: Clock;
  /** Lets `ms` pass on the runtime's clock: a VirtualClock advances, wall time is waited out. */
  advance(ms: number): Promise<void>;
  /** A container config whose container behaves as `program` says. */
  container(name: string, program: TestProgram, extras?: ContainerExtras): ContainerConfig;
  /** A command line that behaves as `exec` says when exec'd in a running container of this runtime. */
  execCommand(exec: TestExec): string[];
  /** Runs after each test once the runtime is closed (for example: prove no process leaked). */
  cleanup?(): Promise<void>;
}

/** Builds the config every harness shares around the runtime-specific image and command. */
export function baseContainerConfig(
  name: string,
  image: string,
  command: readonly string[],
  extras: ContainerExtras = {},
): ContainerConfig {
  return {
    name,
    attempt: extras.attempt ?? 0,
    image,
    command,
    args: [],
    env: extras.env ?? [],
    ports: extras.ports ?? [],
    labels: { 'io.kubernetes.container.name': name, ...extras.labels },
    annotations: {},
  };
}
