/**
 * `main()` in this process with a fake `MainIo`: exit codes, output, the file-system checks, signals,
 * and a SQLite-backed cluster that keeps its objects across a restart.
 */
import { execFile } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { VERSION_INFO } from '@flotilla/apiserver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_HELP, UP_HELP } from './args.js';
import { cliVersion, EXIT, type MainIo, main, type StopSignal, shellQuote } from './main.js';

const run = promisify(execFile);

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'flotilla-main-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface FakeIo extends MainIo {
  readonly output: { out: string; err: string };
  readonly emitter: EventEmitter;
  readonly exits: number[];
  /** Resolves once stdout matches. */
  until(pattern: RegExp): Promise<RegExpMatchArray>;
}

function fakeIo(): FakeIo {
  const output = { out: '', err: '' };
  const emitter = new EventEmitter();
  const exits: number[] = [];
  const waiters = new Set<() => void>();
  return {
    output,
    emitter,
    exits,
    out: (text) => {
      output.out += text;
      for (const w of waiters) w();
    },
    err: (text) => {
      output.err += text;
    },
    cwd: dir,
    env: { HOME: dir },
    signals: {
      on: (signal: StopSignal, listener: (s: StopSignal) => void) => emitter.on(signal, listener),
      off: (signal: StopSignal, listener: (s: StopSignal) => void) => emitter.off(signal, listener),
    },
    exit: (code) => exits.push(code),
    until(pattern) {
      return new Promise((resolve) => {
        const check = () => {
          const m = output.out.match(pattern);
          if (m) {
            waiters.delete(check);
            resolve(m);
          }
        };
        waiters.add(check);
        check();
      });
    },
  };
}

async function kubectl(kubeconfig: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('kubectl', ['--kubeconfig', kubeconfig, ...args], {
    env: { PATH: process.env.PATH, HOME: dir },
    timeout: 15_000,
  });
  return stdout;
}

