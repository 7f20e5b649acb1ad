import { hasReason } from '@flotilla/api';
import { isUnknownOutcome } from '@flotilla/store';
import { Collector } from '@flotilla/store/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EtcdBackend } from './etcd-backend.js';
import { startCluster } from './etcd-cluster.test-support.js';

// These tests start their own etcd members on other loopback ports, so they never disturb the shared
// one. Writes are sequential, as a controller's would be; each outcome is recorded as acknowledged
// (resolved), unknown (Timeout, isUnknownOutcome) or failed (any other error: must not be applied).

type Outcome =
  | { key: string; status: 'acked'; rev: number }
  | { key: string; status: 'unknown' | 'failed'; error: unknown };

async function writeStream(
  b: EtcdBackend,
  prefix: string,
  count: number,
  onWrite: (i: number) => Promise<void> | void,
) {
  const outcomes: Outcome[] = [];
  for (let i = 0; i < count; i++) {
    await onWrite(i);
    const key = `${prefix}${String(i).padStart(4, '0')}`;
    try {
      outcomes.push({ key, status: 'acked', rev: await b.create(key, String(i)) });
    } catch (error) {
      outcomes.push({ key, status: isUnknownOutcome(error) ? 'unknown' : 'failed', error });
    }
  }
  return outcomes;
}

async function verify(
  b: EtcdBackend,
  outcomes: Outcome[],
  w: Collector<readonly { kv: { key: string; modRevision: number } }[]>,
) {
  const acked = outcomes.flatMap((o) => (o.status === 'acked' ? [o] : []));
  const count = (status: Outcome['status']) => outcomes.filter((o) => o.status === status).length;
  console.log(
    `writes: ${count('acked')} acknowledged, ${count('unknown')} unknown, ${count('failed')} failed`,
  );
  for (const o of acked) expect(await b.get(o.key)).toMatchObject({ modRevision: o.rev });
  for (const o of outcomes) {
    if (o.status !== 'failed') continue;
    // A definite failure names a reason that proves nothing was applied.
    expect(hasReason(o.error, 'ServiceUnavailable') || hasReason(o.error, 'RequestEntityTooLarge')).toBe(
      true,
    );
    expect(await b.get(o.key)).toBeUndefined();
  }
  const last = Math.max(...acked.map((o) => o.rev));
  await w.until((batches) => (batches.flat().at(-1)?.kv.modRevision ?? 0) >= last);
  const events = w.values.flat();
  const revisions = events.map((e) => e.kv.modRevision);
  expect(revisions).toEqual([...revisions].sort((x, y) => x - y));
  expect(new Set(revisions).size).toBe(revisions.length);
  const seen = new Set(events.map((e) => e.kv.key));
  for (const o of acked) expect(seen.has(o.key)).toBe(true);
  // Every key the watch saw exists (unknown outcomes that were applied included), and vice versa.
  const stored = (await b.range(outcomes[0]!.key.slice(0, outcomes[0]!.key.lastIndexOf('/') + 1))).items;
  expect(stored.map((kv) => kv.key).sort()).toEqual([...seen].sort());
  return acked.length;
}

describe('EtcdBackend on a three-member cluster', () => {
  let cluster: Awaited<ReturnType<typeof startCluster>>;
  beforeAll(async () => {
    cluster = await startCluster(3, 23910);
  });
  afterAll(() => cluster?.stop());

  it('loses no acknowledged write and keeps watching when the leader is killed mid-stream', async () => {
    const b = new EtcdBackend({ endpoints: cluster.endpoints, prefix: '/kill', requestTimeoutMs: 3_000 });
    try {
      const w = new Collector(b.watch('/s/', await b.currentRevision()));
      const victim = await cluster.leaderIndex();
      expect(victim).toBeGreaterThanOrEqual(0);
      const outcomes = await writeStream(b, '/s/', 300, (i) => {
        if (i === 100) cluster.kill(victim);
      });
      const acked = await verify(b, outcomes, w);
      // Most writes succeed: the remaining members elect a leader and the client moves to them.
      expect(acked).toBeGreaterThan(250);
      // The watch delivered writes made after the kill.
      const after = outcomes.slice(150).flatMap((o) => (o.status === 'acked' ? [o.rev] : []));
      expect(w.values.flat().some((e) => e.kv.modRevision === after.at(-1))).toBe(true);
      w.unsubscribe();
    } finally {
      await b.close();
    }
  });
});

describe('EtcdBackend across an etcd restart', () => {
  let single: Awaited<ReturnType<typeof startCluster>>;
  beforeAll(async () => {
    single = await startCluster(1, 23950);
  });
  afterAll(() => single?.stop());

  it('reconnects, resumes its watch after the last event seen, and reports no applied write as failed', async () => {
    const b = new EtcdBackend({ endpoints: single.endpoints, prefix: '/restart', requestTimeoutMs: 2_000 });
    try {
      const w = new Collector(b.watch('/s/', await b.currentRevision()));
      const outcomes = await writeStream(b, '/s/', 120, async (i) => {
        if (i === 40) single.kill(0);
        if (i === 60) await single.restart(0);
      });
      expect(outcomes.slice(0, 40).every((o) => o.status === 'acked')).toBe(true);
      expect(outcomes.slice(40, 60).every((o) => o.status !== 'acked')).toBe(true);
      // After the restart the client reconnects (its circuit breaker may hold a few seconds).
      expect(outcomes.slice(100).every((o) => o.status === 'acked')).toBe(true);
      await verify(b, outcomes, w);
      w.unsubscribe();
    } finally {
      await b.close();
    }
  });
});
