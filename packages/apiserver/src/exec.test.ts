import { request as httpRequest } from 'node:http';
import { ApiError } from '@flotilla/api';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { InputQueue } from './exec.js';
import type { NodeConnections, NodeExecOptions } from './logs.js';
import { addPod, startTestServer, type TestServer } from './test-support.js';

const V5 = 'v5.channel.k8s.io';
const EXEC = '/api/v1/namespaces/default/pods';

interface ExecCall {
  readonly node: string;
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  readonly command: readonly string[];
  readonly options: NodeExecOptions;
}

const enc = (s: string) => new TextEncoder().encode(s);

/** A node whose commands are: echo, warn (stderr), cat (stdin → stdout), exit N, missing, gone, sleep. */
function fakeNodes() {
  const calls: ExecCall[] = [];
  const nodes: NodeConnections = {
    logs() {
      throw new Error('not used');
    },
    async exec(node, namespace, pod, container, command, options) {
      calls.push({ node, namespace, pod, container, command, options });
      const [name, ...args] = command;
      switch (name) {
        case 'echo':
          options.onStdout(enc(`${args.join(' ')}\n`));
          return { exitCode: 0 };
        case 'warn':
          options.onStdout(enc('out\n'));
          options.onStderr(enc(`${args.join(' ')}\n`));
          return { exitCode: 1 };
        case 'cat':
          for await (const chunk of options.stdin ?? []) options.onStdout(chunk);
          return { exitCode: 0 };
        case 'slowcat':
          for await (const chunk of options.stdin ?? []) {
            await new Promise((resolve) => setTimeout(resolve, 2));
            options.onStdout(chunk);
          }
          return { exitCode: 0 };
        case 'exit':
          return { exitCode: Number(args[0]) };
        case 'missing':
          return { exitCode: 127, startError: 'exec: "missing": executable file not found in $PATH' };
        case 'gone':
          throw ApiError.notFound({ group: '', resource: 'pods' }, pod);
        case 'sleep':
          await new Promise((resolve) => options.signal.addEventListener('abort', resolve));
          return { exitCode: 137 };
        default:
          throw new Error(`unknown test command ${name}`);
      }
    },
  };
  return { nodes, calls };
}

const wsUrl = (t: TestServer, path: string) => `${t.server.url.replace(/^http/, 'ws')}${path}`;

interface Frame {
  readonly channel: number;
  readonly text: string;
}

/** Runs one exec session: sends `input` frames once open; resolves with every frame and the close. */
function session(
  t: TestServer,
  path: string,
  options: { protocols?: string[]; input?: Buffer[]; headers?: Record<string, string> } = {},
): Promise<{ protocol: string; frames: Frame[]; closeCode: number; status: unknown }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(t, path), options.protocols ?? [V5], { headers: options.headers ?? {} });
    const frames: Frame[] = [];
    ws.on('open', () => {
      for (const b of options.input ?? []) ws.send(b);
    });
    ws.on('message', (data: Buffer) =>
      frames.push({ channel: data[0] as number, text: data.subarray(1).toString() }),
    );
    ws.on('unexpected-response', (_req, res) => reject(new Error(`unexpected ${res.statusCode}`)));
    ws.on('error', reject);
    ws.on('close', (closeCode) => {
      const errors = frames.filter((f) => f.channel === 3);
      resolve({
        protocol: ws.protocol,
        frames,
        closeCode,
        status: errors.length === 1 ? JSON.parse((errors[0] as Frame).text) : errors,
      });
    });
  });
}

/** An upgrade that must fail: its HTTP status and Status body. */
function refused(
  t: TestServer,
  path: string,
  options: { protocols?: string[]; headers?: Record<string, string> } = {},
): Promise<{ code: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(t, path), options.protocols ?? [V5], { headers: options.headers ?? {} });
    ws.on('open', () => reject(new Error('upgraded')));
    ws.on('error', () => {});
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        body += d;
      });
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body: JSON.parse(body) }));
    });
  });
}

