import { ApiError } from '@flotilla/api';
import { afterEach, describe, expect, it } from 'vitest';
import { type NodeConnections, type NodeLogLine, type NodeLogOptions, rfc3339Nano } from './logs.js';
import { addPod, startTestServer, type TestServer } from './test-support.js';

const PODS = '/api/v1/namespaces/default/pods';
const T0 = Date.UTC(2026, 0, 1, 0, 0, 5, 120);

interface Call {
  readonly node: string;
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
  readonly options: NodeLogOptions;
}

/** A node that has `lines` for every container and, with follow, then waits for `push` / `end` / abort. */
function fakeNodes(lines: NodeLogLine[], fail?: ApiError) {
  const calls: Call[] = [];
  const live: { push: (l: NodeLogLine) => void; end: () => void; aborted: Promise<void> }[] = [];
  const nodes: NodeConnections = {
    logs(node, namespace, pod, container, options) {
      calls.push({ node, namespace, pod, container, options });
      const queue: NodeLogLine[] = [];
      let ended = false;
      let wake: (() => void) | undefined;
      let aborted!: () => void;
      const abortedP = new Promise<void>((resolve) => {
        aborted = resolve;
      });
      options.signal?.addEventListener('abort', () => {
        ended = true;
        aborted();
        wake?.();
      });
      live.push({
        push: (l) => {
          queue.push(l);
          wake?.();
        },
        end: () => {
          ended = true;
          wake?.();
        },
        aborted: abortedP,
      });
      return (async function* () {
        if (fail) throw fail;
        const kept = options.tail === undefined ? lines : lines.slice(lines.length - options.tail);
        yield* kept;
        if (!options.follow) return;
        for (;;) {
          while (queue.length > 0) yield queue.shift() as NodeLogLine;
          if (ended) return;
          await new Promise<void>((resolve) => {
            wake = resolve;
          });
        }
      })();
    },
  };
  return { nodes, calls, live };
}

const LINES: NodeLogLine[] = [
  { line: 'web v1 listening on 8080', time: T0 },
  { line: 'GET /', time: T0 + 1000 },
  { line: 'GET /healthz', time: T0 + 2000 },
];

