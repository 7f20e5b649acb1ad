import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isRuntimeError, liveProcessGroups, ProcessRuntime } from './index.js';
import { baseContainerConfig, collect, describeRuntimeConformance, processHarness } from './testing/index.js';

const marker = `flotilla-conformance-${process.pid}`;

/** Processes whose command line carries `text` (pgrep -f), excluding pgrep itself. */
function processesWith(text: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', text], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

describeRuntimeConformance('ProcessRuntime', () => ({
  ...processHarness(marker),
  async cleanup() {
    expect(liveProcessGroups()).toEqual([]);
    expect(processesWith(marker)).toEqual([]);
  },
}));

afterAll(() => {
  expect(processesWith(marker)).toEqual([]);
});

describe('ProcessRuntime specifics', () => {
  const imageDir = join(import.meta.dirname, '../../../examples/images');
  let rt: ProcessRuntime;
  let logDir: string;
  beforeEach(() => {
    logDir = mkdtempSync(join(tmpdir(), 'flotilla-runtime-test-'));
    rt = new ProcessRuntime({ imageDir, logDir, gracePeriodDefaultSeconds: 2 });
  });
  afterEach(async () => {
    await rt.close();
    rmSync(logDir, { recursive: true, force: true });
    expect(liveProcessGroups()).toEqual([]);
  });

  const sandbox = (name = 'web-1') =>
    rt.runPodSandbox({
      uid: `uid-${name}`,
      name,
      namespace: 'default',
      attempt: 0,
      labels: {},
      annotations: {},
      hostname: name,
      portMappings: [],
    });

  async function waitFor(condition: () => Promise<boolean>, ms = 5000): Promise<void> {
    const end = Date.now() + ms;
    while (!(await condition())) {
      if (Date.now() > end) throw new Error('condition not met in time');
      await sleep(20);
    }
  }

  const get = async (port: number, path: string) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`);
    return { status: res.status, body: await res.text() };
  };

  it.each(['v1', 'v2'])(
    'runs the web:%s image from the local image directory on a mapped port',
    async (tag) => {
      const sandboxId = await sandbox();
      const config = baseContainerConfig('web', `web:${tag}`, [], {
        ports: [{ containerPort: 8080, protocol: 'TCP' }],
        env: [{ name: 'POD_NAME', value: 'web-1' }],
      });
      const id = await rt.createContainer(sandboxId, config);
      await rt.startContainer(id);
      const port = (await rt.containerStatus(id)).ports[0]!.hostPort!;
      expect(port).not.toBe(8080);
      await waitFor(
        async () => (await rt.probe(id, { httpGet: { port: 8080, path: '/healthz' } })).outcome === 'success',
      );
      expect(await get(port, '/')).toEqual({ status: 200, body: `web ${tag} web-1\n` });
      expect((await get(port, '/nope')).status).toBe(404);
      await rt.stopContainer(id, 5);
      expect(await rt.containerStatus(id)).toMatchObject({ exitCode: 0, reason: 'Completed' });
      expect((await collect(rt.logs(id))).map((e) => e.line)).toEqual([
        `web ${tag} listening on 127.0.0.1:${port}`,
        `web ${tag} shutting down`,
      ]);
    },
  );

  it('fails with ErrImagePull naming the image and the directory when an image is missing', async () => {
    const sandboxId = await sandbox();
    const error = await rt
      .createContainer(sandboxId, baseContainerConfig('web', 'web:v9', []))
      .catch((e) => e);
    expect(isRuntimeError(error, 'ErrImagePull')).toBe(true);
    expect(error.message).toBe(`image "web:v9" not found in local image directory ${imageDir}`);
  });

  it('leaves a container whose command cannot run EXITED with StartError and rejects RunContainerError', async () => {
    const sandboxId = await sandbox();
    const id = await rt.createContainer(sandboxId, baseContainerConfig('x', 'none', ['/no/such/binary']));
    const error = await rt.startContainer(id).catch((e) => e);
    expect(isRuntimeError(error, 'RunContainerError')).toBe(true);
    expect(await rt.containerStatus(id)).toMatchObject({
      state: 'EXITED',
      exitCode: 128,
      reason: 'StartError',
    });
  });

  it('kills the whole process group on stop, so children of the container die too', async () => {
    const sandboxId = await sandbox();
    const child = `${marker}-grandchild`;
    // The marker is spelled backwards in the parent's command line, so only the grandchild carries it.
    const reversed = [...child].reverse().join('');
    const script = `const m = '${reversed}'.split('').reverse().join('');
require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e9) /* ' + m + ' */'], { stdio: 'ignore' });
process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1e9);`;
    const id = await rt.createContainer(sandboxId, baseContainerConfig('p', 'none', ['node', '-e', script]));
    await rt.startContainer(id);
    await waitFor(async () => (await collect(rt.logs(id))).some((e) => e.line === 'ready'));
    await waitFor(async () => processesWith(child).length === 1);
    await rt.stopContainer(id, 0.2);
    expect((await rt.containerStatus(id)).exitCode).toBe(137);
    await waitFor(async () => processesWith(child).length === 0, 2000);
  });

  it('rotates log files by size and keeps one rotated file', async () => {
    await rt.close();
    rt = new ProcessRuntime({ logDir, maxLogBytes: 2000 });
    const sandboxId = await sandbox('logs');
    const script = `for (let i = 0; i < 200; i++) console.log('line ' + i + ' ' + 'x'.repeat(40));`;
    const id = await rt.createContainer(
      sandboxId,
      baseContainerConfig('chatty', 'none', ['node', '-e', script]),
    );
    await rt.startContainer(id);
    await waitFor(async () => (await rt.containerStatus(id)).state === 'EXITED');
    const dir = join(logDir, 'default_logs_uid-logs_0', 'chatty');
    expect((await rt.containerStatus(id)).logPath).toBe(join(dir, '0.log'));
    expect(readdirSync(dir).sort()).toEqual(['0.log', '0.log.1']);
    for (const f of readdirSync(dir)) expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(2000);
    const kept = (await collect(rt.logs(id))).map((e) => e.line);
    expect(kept.length).toBeGreaterThan(10);
    expect(kept.length).toBeLessThan(200);
    expect(kept.at(-1)).toMatch(/^line 199 x+$/);
    await rt.removeContainer(id);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('runs exec in the container working directory, streams, and reports a missing binary as exit 127', async () => {
    const sandboxId = await sandbox();
    const id = await rt.createContainer(sandboxId, baseContainerConfig('web', 'web:v1', []));
    await rt.startContainer(id);
    const pwd = await rt.exec(id, ['node', '-e', 'console.log(process.cwd(), process.env.VERSION)']);
    expect(pwd).toEqual({ exitCode: 0, stdout: `${join(imageDir, 'web', 'v1')} v1\n`, stderr: '' });
    expect(await rt.exec(id, ['/no/such/tool'])).toEqual({
      exitCode: 127,
      stdout: '',
      stderr: 'exec: "/no/such/tool": executable file not found in $PATH\n',
      startError: 'exec: "/no/such/tool": executable file not found in $PATH',
    });
    const streamed: Uint8Array[] = [];
    expect(await rt.exec(id, ['no-such-tool'], { onStderr: (b) => streamed.push(b) })).toEqual({
      exitCode: 127,
      stdout: '',
      stderr: '',
      startError: 'exec: "no-such-tool": executable file not found in $PATH',
    });
    expect(streamed).toEqual([]);
    const notExecutable = join(imageDir, 'web', 'v1', 'image.json');
    // Output streams while the command still runs; stdin chunks reach it as they come.
    const out: string[] = [];
    let feed: ((chunk: string | undefined) => void) | undefined;
    async function* input() {
      for (;;) {
        const chunk = await new Promise<string | undefined>((resolve) => {
          feed = resolve;
        });
        if (chunk === undefined) return;
        yield chunk;
      }
    }
    const echo = 'process.stdin.on("data", (d) => process.stdout.write("got " + d)); console.log("ready")';
    const running = rt.exec(id, ['node', '-e', echo], {
      stdin: input(),
      onStdout: (b) => out.push(Buffer.from(b).toString()),
    });
    const seen = async (text: string) => {
      while (!out.join('').includes(text)) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    await seen('ready\n');
    feed?.('one\n');
    await seen('got one\n');
    feed?.(undefined);
    expect(await running).toEqual({ exitCode: 0, stdout: '', stderr: '' });
    const abort = new AbortController();
    const forever = rt.exec(id, ['node', '-e', 'console.log("up"); setInterval(() => {}, 1000)'], {
      onStdout: (b) => out.push(Buffer.from(b).toString()),
      signal: abort.signal,
    });
    await seen('up\n');
    abort.abort();
    expect(await forever).toEqual({ exitCode: 137, stdout: '', stderr: '' });
    const denied = await rt.exec(id, [notExecutable]);
    expect([denied.exitCode, denied.startError]).toEqual([
      126,
      `exec: "${notExecutable}": permission denied`,
    ]);
  });

  it('kills every container group when the host process exits', async () => {
    const hostMarker = `${marker}-host`;
    const host = `
      import { ProcessRuntime } from ${JSON.stringify(join(import.meta.dirname, 'index.ts'))};
      const rt = new ProcessRuntime();
      const sb = await rt.runPodSandbox({ uid: 'u', name: 'n', namespace: 'd', attempt: 0, labels: {}, annotations: {}, hostname: 'n', portMappings: [] });
      const id = await rt.createContainer(sb, { name: 'c', attempt: 0, image: 'none', command: ['node', '-e', 'setInterval(() => {}, 1e9) /* ${hostMarker} */'], args: [], env: [], ports: [], labels: {}, annotations: {} });
      await rt.startContainer(id);
      console.log('started');
      process.exit(0);`;
    const out = execFileSync(
      process.execPath,
      ['--import', 'tsx', '--conditions=@flotilla/source', '--input-type=module', '-e', host],
      {
        encoding: 'utf8',
        cwd: join(import.meta.dirname, '..'),
      },
    );
    expect(out.trim()).toBe('started');
    await waitFor(async () => processesWith(hostMarker).length === 0, 2000);
  });
});
