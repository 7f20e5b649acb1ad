import { hasReason } from '@flotilla/api';
import { isUnknownOutcome } from '@flotilla/store';
import { BrokenCircuitError } from 'cockatiel';
import {
  ClientClosedError,
  EtcdError,
  GRPCCancelledError,
  GRPCDeadlineExceededError,
  GRPCInternalError,
  GRPCUnavailableError,
} from 'etcd3';
import { describe, expect, it } from 'vitest';
import { EtcdBackend } from './etcd-backend.js';
import { isCompacted, isFutureRevision, readError, writeError } from './etcd-errors.js';
import { int, keyAfter, prefixEnd } from './keys.js';

describe('writeError', () => {
  it.each([
    { name: 'a deadline', error: new GRPCDeadlineExceededError('4 DEADLINE_EXCEEDED: Deadline exceeded') },
    { name: 'a dropped connection', error: new GRPCUnavailableError('14 UNAVAILABLE: Connection dropped') },
    { name: 'a cancelled call', error: new GRPCCancelledError('1 CANCELLED: Call cancelled') },
    { name: 'an internal gRPC error', error: new GRPCInternalError('13 INTERNAL: stream reset') },
    { name: "etcd's request timeout", error: new EtcdError('etcdserver: request timed out') },
    { name: 'a leader change', error: new EtcdError('etcdserver: leader changed') },
    { name: 'anything unexpected', error: new Error('boom') },
  ])('reports $name as an unknown outcome (Timeout), never as a failure', ({ error }) => {
    const mapped = writeError('update', '/k', error);
    expect(isUnknownOutcome(mapped)).toBe(true);
    expect(hasReason(mapped, 'Timeout')).toBe(true);
  });

  it.each([
    {
      name: 'a call made before any connection',
      error: new GRPCUnavailableError('14 UNAVAILABLE: No connection established'),
      reason: 'ServiceUnavailable',
    },
    { name: 'every circuit open', error: new BrokenCircuitError(), reason: 'ServiceUnavailable' },
    { name: 'no leader', error: new EtcdError('etcdserver: no leader'), reason: 'ServiceUnavailable' },
    {
      name: 'a request too large',
      error: new EtcdError('etcdserver: request is too large'),
      reason: 'RequestEntityTooLarge',
    },
    { name: 'a closed client', error: new ClientClosedError('KV'), reason: 'ServiceUnavailable' },
  ] as const)('reports $name as a definite failure ($reason)', ({ error, reason }) => {
    const mapped = writeError('create', '/k', error);
    expect(isUnknownOutcome(mapped)).toBe(false);
    expect(hasReason(mapped, reason)).toBe(true);
  });
});

describe('readError', () => {
  it.each([
    { error: new GRPCDeadlineExceededError('4 DEADLINE_EXCEEDED'), reason: 'Timeout' },
    { error: new GRPCUnavailableError('14 UNAVAILABLE: Connection dropped'), reason: 'ServiceUnavailable' },
    { error: new Error('boom'), reason: 'InternalError' },
  ] as const)('maps $error.message to $reason', ({ error, reason }) => {
    const mapped = readError(error);
    expect(hasReason(mapped, reason)).toBe(true);
    expect(isUnknownOutcome(mapped)).toBe(false);
  });

  it("recognises etcd's revision errors", () => {
    expect(isCompacted(new EtcdError('etcdserver: mvcc: required revision has been compacted'))).toBe(true);
    expect(isFutureRevision(new EtcdError('etcdserver: mvcc: required revision is a future revision'))).toBe(
      true,
    );
    expect(isCompacted(new EtcdError('etcdserver: mvcc: required revision is a future revision'))).toBe(
      false,
    );
  });
});

describe('keys', () => {
  it.each([
    { prefix: '/a/', end: '/a0' },
    { prefix: 'a\xff', end: 'b', bytes: [0x61, 0xff] },
    { prefix: '\xff\xff', end: '\0', bytes: [0xff, 0xff] },
    { prefix: '', end: '\0' },
  ])('prefixEnd($prefix) is $end', ({ prefix, end, bytes }) => {
    const key = bytes ? Buffer.from(bytes) : Buffer.from(prefix);
    expect(prefixEnd(key)).toEqual(Buffer.from(end, 'latin1'));
  });

  it('keyAfter appends a zero byte, the smallest greater key', () => {
    expect(keyAfter(Buffer.from('/a'))).toEqual(Buffer.from('/a\0'));
  });

  it.each([
    { value: '42', want: 42 },
    { value: undefined, want: 0 },
  ])('int($value) is $want', ({ value, want }) => {
    expect(int(value)).toBe(want);
  });

  it('refuses an int64 beyond 2^53', () => {
    expect(() => int('9007199254740993')).toThrow(/2\^53/);
  });
});

describe('EtcdBackend options', () => {
  it.each([
    { name: 'requestTimeoutMs 0', options: { requestTimeoutMs: 0 }, want: /requestTimeoutMs/ },
    { name: 'readRetries -1', options: { readRetries: -1 }, want: /readRetries/ },
  ])('rejects $name', ({ options, want }) => {
    expect(() => new EtcdBackend({ endpoints: '127.0.0.1:1', ...options })).toThrow(want);
  });

  it('fails every call after close with ServiceUnavailable, without a server', async () => {
    const b = new EtcdBackend({ endpoints: '127.0.0.1:1' });
    await b.close();
    await expect(b.get('/k')).rejects.toMatchObject({ reason: 'ServiceUnavailable' });
    await expect(b.create('/k', 'v')).rejects.toMatchObject({ reason: 'ServiceUnavailable' });
    await b.close();
  });
});
