/**
 * The thin shell around `parseCommandLine` and `startUp`: prints, waits for signals, returns the exit
 * code. Everything it touches in the process (output, environment, signals, exit) comes in as `MainIo`.
 */
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { VERSION_INFO } from '@flotilla/apiserver';
import { parseCommandLine, type StoreSpec, type UpConfig } from './args.js';
import { type RunningCluster, startUp, UpError } from './up.js';

export type StopSignal = 'SIGINT' | 'SIGTERM';

export interface MainIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  /** Relative paths in flags resolve against this directory. */
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where SIGINT and SIGTERM arrive (`process`). */
  readonly signals: {
    on(signal: StopSignal, listener: (signal: StopSignal) => void): unknown;
    off(signal: StopSignal, listener: (signal: StopSignal) => void): unknown;
  };
  /** Ends the process now (a second signal while stopping). */
  readonly exit: (code: number) => void;
}

/** Exit codes: 0 success, 1 failure, 2 bad usage, 130 forced by a second signal. */
export const EXIT = { ok: 0, failure: 1, usage: 2, forced: 130 } as const;

/** `examples/images` of the repository when running from the workspace (source or dist), else undefined. */
export function workspaceImageDir(): string | undefined {
  const dir = fileURLToPath(new URL('../../../examples/images', import.meta.url));
  return statSync(dir, { throwIfNoEntry: false })?.isDirectory() ? dir : undefined;
}

export function cliVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** A path as a POSIX shell word. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

function describeStore(store: StoreSpec): string {
  switch (store.type) {
    case 'memory':
      return 'in-memory store';
    case 'sqlite':
      return `SQLite store ${store.path}`;
    case 'etcd':
      return `etcd store ${store.endpoints.join(',')}`;
  }
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function up(config: UpConfig, io: MainIo): Promise<number> {
  let signalled: ((signal: StopSignal) => void) | undefined;
  let received: StopSignal | undefined;
  const stopRequested = new Promise<StopSignal>((resolve) => {
    signalled = resolve;
  });
  const onSignal = (signal: StopSignal) => {
    if (received !== undefined) {
      io.err(`flotilla: ${signal} again: exiting without cleaning up\n`);
      io.exit(EXIT.forced);
      return;
    }
    received = signal;
    signalled?.(signal);
  };
  io.signals.on('SIGINT', onSignal);
  io.signals.on('SIGTERM', onSignal);
  try {
    let running: RunningCluster;
    try {
      running = await startUp(config, {
        ...(config.verbose
          ? {
              onError: (error: unknown, component: string) =>
                io.err(`flotilla: ${component}: ${messageOf(error)}\n`),
            }
          : {}),
      });
    } catch (error) {
      io.err(`error: ${messageOf(error)}\n`);
      if (config.verbose && error instanceof Error && !(error instanceof UpError)) io.err(`${error.stack}\n`);
      return error instanceof UpError ? error.exitCode : EXIT.failure;
    }
    const kubeconfig = shellQuote(running.kubeconfig);
    io.out(
      [
        `Flotilla is up: ${config.nodes} node${config.nodes === 1 ? '' : 's'} (${config.runtime} runtime), ${describeStore(config.store)}`,
        `API server: ${running.url}`,
        `Kubeconfig: ${running.kubeconfig}`,
        '',
        'Use it with kubectl:',
        '',
        `  export KUBECONFIG=${kubeconfig}`,
        '  kubectl get nodes',
        '',
        'Press Ctrl-C to stop.',
        '',
      ].join('\n'),
    );
    const signal = await stopRequested;
    io.out(`\nflotilla: ${signal}: stopping\n`);
    try {
      await running.stop();
    } catch (error) {
      io.err(`error: stopping: ${messageOf(error)}\n`);
      return EXIT.failure;
    }
    io.out('stopped\n');
    return EXIT.ok;
  } finally {
    io.signals.off('SIGINT', onSignal);
    io.signals.off('SIGTERM', onSignal);
  }
}

/** Runs `flotilla <argv>`; resolves to the exit code (for `up`, once stopped by a signal). */
export async function main(argv: readonly string[], io: MainIo): Promise<number> {
  const parsed = parseCommandLine(argv, {
    cwd: io.cwd,
    home: io.env.HOME,
    defaultImageDir: workspaceImageDir(),
  });
  if (!parsed.ok) {
    io.err(`${parsed.errors.map((e) => `error: ${e}\n`).join('')}${parsed.usage}\n`);
    return EXIT.usage;
  }
  const command = parsed.value;
  switch (command.command) {
    case 'help':
      io.out(command.text);
      return EXIT.ok;
    case 'version':
      io.out(
        `flotilla ${cliVersion()}\nKubernetes API: ${VERSION_INFO.gitVersion}\nNode.js: ${process.version}\n`,
      );
      return EXIT.ok;
    case 'up':
      return up(command.config, io);
  }
}
