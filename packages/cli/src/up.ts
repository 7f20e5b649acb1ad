/**
 * `flotilla up` without the process plumbing: `startUp(config)` starts a backend, an embedded cluster
 * and an API server, writes the kubeconfig, and returns a handle whose `stop()` undoes all of it.
 */
import { mkdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type ApiServer, createApiServer } from '@flotilla/apiserver';
import { type Cluster, createCluster } from '@flotilla/host';
import type { Backend } from '@flotilla/store';
import { EtcdBackend } from '@flotilla/store-etcd';
import { SqliteBackend } from '@flotilla/store-sqlite';
import { ETCD_PREFIX, type StoreSpec, type UpConfig } from './args.js';

/** A failure to start, with the exit code it deserves: 2 when a flag's value is the problem, else 1. */
export class UpError extends Error {
  override readonly name = 'UpError';
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

/** The first line of every kubeconfig flotilla writes; a file without it is never overwritten. */
export const KUBECONFIG_MARKER = '# Written by `flotilla up`';

export interface RunningCluster {
  readonly cluster: Cluster;
  readonly server: ApiServer;
  /** `https://127.0.0.1:<port>`. */
  readonly url: string;
  /** The kubeconfig written (absolute path). */
  readonly kubeconfig: string;
  /**
   * Closes the API server (ending watches and connections), stops the cluster (every agent, runtime
   * and process), closes the backend and removes the kubeconfig if it still holds what was written.
   * Idempotent.
   */
  stop(): Promise<void>;
}

export interface StartOptions {
  /** Told about every error a component retries. */
  readonly onError?: (error: unknown, component: string) => void;
}

const invalid = (flag: string, value: string, detail: string) =>
  `--${flag}: Invalid value: ${JSON.stringify(value)}: ${detail}`;

function isDirectory(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The checks that need the file system, before anything starts. */
function checkPaths(config: UpConfig): void {
  if (config.runtime === 'process' && config.imageDir !== undefined && !isDirectory(config.imageDir)) {
    throw new UpError(invalid('image-dir', config.imageDir, 'no such directory'), 2);
  }
  if (config.store.type === 'sqlite' && config.store.path !== ':memory:') {
    const dir = dirname(config.store.path);
    if (!isDirectory(dir)) {
      throw new UpError(
        invalid('store', `sqlite:${config.store.path}`, `directory ${dir} does not exist`),
        2,
      );
    }
  }
  const existing = statSync(config.kubeconfig, { throwIfNoEntry: false });
  if (existing?.isDirectory()) {
    throw new UpError(invalid('kubeconfig', config.kubeconfig, 'is a directory; give a file path'), 2);
  }
  if (existing && !readFileSync(config.kubeconfig, 'utf8').startsWith(KUBECONFIG_MARKER)) {
    throw new UpError(
      invalid(
        'kubeconfig',
        config.kubeconfig,
        'the file exists and was not written by flotilla; choose another path or remove it',
      ),
      2,
    );
  }
}

function openBackend(store: StoreSpec): Backend | undefined {
  switch (store.type) {
    case 'memory':
      return undefined; // the cluster makes and closes its own MemoryBackend
    case 'sqlite':
      return new SqliteBackend({ path: store.path });
    case 'etcd':
      return new EtcdBackend({ endpoints: [...store.endpoints], prefix: ETCD_PREFIX });
  }
}

/** Writes atomically (a temporary file renamed over the target), mode 0600 whatever was there. */
function writePrivate(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, path);
}

function listenError(error: unknown, port: number): UpError | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE')
    return new UpError(
      `cannot listen on 127.0.0.1:${port}: address already in use (--port 0 picks a free port)`,
      1,
    );
  if (code === 'EACCES')
    return new UpError(
      `cannot listen on 127.0.0.1:${port}: permission denied (--port 0 picks a free port)`,
      1,
    );
  return undefined;
}

/** Starts everything `config` describes; on failure, stops what had started and throws (an `UpError` when it can say why). */
export async function startUp(config: UpConfig, options: StartOptions = {}): Promise<RunningCluster> {
  checkPaths(config);
  let backend: Backend | undefined;
  let cluster: Cluster | undefined;
  let server: ApiServer | undefined;
  let written: string | undefined;

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await server?.close();
      await cluster?.stop();
      await backend?.close();
      if (written !== undefined && readIfExists(config.kubeconfig) === written) unlinkSync(config.kubeconfig);
    })();
    return stopping;
  };

  // Some clients (etcd's gRPC) retry on unref'd timers: hold the event loop open until start-up ends,
  // or an unreachable store would end the process with a pending promise instead of an error.
  const keepAlive = setInterval(() => {}, 60_000);
  try {
    try {
      backend = openBackend(config.store);
    } catch (error) {
      throw new UpError(
        `cannot open the store: ${error instanceof Error ? error.message : String(error)}`,
        1,
      );
    }
    cluster = createCluster({
      ...(backend ? { backend } : {}),
      runtime: config.runtime,
      nodes: config.nodes,
      ...(config.imageDir !== undefined ? { imageDir: config.imageDir } : {}),
      ...(options.onError ? { onError: options.onError } : {}),
    });
    try {
      await cluster.start();
    } catch (error) {
      throw new UpError(
        `cannot start the cluster: ${error instanceof Error ? error.message : String(error)}`,
        1,
      );
    }
    try {
      server = await createApiServer({
        store: cluster.store,
        clock: cluster.clock,
        port: config.port,
        nodes: cluster.nodeConnections(),
      });
    } catch (error) {
      throw listenError(error, config.port) ?? error;
    }
    const text = `${KUBECONFIG_MARKER} (pid ${process.pid}, ${server.url}); removed when it stops.\n${server.kubeconfig()}`;
    writePrivate(config.kubeconfig, text);
    written = text;
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  } finally {
    clearInterval(keepAlive);
  }
  return { cluster, server, url: server.url, kubeconfig: config.kubeconfig, stop };
}
