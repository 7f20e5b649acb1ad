import { isBadRequest, isGone, isNotFound, isTooManyRequests } from '@flotilla/api';
import { flushMicrotasks, VirtualClock } from '@flotilla/clock';
import { firstValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createHttpClient, type HttpResponse, type HttpTransport } from './http-client.js';

interface Sent {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
}

/** A transport answering every request with `answer` and streams with `chunks`, recording what it got. */
function fakeTransport(
  answer: (sent: Sent) => HttpResponse = () => ({ status: 200, body: '{"apiVersion":"v1","kind":"Pod"}' }),
  stream: { status?: number; chunks?: readonly string[]; hang?: boolean } = {},
) {
  const sent: Sent[] = [];
  const signals: AbortSignal[] = [];
  const transport: HttpTransport = {
    async request(method, path, init) {
      const s = {
        method,
        path,
        headers: init.headers,
        body: init.body === undefined ? undefined : JSON.parse(init.body),
      };
      sent.push(s);
      return answer(s);
    },
    async stream(path, headers, signal) {
      sent.push({ method: 'GET', path, headers, body: undefined });
      signals.push(signal);
      return {
        status: stream.status ?? 200,
        chunks: (async function* () {
          for (const c of stream.chunks ?? []) yield c;
          if (stream.hang) {
            await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
          }
        })(),
      };
    },
  };
  return { transport, sent, signals };
}

