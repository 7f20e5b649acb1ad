import { createInProcessClient } from '@flotilla/client';
import { createRandom, VirtualClock } from '@flotilla/clock';
import { MemoryBackend, ObjectStore } from '@flotilla/store';
import { describe, expect, it } from 'vitest';
import { NodeHeartbeat } from './heartbeat.js';
import { DEFAULT_CAPACITY, NODE_LEASE_NAMESPACE } from './node.js';

/** A heartbeat on a lane of a virtual clock; `hold` keeps its timers back for the first `ms`. */
async function beatFor(ms: number, options: { hold: boolean; catchUpMissedBeats: boolean }) {
  const clock = new VirtualClock();
  const client = createInProcessClient(new ObjectStore({ backend: new MemoryBackend(), clock }));
  await client
    .resource('v1', 'Namespace')
    .create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NODE_LEASE_NAMESPACE } });
  const heartbeat = new NodeHeartbeat({
    client,
    clock: clock.lane('heartbeat'),
    node: { nodeName: 'n1', capacity: DEFAULT_CAPACITY, address: '10.0.0.1', runtimeName: 'sim' },
    random: createRandom(5),
    catchUpMissedBeats: options.catchUpMissedBeats,
  });
  const t0 = clock.now();
  await heartbeat.start();
  const read = async () => {
    const lease = await client
      .resource('coordination.k8s.io/v1', 'Lease')
      .namespace(NODE_LEASE_NAMESPACE)
      .get('n1');
    const node = await client.resource('v1', 'Node').get('n1');
    return {
      renew: (Date.parse(lease.spec?.renewTime ?? '') - t0) / 1000,
      status:
        (Date.parse(node.status?.conditions?.find((c) => c.type === 'Ready')?.lastHeartbeatTime ?? '') - t0) /
        1000,
    };
  };
  if (options.hold) clock.holdLanes(['heartbeat']);
  await clock.advance(ms);
  await clock.releaseLanes();
  const atEnd = await read();
  const renewals = heartbeat.leaseRenewals;
  // Afterwards, unheld: the cadence shows in the next renewals.
  const later: { renew: number; status: number }[] = [];
  for (let i = 0; i < 8; i++) {
    await clock.advance(10_000);
    later.push(await read());
  }
  heartbeat.stop();
  expect(clock.pendingTimers).toBe(0);
  return { atEnd, later, renewals };
}

describe('NodeHeartbeat', () => {
  it('catchUpMissedBeats: a beat held for minutes renews as of the last beat it missed, keeping the cadence', async () => {
    const exact = await beatFor(185_000, { hold: false, catchUpMissedBeats: true });
    const held = await beatFor(185_000, { hold: true, catchUpMissedBeats: true });
    // The first beat falls at a random offset in the first 10 s, then every 10 s; status every 60 s.
    expect(exact.atEnd.renew % 10).not.toBe(0);
    expect(held.atEnd).toEqual(exact.atEnd);
    expect(held.later).toEqual(exact.later);
    expect(exact.renewals).toBe(19);
    expect(held.renewals).toBe(2); // registration and the one catch-up renewal
  });

  it('is the same as without the option when never held, and without it a late beat renews at the current time', async () => {
    const plain = await beatFor(185_000, { hold: false, catchUpMissedBeats: false });
    const exact = await beatFor(185_000, { hold: false, catchUpMissedBeats: true });
    expect(plain).toEqual(exact);
    const late = await beatFor(185_000, { hold: true, catchUpMissedBeats: false });
    expect(late.atEnd.renew).toBe(185);
    expect(late.atEnd.status).toBe(185);
  });
});
