import { isApiError } from '@flotilla/api';
import { describe, expect, it } from 'vitest';
import {
  chooseExecProtocol,
  execErrorStatus,
  execRequest,
  execResultStatus,
  frame,
  isWebSocketUpgrade,
  parseClientFrame,
} from './exec-protocol.js';

const running = { running: { startedAt: '2026-01-01T00:00:00Z' } };

function pod(
  options: {
    node?: string;
    containers?: string[];
    init?: string[];
    state?: Record<string, unknown> | undefined;
    noStatus?: boolean;
  } = {},
) {
  const containers = options.containers ?? ['web'];
  return {
    metadata: { name: 'p', namespace: 'default' },
    spec: {
      ...(options.node === undefined
        ? { nodeName: 'node-1' }
        : options.node
          ? { nodeName: options.node }
          : {}),
      containers: containers.map((name) => ({ name, image: 'web:v1' })),
      ...(options.init ? { initContainers: options.init.map((name) => ({ name, image: 'init:v1' })) } : {}),
    },
    status: options.noStatus
      ? {}
      : {
          containerStatuses: containers.map((name) => ({ name, state: options.state ?? running })),
          initContainerStatuses: (options.init ?? []).map((name) => ({ name, state: running })),
        },
  };
}

const q = (s: string) => new URLSearchParams(s);

describe('chooseExecProtocol', () => {
  it.each([
    ['v5.channel.k8s.io', 'v5.channel.k8s.io'],
    ['v4.channel.k8s.io', 'v4.channel.k8s.io'],
    ['v4.channel.k8s.io, v5.channel.k8s.io', 'v5.channel.k8s.io'],
    [['channel.k8s.io', 'v4.channel.k8s.io'], 'v4.channel.k8s.io'],
    ['base64.channel.k8s.io,v3.channel.k8s.io', undefined],
    ['SPDY/3.1+portforward.k8s.io', undefined],
    ['', undefined],
    [undefined, undefined],
  ])('%j → %j', (header, chosen) => {
    expect(chooseExecProtocol(header)).toBe(chosen);
  });
});

describe('isWebSocketUpgrade', () => {
  it.each([
    ['websocket', true],
    ['WebSocket', true],
    ['h2c, websocket', true],
    ['SPDY/3.1', false],
    ['', false],
    [undefined, false],
  ])('%j → %j', (header, is) => {
    expect(isWebSocketUpgrade(header)).toBe(is);
  });
});

describe('frames', () => {
  it('frame prefixes the channel byte', () => {
    expect([...frame(1, 'hi')]).toEqual([1, 104, 105]);
    expect([...frame(3, new Uint8Array([7]))]).toEqual([3, 7]);
    expect([...frame(2, '')]).toEqual([2]);
  });

  const v5 = 'v5.channel.k8s.io' as const;
  const v4 = 'v4.channel.k8s.io' as const;
  it.each([
    [[0, 104, 105], true, v5, { type: 'stdin', data: Buffer.from('hi') }],
    [[0, 104, 105], true, v4, { type: 'stdin', data: Buffer.from('hi') }],
    [[0], true, v5, { type: 'ignore', why: 'empty stdin' }],
    [[255, 0], true, v5, { type: 'close', channel: 0 }],
    [[255, 1], true, v5, { type: 'close', channel: 1 }],
    [[255, 0], true, v4, { type: 'ignore', why: 'close signal outside v5' }],
    [[255], true, v5, { type: 'ignore', why: 'close signal outside v5' }],
    [[4, ...Buffer.from('{"Width":80,"Height":24}')], true, v5, { type: 'resize', width: 80, height: 24 }],
    [[4, ...Buffer.from('{"Width":"80"}')], true, v5, { type: 'ignore', why: 'malformed resize' }],
    [[4, ...Buffer.from('nope')], true, v5, { type: 'ignore', why: 'malformed resize' }],
    [[1, 104], true, v5, { type: 'ignore', why: 'channel 1 is not written by clients' }],
    [[3], true, v5, { type: 'ignore', why: 'channel 3 is not written by clients' }],
    [[], true, v5, { type: 'ignore', why: 'empty message' }],
    [[0, 104], false, v5, { type: 'ignore', why: 'text message' }],
  ])('%j (binary %j, %s) → %j', (bytes, binary, protocol, expected) => {
    expect(parseClientFrame(Buffer.from(bytes), binary, protocol)).toEqual(expected);
  });
});