/** kubectl's SPDY fallback: `POST` with `Upgrade: SPDY/3.1`. */
function spdy(
  t: TestServer,
  path: string,
  headers: Record<string, string> = {},
): Promise<{ code: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${t.server.url}${path}`, {
      method: 'POST',
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'SPDY/3.1',
        'X-Stream-Protocol-Version': 'v5.channel.k8s.io, v4.channel.k8s.io',
        ...headers,
      },
    });
    req.on('upgrade', () => reject(new Error('upgraded')));
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        body += d;
      });
      res.on('end', () => resolve({ code: res.statusCode ?? 0, body: JSON.parse(body) }));
    });
    req.on('error', reject);
    req.end();
  });
}

const SUCCESS = { metadata: {}, status: 'Success' };
const STREAMS = 'container=web&stdout=true&stderr=true';

describe('pods/exec over WebSocket', () => {
  let t: TestServer | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  async function start(nodes: NodeConnections | undefined = fakeNodes().nodes, token?: string) {
    t = await startTestServer({ ...(nodes ? { nodes } : {}), ...(token ? { token } : {}) });
    await addPod(t, 'web', { node: 'node-1' });
    return t;
  }

  it("runs the command on the pod's node: stdout on channel 1, Success on channel 3, then close", async () => {
    const fake = fakeNodes();
    const s = await start(fake.nodes);
    const r = await session(s, `${EXEC}/web/exec?command=echo&command=hi&${STREAMS}`);
    expect(r.protocol).toBe(V5);
    expect(r.frames).toEqual([
      { channel: 1, text: 'hi\n' },
      { channel: 3, text: JSON.stringify(SUCCESS) },
    ]);
    expect(r.closeCode).toBe(1000);
    expect(fake.calls).toMatchObject([
      { node: 'node-1', namespace: 'default', pod: 'web', container: 'web', command: ['echo', 'hi'] },
    ]);
    expect(fake.calls[0]?.options.stdin).toBeUndefined();
  });

  it('a non-zero exit code is a NonZeroExitCode Failure on channel 3', async () => {
    const s = await start();
    const r = await session(s, `${EXEC}/web/exec?command=exit&command=3&${STREAMS}`);
    expect(r.frames).toHaveLength(1);
    expect(r.status).toEqual({
      metadata: {},
      status: 'Failure',
      message: 'command terminated with non-zero exit code: error executing command [exit 3], exit code 3',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '3' }] },
    });
  });

  it('stdin round trip: [0]+data frames, then [255, 0] closes stdin', async () => {
    const s = await start();
    const r = await session(s, `${EXEC}/web/exec?command=cat&stdin=true&${STREAMS}`, {
      input: [
        Buffer.from([0, ...enc('hel')]),
        Buffer.from([0]),
        Buffer.from([0, ...enc('lo\n')]),
        Buffer.from([255, 0]),
      ],
    });
    expect(
      r.frames
        .filter((f) => f.channel === 1)
        .map((f) => f.text)
        .join(''),
    ).toBe('hello\n');
    expect(r.status).toEqual(SUCCESS);
  });

  it('stdin beyond 1 MiB waiting pauses the client until the command reads it; nothing is lost', async () => {
    const s = await start();
    const chunk = Buffer.alloc(64 * 1024);
    const input: Buffer[] = [];
    for (let i = 0; i < 48; i++) input.push(Buffer.concat([Buffer.from([0]), chunk.fill(i)]));
    input.push(Buffer.from([255, 0]));
    const r = await session(s, `${EXEC}/web/exec?command=slowcat&stdin=true&${STREAMS}`, { input });
    const out = Buffer.concat(
      r.frames.filter((f) => f.channel === 1).map((f) => Buffer.from(f.text, 'latin1')),
    );
    expect(out.length).toBe(48 * 64 * 1024);
    for (let i = 0; i < 48; i++) expect(out[i * 64 * 1024]).toBe(i);
    expect(r.status).toEqual(SUCCESS);
  });

  it('InputQueue: reports full above 1 MiB and drained below, keeps order, delivers what is left after end', async () => {
    const events: boolean[] = [];
    const q = new InputQueue((full) => events.push(full));
    const it = q[Symbol.asyncIterator]();
    const kb = (n: number, fill: number) => new Uint8Array(n * 1024).fill(fill);
    q.push(kb(600, 1));
    expect(events).toEqual([]);
    q.push(kb(600, 2));
    q.push(kb(600, 3));
    expect(events).toEqual([true]);
    expect((await it.next()).value?.[0]).toBe(1);
    expect(events).toEqual([true]);
    expect((await it.next()).value?.[0]).toBe(2);
    expect(events).toEqual([true, false]);
    q.end();
    q.push(kb(1, 4));
    expect((await it.next()).value?.[0]).toBe(3);
    expect(await it.next()).toEqual({ value: undefined, done: true });
    const waiting = new InputQueue();
    const wi = waiting[Symbol.asyncIterator]();
    const pending = wi.next();
    waiting.push(new Uint8Array([9]));
    expect((await pending).value).toEqual(new Uint8Array([9]));
    const stopped = wi.next();
    await wi.return?.();
    expect(await stopped).toEqual({ value: undefined, done: true });
  });

  it('stderr goes on channel 2, and only the streams asked for are sent', async () => {
    const s = await start();
    const both = await session(s, `${EXEC}/web/exec?command=warn&command=careful&${STREAMS}`);
    expect(both.frames.slice(0, 2)).toEqual([
      { channel: 1, text: 'out\n' },
      { channel: 2, text: 'careful\n' },
    ]);
    expect(both.status).toMatchObject({ reason: 'NonZeroExitCode' });
    const onlyErr = await session(
      s,
      `${EXEC}/web/exec?command=warn&command=careful&container=web&stderr=true`,
    );
    expect(onlyErr.frames.map((f) => f.channel)).toEqual([2, 3]);
    const onlyOut = await session(
      s,
      `${EXEC}/web/exec?command=warn&command=careful&container=web&stdout=true`,
    );
    expect(onlyOut.frames.map((f) => f.channel)).toEqual([1, 3]);
  });

  it('a command that cannot start, or a node error, is a Failure Status on channel 3', async () => {
    const s = await start();
    const missing = await session(s, `${EXEC}/web/exec?command=missing&${STREAMS}`);
    expect(missing.status).toEqual({
      metadata: {},
      status: 'Failure',
      message:
        'Internal error occurred: error executing command in container: exec: "missing": executable file not found in $PATH',
      reason: 'InternalError',
      details: {
        causes: [
          {
            message:
              'error executing command in container: exec: "missing": executable file not found in $PATH',
          },
        ],
      },
      code: 500,
    });
    const gone = await session(s, `${EXEC}/web/exec?command=gone&${STREAMS}`);
    expect(gone.status).toEqual({
      metadata: {},
      status: 'Failure',
      message: 'pods "web" not found',
      reason: 'NotFound',
      code: 404,
    });
    const broken = await session(s, `${EXEC}/web/exec?command=unknown&${STREAMS}`);
    expect(broken.status).toMatchObject({ status: 'Failure', reason: 'InternalError', code: 500 });
  });

  it('accepts v4.channel.k8s.io and prefers v5 when both are offered', async () => {
    const s = await start();
    const v4 = await session(s, `${EXEC}/web/exec?command=echo&command=v4&${STREAMS}`, {
      protocols: ['v4.channel.k8s.io'],
    });
    expect(v4.protocol).toBe('v4.channel.k8s.io');
    expect(v4.frames).toEqual([
      { channel: 1, text: 'v4\n' },
      { channel: 3, text: JSON.stringify(SUCCESS) },
    ]);
    const both = await session(s, `${EXEC}/web/exec?command=echo&${STREAMS}`, {
      protocols: ['v4.channel.k8s.io', V5],
    });
    expect(both.protocol).toBe(V5);
  });

  it('the client going away, or the server closing, aborts the command', async () => {
    const fake = fakeNodes();
    const s = await start(fake.nodes);
    const ws = new WebSocket(wsUrl(s, `${EXEC}/web/exec?command=sleep&${STREAMS}`), [V5]);
    await new Promise((resolve) => ws.once('open', resolve));
    while (fake.calls.length < 1) await new Promise((resolve) => setTimeout(resolve, 5));
    ws.terminate();
    const first = fake.calls[0]?.options.signal as AbortSignal;
    await new Promise((resolve) =>
      first.aborted ? resolve(undefined) : first.addEventListener('abort', resolve),
    );
    expect(first.aborted).toBe(true);

    const ws2 = new WebSocket(wsUrl(s, `${EXEC}/web/exec?command=sleep&${STREAMS}`), [V5]);
    const closed = new Promise<number>((resolve) => ws2.once('close', resolve));
    await new Promise((resolve) => ws2.once('open', resolve));
    while (fake.calls.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    await s.server.close();
    expect(fake.calls[1]?.options.signal.aborted).toBe(true);
    expect(await closed).toBe(1006);
  });

  it.each([
    ['a missing pod', 'nope', `command=env&${STREAMS}`, 404, 'NotFound', 'pods "nope" not found'],
    [
      'an unknown container',
      'web',
      'command=env&container=db&stdout=true',
      400,
      'BadRequest',
      'container db is not valid for pod web',
    ],
    ['no command', 'web', STREAMS, 400, 'BadRequest', 'you must specify at least 1 command'],
    [
      'no stream',
      'web',
      'command=env&container=web',
      400,
      'BadRequest',
      'you must specify at least 1 of stdin, stdout, stderr',
    ],
    [
      'a tty',
      'web',
      `command=sh&tty=true&${STREAMS}`,
      400,
      'BadRequest',
      'tty is not supported by this server: run kubectl exec without -t (--tty)',
    ],
    [
      'a bad boolean',
      'web',
      'command=env&stdout=maybe',
      400,
      'BadRequest',
      'stdout: Invalid value: "maybe": must be true or false',
    ],
    [
      'an unscheduled pod',
      'pending',
      `command=env&${STREAMS}`,
      400,
      'BadRequest',
      'pod pending does not have a host assigned',
    ],
    [
      'a container not running yet',
      'waiting',
      `command=env&${STREAMS}`,
      400,
      'BadRequest',
      'container "web" in pod "waiting" is waiting to start: ContainerCreating',
    ],
  ])(
    'refuses the upgrade for %s: a plain %i Status, and the same on the SPDY fallback',
    async (_what, pod, query, code, reason, message) => {
      const s = await start();
      await addPod(s, 'pending');
      await addPod(s, 'waiting', { node: 'node-1', waiting: 'ContainerCreating' });
      const path = `${EXEC}/${pod}/exec?${query}`;
      const ws = await refused(s, path);
      expect(ws).toEqual({
        code,
        body: expect.objectContaining({ kind: 'Status', status: 'Failure', code, reason, message }),
      });
      expect(await spdy(s, path)).toEqual(ws);
    },
  );

  it('refuses what it does not serve: SPDY, other subprotocols, other paths, no credentials, no node connections', async () => {
    const s = await start(undefined, 'secret');
    const auth = { Authorization: 'Bearer secret' };
    const path = `${EXEC}/web/exec?command=echo&${STREAMS}`;
    expect(await refused(s, path)).toMatchObject({ code: 401, body: { reason: 'Unauthorized' } });
    expect((await session(s, path, { headers: auth })).status).toEqual(SUCCESS);
    expect(await refused(s, path, { protocols: ['v3.channel.k8s.io'], headers: auth })).toMatchObject({
      code: 400,
      body: {
        reason: 'BadRequest',
        message:
          'unable to upgrade connection: no subprotocol offered in "v3.channel.k8s.io" is served; this server speaks v5.channel.k8s.io, v4.channel.k8s.io',
      },
    });
    expect(
      await refused(s, '/api/v1/namespaces/default/pods/web/attach?stdout=true', { headers: auth }),
    ).toMatchObject({
      code: 400,
      body: {
        message:
          'upgrade requests are only served on pods/exec, not on /api/v1/namespaces/default/pods/web/attach',
      },
    });
    expect(await refused(s, '/api/v1/nothing', { headers: auth })).toMatchObject({
      code: 404,
      body: { reason: 'NotFound' },
    });
    expect(await spdy(s, path, auth)).toMatchObject({
      code: 400,
      body: {
        message:
          'unable to upgrade connection: "SPDY/3.1" is not served; this server speaks WebSocket with v5.channel.k8s.io, v4.channel.k8s.io',
      },
    });
    await s.close();

    t = await startTestServer({});
    await addPod(t, 'web', { node: 'node-1' });
    expect(await refused(t, path)).toMatchObject({
      code: 503,
      body: {
        reason: 'ServiceUnavailable',
        message: 'no connection to node "node-1": this API server serves no exec',
      },
    });
  });

  it('a request that is no upgrade gets the same checks, then 400 Upgrade request required', async () => {
    const s = await start();
    const plain = await s.request('GET', `${EXEC}/web/exec?command=env&${STREAMS}`);
    expect([plain.status, plain.body.reason, plain.body.message]).toEqual([
      400,
      'BadRequest',
      'Upgrade request required',
    ]);
    const post = await s.request('POST', `${EXEC}/web/exec?command=env&${STREAMS}`);
    expect([post.status, post.body.message]).toEqual([400, 'Upgrade request required']);
    const missing = await s.request('GET', `${EXEC}/nope/exec?command=env&${STREAMS}`);
    expect([missing.status, missing.body.message]).toEqual([404, 'pods "nope" not found']);
    const put = await s.request('PUT', `${EXEC}/web/exec?command=env&${STREAMS}`);
    expect([put.status, put.body.reason]).toEqual([405, 'MethodNotAllowed']);
  });

  it('discovery lists pods/exec', async () => {
    const s = await start();
    const list = await s.request('GET', '/api/v1');
    expect(list.body.resources).toContainEqual(
      expect.objectContaining({ name: 'pods/exec', kind: 'PodExecOptions', verbs: ['create', 'get'] }),
    );
  });
});