describe('createHttpClient', () => {
  it('builds Kubernetes paths, queries and bodies', async () => {
    const { transport, sent } = fakeTransport();
    const client = createHttpClient({ transport });
    const pods = client.resource('v1', 'Pod').namespace('ns 1');
    await pods.get('p/1');
    await client
      .resource('v1', 'Pod')
      .list({ labelSelector: 'app in (a,b)', limit: 2, continue: 'c', resourceVersion: '0' });
    await client
      .resource('apps/v1', 'Deployment')
      .namespace('d')
      .patch('web', { spec: { replicas: 1 } }, { subresource: 'status' });
    await client
      .resource('v1', 'Node')
      .delete('n1', { preconditions: { uid: 'u' }, propagationPolicy: 'Orphan', gracePeriodSeconds: 0 });
    await pods.create({ apiVersion: 'v1', kind: 'Pod', metadata: { generateName: 'x-' } });
    await client
      .resource('v1', 'Pod')
      .updateStatus({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'o' } });
    expect(sent.map((s) => `${s.method} ${s.path}`)).toEqual([
      'GET /api/v1/namespaces/ns%201/pods/p%2F1',
      'GET /api/v1/pods?labelSelector=app+in+%28a%2Cb%29&limit=2&continue=c&resourceVersion=0',
      'PATCH /apis/apps/v1/namespaces/d/deployments/web/status',
      'DELETE /api/v1/nodes/n1',
      'POST /api/v1/namespaces/ns%201/pods',
      'PUT /api/v1/namespaces/o/pods/p/status',
    ]);
    expect(sent[2]?.headers['Content-Type']).toBe('application/merge-patch+json');
    expect(sent[3]?.body).toEqual({
      apiVersion: 'v1',
      kind: 'DeleteOptions',
      preconditions: { uid: 'u' },
      propagationPolicy: 'Orphan',
      gracePeriodSeconds: 0,
    });
    expect(sent[4]?.body).toEqual({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { generateName: 'x-', namespace: 'ns 1' },
    });
  });

  it('sends a Binding to the binding subresource of its pod and resolves to the binding sent', async () => {
    const { transport, sent } = fakeTransport(() => ({
      status: 201,
      body: '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","code":201}',
    }));
    const bindings = createHttpClient({ transport }).resource('v1', 'Binding');
    const binding = {
      apiVersion: 'v1',
      kind: 'Binding',
      metadata: { name: 'web/0', uid: 'u1' },
      target: { kind: 'Node', name: 'n1' },
    } as const;
    const result = await bindings.namespace('team a').create(binding);
    expect(sent.map((s) => `${s.method} ${s.path}`)).toEqual([
      'POST /api/v1/namespaces/team%20a/pods/web%2F0/binding',
    ]);
    expect(sent[0]?.body).toEqual({ ...binding, metadata: { ...binding.metadata, namespace: 'team a' } });
    expect(result).toEqual(sent[0]?.body);
    expect(Object.isFrozen(result.target)).toBe(true);
    await expect(bindings.create(binding)).rejects.toSatisfy(isBadRequest);
    await expect(
      bindings.namespace('a').create({ ...binding, metadata: { namespace: 'a' } }),
    ).rejects.toSatisfy(isBadRequest);
    expect(sent).toHaveLength(1);
  });

  it('refuses requests it cannot address, without sending them', async () => {
    const { transport, sent } = fakeTransport();
    const client = createHttpClient({ transport });
    await expect(client.resource('v1', 'Pod').get('p')).rejects.toSatisfy(isBadRequest);
    await expect(
      client
        .resource('v1', 'Pod')
        .namespace('a')
        .create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'b' } }),
    ).rejects.toSatisfy(isBadRequest);
    await expect(
      client.resource('v1', 'Pod').update({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'a' } }),
    ).rejects.toSatisfy(isBadRequest);
    expect(sent).toEqual([]);
  });

  it('turns Status bodies, other error bodies and transport failures into ApiErrors', async () => {
    const notFound = fakeTransport(() => ({
      status: 404,
      body: JSON.stringify({ kind: 'Status', reason: 'NotFound', code: 404, message: 'pods "p" not found' }),
    }));
    const e = await createHttpClient({ transport: notFound.transport })
      .resource('v1', 'Pod')
      .namespace('a')
      .get('p')
      .catch((x: unknown) => x);
    expect(isNotFound(e)).toBe(true);
    expect((e as Error).message).toBe('pods "p" not found');
    const proxy = fakeTransport(() => ({ status: 502, body: 'Bad Gateway' }));
    await expect(
      createHttpClient({ transport: proxy.transport }).resource('v1', 'Pod').list(),
    ).rejects.toMatchObject({
      reason: 'InternalError',
      message: 'Bad Gateway',
    });
    const down: HttpTransport = {
      request: () => Promise.reject(new Error('connect ECONNREFUSED')),
      stream: () => Promise.reject(new Error('connect ECONNREFUSED')),
    };
    const client = createHttpClient({ transport: down });
    await expect(client.resource('v1', 'Pod').list()).rejects.toMatchObject({ reason: 'ServiceUnavailable' });
    await expect(firstValueFrom(client.resource('v1', 'Pod').watch())).rejects.toMatchObject({
      reason: 'ServiceUnavailable',
    });
  });

  it('parses a watch stream split anywhere, skips bookmarks and completes at its end', async () => {
    const lines = [
      {
        type: 'ADDED',
        object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', resourceVersion: '2' } },
      },
      { type: 'BOOKMARK', object: { apiVersion: 'v1', kind: 'Pod', metadata: { resourceVersion: '3' } } },
      {
        type: 'DELETED',
        object: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a', resourceVersion: '4' } },
      },
    ]
      .map((l) => `${JSON.stringify(l)}\n`)
      .join('');
    const chunks = [lines.slice(0, 7), lines.slice(7, 90), lines.slice(90)];
    const { transport, sent } = fakeTransport(undefined, { chunks });
    const events = await firstValueFrom(
      createHttpClient({ transport })
        .resource('v1', 'Pod')
        .watch({ resourceVersion: '1', labelSelector: 'a=b' })
        .pipe(toArray()),
    );
    expect(events.map((e) => `${e.type} ${e.object.metadata?.name}`)).toEqual(['ADDED a', 'DELETED a']);
    expect(Object.isFrozen(events[0]?.object.metadata)).toBe(true);
    expect(sent[0]?.path).toBe(
      '/api/v1/pods?watch=1&labelSelector=a%3Db&resourceVersion=1&allowWatchBookmarks=false',
    );
  });

  it('errors with the Status of an ERROR event or of a refused watch', async () => {
    const gone = `${JSON.stringify({ type: 'ERROR', object: { kind: 'Status', reason: 'Gone', code: 410, message: 'too old' } })}\n`;
    const a = fakeTransport(undefined, { chunks: [gone] });
    await expect(
      firstValueFrom(createHttpClient({ transport: a.transport }).resource('v1', 'Pod').watch()),
    ).rejects.toSatisfy(isGone);
    const b = fakeTransport(undefined, {
      status: 400,
      chunks: ['{"kind":"Status","reason":"BadRequest","code":400}'],
    });
    await expect(
      firstValueFrom(createHttpClient({ transport: b.transport }).resource('v1', 'Pod').watch()),
    ).rejects.toSatisfy(isBadRequest);
  });

  it('aborts the request when unsubscribed', async () => {
    const { transport, signals } = fakeTransport(undefined, { hang: true });
    const received: unknown[] = [];
    const sub = createHttpClient({ transport })
      .resource('v1', 'Pod')
      .watch()
      .subscribe({
        next: (e) => received.push(e),
        error: (e: unknown) => received.push(e),
        complete: () => received.push('complete'),
      });
    await Promise.resolve();
    expect(signals).toHaveLength(1);
    expect(signals[0]?.aborted).toBe(false);
    sub.unsubscribe();
    expect(signals[0]?.aborted).toBe(true);
    await new Promise<void>((resolve) => queueMicrotask(resolve));
    expect(received).toEqual([]);
  });

  describe('Retry-After', () => {
    const TOO_MANY = JSON.stringify({
      kind: 'Status',
      apiVersion: 'v1',
      status: 'Failure',
      message: 'Too many requests, please try again later.',
      reason: 'TooManyRequests',
      details: { retryAfterSeconds: 1 },
      code: 429,
    });
    const POD = '{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}}';

    /** Answers from `script` in order (its last entry from then on). */
    function scripted(script: readonly HttpResponse[]) {
      let i = 0;
      return fakeTransport(() => script[Math.min(i++, script.length - 1)] as HttpResponse);
    }

    it('sends a 429 again after Retry-After seconds on its clock, with the same method, path and body', async () => {
      const clock = new VirtualClock();
      const { transport, sent } = scripted([
        { status: 429, body: TOO_MANY, headers: { 'retry-after': '2' } },
        { status: 503, body: '{"kind":"Status","code":503}', headers: { 'retry-after': '1' } },
        { status: 201, body: POD },
      ]);
      const pods = createHttpClient({ transport, clock }).resource('v1', 'Pod').namespace('a');
      let result: unknown;
      const done = pods.create({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } }).then((v) => {
        result = v;
      });
      await flushMicrotasks();
      expect(sent).toHaveLength(1);
      await clock.advance(1999);
      expect(sent).toHaveLength(1);
      await clock.advance(1);
      expect(sent).toHaveLength(2);
      expect(result).toBeUndefined();
      await clock.advance(1000);
      await done;
      expect(sent).toHaveLength(3);
      expect(result).toMatchObject({ metadata: { name: 'p' } });
      expect(new Set(sent.map((s) => `${s.method} ${s.path} ${JSON.stringify(s.body)}`)).size).toBe(1);
    });

    it('gives up after maxRetries and reports the last Status', async () => {
      const clock = new VirtualClock();
      const { transport, sent } = scripted([
        { status: 429, body: TOO_MANY, headers: { 'retry-after': '1' } },
      ]);
      const failed = createHttpClient({ transport, clock, maxRetries: 3 })
        .resource('v1', 'Pod')
        .list()
        .catch((e: unknown) => e);
      await clock.advance(10_000);
      const error = await failed;
      expect(isTooManyRequests(error)).toBe(true);
      expect(error).toMatchObject({ message: 'Too many requests, please try again later.' });
      expect(sent).toHaveLength(4);
    });

    it("defaults to client-go's 10 retries", async () => {
      const clock = new VirtualClock();
      const { transport, sent } = scripted([
        { status: 429, body: TOO_MANY, headers: { 'retry-after': '0' } },
      ]);
      const failed = createHttpClient({ transport, clock })
        .resource('v1', 'Pod')
        .list()
        .catch((e: unknown) => e);
      await clock.advance(0);
      for (let i = 0; i < 20; i++) await flushMicrotasks();
      expect(isTooManyRequests(await failed)).toBe(true);
      expect(sent).toHaveLength(11);
    });

    it('does not retry without a usable Retry-After, nor other codes', async () => {
      const clock = new VirtualClock();
      const isServiceUnavailable = (e: unknown) => (e as { reason?: string }).reason === 'ServiceUnavailable';
      const cases: [HttpResponse, (e: unknown) => boolean][] = [
        [{ status: 429, body: TOO_MANY, headers: {} }, isTooManyRequests],
        [
          { status: 429, body: TOO_MANY, headers: { 'retry-after': 'Wed, 21 Oct 2015 07:28:00 GMT' } },
          isTooManyRequests,
        ],
        [{ status: 503, body: '{"kind":"Status","code":503}', headers: {} }, isServiceUnavailable],
        [
          { status: 503, body: '{"kind":"Status","code":503,"details":{"retryAfterSeconds":1}}' },
          isServiceUnavailable,
        ],
        [
          { status: 400, body: '{"kind":"Status","code":400}', headers: { 'retry-after': '1' } },
          isBadRequest,
        ],
      ];
      for (const [answer, is] of cases) {
        const { transport, sent } = scripted([answer, { status: 200, body: POD }]);
        const e = await createHttpClient({ transport, clock })
          .resource('v1', 'Pod')
          .namespace('a')
          .get('p')
          .catch((x: unknown) => x);
        expect(is(e), JSON.stringify(answer)).toBe(true);
        expect(sent).toHaveLength(1);
      }
      const off = scripted([{ status: 429, body: TOO_MANY, headers: { 'retry-after': '1' } }]);
      await expect(
        createHttpClient({ transport: off.transport, clock, maxRetries: 0 }).resource('v1', 'Pod').list(),
      ).rejects.toSatisfy(isTooManyRequests);
      expect(off.sent).toHaveLength(1);
    });

    it('uses the Status details of a 429 when the transport reports no headers', async () => {
      const clock = new VirtualClock();
      const { transport, sent } = scripted([
        { status: 429, body: TOO_MANY },
        { status: 200, body: POD },
      ]);
      const got = createHttpClient({ transport, clock }).resource('v1', 'Pod').namespace('a').get('p');
      await flushMicrotasks();
      await clock.advance(999);
      expect(sent).toHaveLength(1);
      await clock.advance(1);
      await expect(got).resolves.toMatchObject({ metadata: { name: 'p' } });
      expect(sent).toHaveLength(2);
    });

    it('opens a refused watch again after Retry-After; unsubscribing while waiting stops it', async () => {
      const clock = new VirtualClock();
      const added = `${JSON.stringify({ type: 'ADDED', object: JSON.parse(POD) })}\n`;
      let opened = 0;
      const signals: AbortSignal[] = [];
      const transport: HttpTransport = {
        request: () => Promise.reject(new Error('unused')),
        async stream(_path, _headers, signal) {
          signals.push(signal);
          const first = opened++ === 0;
          return {
            status: first ? 429 : 200,
            headers: first ? { 'retry-after': '1' } : ({} as Record<string, string>),
            chunks: (async function* () {
              yield first ? TOO_MANY : added;
            })(),
          };
        },
      };
      const events = firstValueFrom(
        createHttpClient({ transport, clock }).resource('v1', 'Pod').watch().pipe(toArray()),
      );
      await flushMicrotasks();
      expect(opened).toBe(1);
      await clock.advance(1000);
      expect((await events).map((e) => `${e.type} ${e.object.metadata?.name}`)).toEqual(['ADDED p']);
      expect(opened).toBe(2);

      opened = 0;
      const received: unknown[] = [];
      const sub = createHttpClient({ transport, clock })
        .resource('v1', 'Pod')
        .watch()
        .subscribe({ next: (e) => received.push(e), error: (e: unknown) => received.push(e) });
      await flushMicrotasks();
      expect(opened).toBe(1);
      sub.unsubscribe();
      await clock.advance(5000);
      expect(opened).toBe(1);
      expect(received).toEqual([]);
      expect(clock.nextTimerAt()).toBeUndefined();
    });
  });
});