describe('pods/log', () => {
  let t: TestServer;
  afterEach(() => t.close());

  it('answers the whole log as text/plain, asking the pod node for the one container', async () => {
    const fake = fakeNodes(LINES);
    t = await startTestServer({ nodes: fake.nodes });
    await addPod(t, 'web-1', { node: 'node-1' });
    const r = await t.request('GET', `${PODS}/web-1/log`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/plain');
    expect(r.text).toBe('web v1 listening on 8080\nGET /\nGET /healthz\n');
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]).toMatchObject({
      node: 'node-1',
      namespace: 'default',
      pod: 'web-1',
      container: 'web',
    });
    expect(fake.calls[0]?.options.follow).toBeUndefined();
  });

  it('tailLines, timestamps (RFC3339Nano), limitBytes, sinceTime and previous', async () => {
    const fake = fakeNodes(LINES);
    t = await startTestServer({ nodes: fake.nodes });
    await addPod(t, 'web-1', { node: 'node-1', restarted: true });
    const tail = await t.request('GET', `${PODS}/web-1/log?container=web&tailLines=1&timestamps=true`);
    expect(tail.text).toBe('2026-01-01T00:00:07.12Z GET /healthz\n');
    expect(fake.calls[0]?.options.tail).toBe(1);
    expect((await t.request('GET', `${PODS}/web-1/log?limitBytes=10`)).text).toBe('web v1 lis');
    expect((await t.request('GET', `${PODS}/web-1/log?limitBytes=26`)).text).toBe(
      'web v1 listening on 8080\nG',
    );
    const since = await t.request('GET', `${PODS}/web-1/log?sinceTime=2026-01-01T00:00:06Z`);
    expect(since.text).toBe('GET /\nGET /healthz\n');
    await t.request('GET', `${PODS}/web-1/log?previous=true`);
    expect(fake.calls.at(-1)?.options.previous).toBe(true);
  });

  it('follow streams lines as they come and ends when the container stops', async () => {
    const fake = fakeNodes(LINES.slice(0, 1));
    t = await startTestServer({ nodes: fake.nodes });
    await addPod(t, 'web-1', { node: 'node-1' });
    const res = await fetch(`${t.server.url}${PODS}/web-1/log?follow=true`);
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    expect(decoder.decode((await reader.read()).value)).toBe('web v1 listening on 8080\n');
    fake.live[0]?.push({ line: 'later', time: T0 });
    expect(decoder.decode((await reader.read()).value)).toBe('later\n');
    fake.live[0]?.end();
    expect((await reader.read()).done).toBe(true);
    expect(fake.calls[0]?.options.follow).toBe(true);
  });

  it('follow sends headers on a quiet container and aborts the node stream when the client leaves', async () => {
    const fake = fakeNodes([]);
    t = await startTestServer({ nodes: fake.nodes });
    await addPod(t, 'web-1', { node: 'node-1' });
    const controller = new AbortController();
    const res = await fetch(`${t.server.url}${PODS}/web-1/log?follow=1`, { signal: controller.signal });
    expect(res.status).toBe(200);
    controller.abort();
    await fake.live[0]?.aborted;
    expect(fake.calls[0]?.options.signal?.aborted).toBe(true);
  });

  it('closing the server ends open follows', async () => {
    const fake = fakeNodes([]);
    t = await startTestServer({ nodes: fake.nodes });
    await addPod(t, 'web-1', { node: 'node-1' });
    const res = await fetch(`${t.server.url}${PODS}/web-1/log?follow=1`);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const done = reader.read().catch(() => ({ done: true }));
    await t.server.close();
    expect((await done).done).toBe(true);
    await fake.live[0]?.aborted;
  });

  it('Statuses: missing pod, ambiguous or unknown container, waiting containers, bad parameters', async () => {
    const fake = fakeNodes(LINES);
    t = await startTestServer({ nodes: fake.nodes });
    await addPod(t, 'web-2', { node: 'node-1', containers: ['a', 'b'] });
    await addPod(t, 'unbound');
    await addPod(t, 'creating', { node: 'node-1', waiting: 'ContainerCreating' });
    const cases: [string, number, string][] = [
      ['nope/log', 404, 'pods "nope" not found'],
      ['web-2/log', 400, 'a container name must be specified for pod web-2, choose one of: [a b]'],
      ['web-2/log?container=c', 400, 'container c is not valid for pod web-2'],
      ['unbound/log', 400, 'container "web" in pod "unbound" is waiting to start: ContainerCreating'],
      ['creating/log', 400, 'container "web" in pod "creating" is waiting to start: ContainerCreating'],
      ['creating/log?previous=true', 400, 'previous terminated container "web" in pod "creating" not found'],
      ['web-2/log?container=a&tailLines=-1', 400, 'tailLines: Invalid value: "-1": must be an integer >= 0'],
      ['web-2/log?container=a&limitBytes=x', 400, 'limitBytes: Invalid value: "x": must be an integer >= 1'],
    ];
    for (const [path, code, message] of cases) {
      const r = await t.request('GET', `${PODS}/${path}`);
      expect(r.status, path).toBe(code);
      expect(r.body, path).toMatchObject({ kind: 'Status', code, message });
    }
    const post = await t.request('POST', `${PODS}/web-2/log`, { body: {} });
    expect(post.status).toBe(405);
    expect(fake.calls).toHaveLength(0);
  });

  it("the node's errors become Statuses; without node connections a log is ServiceUnavailable", async () => {
    const fake = fakeNodes([], ApiError.badRequest('container "web" in pod "web-1" is waiting to start'));
    t = await startTestServer({ nodes: fake.nodes });
    await addPod(t, 'web-1', { node: 'node-1' });
    const r = await t.request('GET', `${PODS}/web-1/log?follow=true`);
    expect(r.status).toBe(400);
    expect(r.body.message).toBe('container "web" in pod "web-1" is waiting to start');
    await t.close();

    t = await startTestServer({
      nodes: {
        logs(node) {
          throw new ApiError('ServiceUnavailable', `no agent for node "${node}"`);
        },
      },
    });
    await addPod(t, 'web-1', { node: 'node-9' });
    const thrown = await t.request('GET', `${PODS}/web-1/log`);
    expect(thrown.status).toBe(503);
    expect(thrown.body.message).toBe('no agent for node "node-9"');
    await t.close();

    t = await startTestServer();
    await addPod(t, 'web-1', { node: 'node-1' });
    const none = await t.request('GET', `${PODS}/web-1/log`);
    expect(none.status).toBe(503);
    expect(none.body.reason).toBe('ServiceUnavailable');
  });

  it('discovery lists pods/log', async () => {
    t = await startTestServer();
    const r = await t.request('GET', '/api/v1');
    expect(r.body.resources).toContainEqual(
      expect.objectContaining({ name: 'pods/log', kind: 'Pod', verbs: ['get'] }),
    );
  });

  it('rfc3339Nano drops trailing zeros of the fraction', () => {
    expect(rfc3339Nano(Date.UTC(2026, 0, 1, 0, 0, 5))).toBe('2026-01-01T00:00:05Z');
    expect(rfc3339Nano(Date.UTC(2026, 0, 1, 0, 0, 5, 100))).toBe('2026-01-01T00:00:05.1Z');
    expect(rfc3339Nano(Date.UTC(2026, 0, 1, 0, 0, 5, 123))).toBe('2026-01-01T00:00:05.123Z');
  });
});