describe('main: commands that return at once', () => {
  it.each<{ name: string; argv: string[]; code: number; out: string | RegExp; err: string }>([
    { name: 'help', argv: ['--help'], code: EXIT.ok, out: ROOT_HELP, err: '' },
    { name: 'up --help', argv: ['up', '--help'], code: EXIT.ok, out: UP_HELP, err: '' },
    {
      name: 'version',
      argv: ['version'],
      code: EXIT.ok,
      out: `flotilla ${cliVersion()}\nKubernetes API: ${VERSION_INFO.gitVersion}\nNode.js: ${process.version}\n`,
      err: '',
    },
    {
      name: 'bad flag',
      argv: ['up', '--port', '70000'],
      code: EXIT.usage,
      out: '',
      err: 'error: --port: Invalid value: "70000": must be between 0 and 65535\nRun \'flotilla up --help\' for usage.\n',
    },
    {
      name: 'unknown command',
      argv: ['start'],
      code: EXIT.usage,
      out: '',
      err: 'error: unknown command "start" for "flotilla"\nRun \'flotilla --help\' for usage.\n',
    },
  ])('$name', async ({ argv, code, out, err }) => {
    const io = fakeIo();
    expect(await main(argv, io)).toBe(code);
    expect(io.output.out).toEqual(out);
    expect(io.output.err).toBe(err);
  });

  it('reads its version from package.json', () => {
    expect(cliVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each([
    ['/tmp/kc', '/tmp/kc'],
    ['/tmp/my dir/kc', "'/tmp/my dir/kc'"],
    ["/tmp/it's", "'/tmp/it'\\''s'"],
  ])('shellQuote(%j) = %s', (input, want) => {
    expect(shellQuote(input)).toBe(want);
  });
});

describe('main up: checks before starting anything', () => {
  it('refuses to overwrite a kubeconfig it did not write', async () => {
    const path = join(dir, 'mine.kubeconfig');
    writeFileSync(path, 'apiVersion: v1\nkind: Config\n');
    const io = fakeIo();
    expect(await main(['up', '--kubeconfig', path], io)).toBe(EXIT.usage);
    expect(io.output.err).toBe(
      `error: --kubeconfig: Invalid value: ${JSON.stringify(path)}: the file exists and was not written by flotilla; choose another path or remove it\n`,
    );
    expect(readFileSync(path, 'utf8')).toBe('apiVersion: v1\nkind: Config\n');
  });

  it('needs an existing image directory for the process runtime', async () => {
    const io = fakeIo();
    expect(await main(['up', '--runtime', 'process', '--image-dir', 'nope'], io)).toBe(EXIT.usage);
    expect(io.output.err).toBe(
      `error: --image-dir: Invalid value: ${JSON.stringify(join(dir, 'nope'))}: no such directory\n`,
    );
  });

  it('needs the SQLite file’s directory to exist', async () => {
    const io = fakeIo();
    expect(await main(['up', '--store', 'sqlite:missing/c.db'], io)).toBe(EXIT.usage);
    expect(io.output.err).toBe(
      `error: --store: Invalid value: ${JSON.stringify(`sqlite:${join(dir, 'missing', 'c.db')}`)}: directory ${join(dir, 'missing')} does not exist\n`,
    );
  });

  it('says so when the port is taken, and leaves nothing behind', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const io = fakeIo();
      const kubeconfig = join(dir, 'taken.kubeconfig');
      expect(await main(['up', '--nodes', '1', '--port', String(port), '--kubeconfig', kubeconfig], io)).toBe(
        EXIT.failure,
      );
      expect(io.output.err).toBe(
        `error: cannot listen on 127.0.0.1:${port}: address already in use (--port 0 picks a free port)\n`,
      );
      expect(statSync(kubeconfig, { throwIfNoEntry: false })).toBeUndefined();
      expect(io.emitter.listenerCount('SIGINT') + io.emitter.listenerCount('SIGTERM')).toBe(0);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});

describe('main up: running and stopping', () => {
  it('keeps objects in a SQLite store across a restart; SIGTERM stops it with exit code 0', async () => {
    const store = `sqlite:${join(dir, 'cluster.db')}`;
    const kubeconfig = join(dir, 'sqlite.kubeconfig');

    const first = fakeIo();
    const firstRun = main(['up', '--nodes', '1', '--store', store, '--kubeconfig', kubeconfig], first);
    await first.until(/export KUBECONFIG=/);
    expect(first.output.out).toContain(`SQLite store ${join(dir, 'cluster.db')}`);
    writeFileSync(
      join(dir, 'cm.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: kept}\ndata: {a: "1"}\n',
    );
    expect(await kubectl(kubeconfig, 'create', '-f', join(dir, 'cm.yaml'))).toBe('configmap/kept created\n');
    first.emitter.emit('SIGTERM', 'SIGTERM');
    expect(await firstRun).toBe(EXIT.ok);
    expect(first.output.out).toMatch(/SIGTERM: stopping\nstopped\n$/);
    expect(first.emitter.listenerCount('SIGTERM')).toBe(0);
    expect(statSync(kubeconfig, { throwIfNoEntry: false })).toBeUndefined();

    const second = fakeIo();
    const secondRun = main(['up', '--nodes', '1', '--store', store, '--kubeconfig', kubeconfig], second);
    await second.until(/export KUBECONFIG=/);
    expect(await kubectl(kubeconfig, 'get', 'configmap', 'kept', '-o', 'jsonpath={.data.a}')).toBe('1');
    second.emitter.emit('SIGINT', 'SIGINT');
    second.emitter.emit('SIGINT', 'SIGINT'); // a second signal while stopping forces the exit
    expect(second.exits).toEqual([EXIT.forced]);
    expect(second.output.err).toBe('flotilla: SIGINT again: exiting without cleaning up\n');
    expect(await secondRun).toBe(EXIT.ok); // (the fake exit returns, so the clean stop still finishes)
  });

  it('overwrites a kubeconfig it wrote before, and keeps a kubeconfig someone changed since', async () => {
    const kubeconfig = join(dir, 'again.kubeconfig');
    const io = fakeIo();
    const running = main(['up', '--nodes', '1', '--kubeconfig', kubeconfig], io);
    await io.until(/export KUBECONFIG=/);
    const written = readFileSync(kubeconfig, 'utf8');
    writeFileSync(kubeconfig, `${written}# edited\n`);
    io.emitter.emit('SIGINT', 'SIGINT');
    expect(await running).toBe(EXIT.ok);
    expect(readFileSync(kubeconfig, 'utf8')).toBe(`${written}# edited\n`);

    const again = fakeIo();
    const rerun = main(['up', '--nodes', '1', '--kubeconfig', kubeconfig], again);
    await again.until(/export KUBECONFIG=/);
    expect(readFileSync(kubeconfig, 'utf8')).not.toContain('# edited');
    expect(statSync(kubeconfig).mode & 0o777).toBe(0o600);
    again.emitter.emit('SIGINT', 'SIGINT');
    expect(await rerun).toBe(EXIT.ok);
  });
});