describe('execRequest', () => {
  it('reads command, container and streams; defaults the only container', () => {
    expect(execRequest(pod(), q('command=sh&command=-c&command=exit 3&container=web&stdout=true'))).toEqual({
      nodeName: 'node-1',
      request: {
        command: ['sh', '-c', 'exit 3'],
        container: 'web',
        stdin: false,
        stdout: true,
        stderr: false,
      },
    });
    expect(execRequest(pod(), q('command=env&stdin=1&stderr=True&tty=false')).request).toEqual({
      command: ['env'],
      container: 'web',
      stdin: true,
      stdout: false,
      stderr: true,
    });
    expect(
      execRequest(pod({ init: ['setup'] }), q('command=env&container=setup&stdout=true')).request.container,
    ).toBe('setup');
  });

  it.each([
    ['command=env&stdout=true&container=db', {}, 'container db is not valid for pod p'],
    [
      'command=env&stdout=true',
      { containers: ['web', 'db'] },
      'a container name must be specified for pod p, choose one of: [web db]',
    ],
    ['stdout=true', {}, 'you must specify at least 1 command'],
    ['command=env', {}, 'you must specify at least 1 of stdin, stdout, stderr'],
    ['command=env&stdout=false&stderr=0', {}, 'you must specify at least 1 of stdin, stdout, stderr'],
    [
      'command=sh&stdin=true&stdout=true&tty=true',
      {},
      'tty is not supported by this server: run kubectl exec without -t (--tty)',
    ],
    ['command=env&stdout=yes', {}, 'stdout: Invalid value: "yes": must be true or false'],
    ['command=env&stdout=true', { node: '' }, 'pod p does not have a host assigned'],
    [
      'command=env&stdout=true',
      { state: { waiting: { reason: 'ImagePullBackOff' } } },
      'container "web" in pod "p" is waiting to start: ImagePullBackOff',
    ],
    [
      'command=env&stdout=true',
      { noStatus: true },
      'container "web" in pod "p" is waiting to start: ContainerCreating',
    ],
    [
      'command=env&stdout=true',
      { state: { terminated: { exitCode: 0, reason: 'Completed' } } },
      'container "web" in pod "p" is not running',
    ],
  ])('%s on %j → 400 %s', (query, podOptions, message) => {
    let caught: unknown;
    try {
      execRequest(pod(podOptions), q(query));
    } catch (error) {
      caught = error;
    }
    expect(isApiError(caught)).toBe(true);
    expect(caught).toMatchObject({ reason: 'BadRequest', code: 400, message });
  });
});

describe('the channel 3 Status', () => {
  it.each([
    [{ exitCode: 0 }, { metadata: {}, status: 'Success' }],
    [
      { exitCode: 3 },
      {
        metadata: {},
        status: 'Failure',
        message:
          'command terminated with non-zero exit code: error executing command [sh -c exit 3], exit code 3',
        reason: 'NonZeroExitCode',
        details: { causes: [{ reason: 'ExitCode', message: '3' }] },
      },
    ],
    [
      { exitCode: 127, startError: 'exec: "nope": executable file not found in $PATH' },
      {
        metadata: {},
        status: 'Failure',
        message:
          'Internal error occurred: error executing command in container: exec: "nope": executable file not found in $PATH',
        reason: 'InternalError',
        details: {
          causes: [
            {
              message:
                'error executing command in container: exec: "nope": executable file not found in $PATH',
            },
          ],
        },
        code: 500,
      },
    ],
  ])('%j → %j', (result, status) => {
    expect(execResultStatus(['sh', '-c', 'exit 3'], result)).toEqual(status);
  });

  it('a node error keeps its reason; anything else is an InternalError', async () => {
    const { ApiError } = await import('@flotilla/api');
    expect(execErrorStatus(ApiError.notFound({ group: '', resource: 'pods' }, 'p'))).toEqual({
      metadata: {},
      status: 'Failure',
      message: 'pods "p" not found',
      reason: 'NotFound',
      code: 404,
    });
    expect(execErrorStatus(new Error('container "c1" is EXITED, not RUNNING'))).toEqual({
      metadata: {},
      status: 'Failure',
      message:
        'Internal error occurred: error executing command in container: container "c1" is EXITED, not RUNNING',
      reason: 'InternalError',
      details: {
        causes: [{ message: 'error executing command in container: container "c1" is EXITED, not RUNNING' }],
      },
      code: 500,
    });
  });
});
