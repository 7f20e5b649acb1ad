import { createRandom } from '@flotilla/clock';
import { describe, expect, it } from 'vitest';
import { preempt } from './preemption.js';
import { spreadProfile } from './profiles.js';
import { schedule } from './schedule.js';
import { GiB, node, pod, snapshotOf } from './test-util.js';

const profile = spreadProfile({ percentageOfNodesToScore: 100 });
const small = (name: string) => node(name, { allocatable: { cpu: 1000, memory: 4 * GiB, pods: 10 } });
const busy = (name: string, priority: number, cpu = 500) => pod(name, { priority, requests: { cpu } });

function failAndPreempt(s: ReturnType<typeof snapshotOf>, p: ReturnType<typeof pod>) {
  const r = schedule(p, s, profile, { random: createRandom(1) });
  if (r.kind !== 'unschedulable') throw new Error('expected the pod not to fit');
  return preempt(p, s, profile, r.diagnosis, { random: createRandom(1) });
}

describe('preempt', () => {
  it('picks the node whose victims have the lowest priority and evicts only what is needed', () => {
    const s = snapshotOf(
      [small('a'), small('b')],
      [
        [busy('a-low', 1), 'a'],
        [busy('a-mid', 5), 'a'],
        [busy('b-mid', 5), 'b'],
        [busy('b-mid2', 5), 'b'],
      ],
    );
    const result = failAndPreempt(s, busy('urgent', 10));
    expect(result?.nominatedNodeName).toBe('a');
    expect(result?.victims.map((v) => v.name)).toEqual(['a-low']);
    // The dry run left the snapshot as it was.
    expect(s.node('a')!.pods.length).toBe(2);
    expect(s.node('a')!.reqCpu).toBe(1000);
  });

  it('prefers fewer victims when their priorities (highest and sum) tie', () => {
    // On a, reprieving a1 leaves no room for a2 or a3: two victims. On b, one.
    const s = snapshotOf(
      [small('a'), small('b')],
      [
        [busy('a1', 0, 400), 'a'],
        [busy('a2', 0, 400), 'a'],
        [busy('a3', 0, 200), 'a'],
        [busy('b1', 0, 500), 'b'],
        [busy('b2', 0, 500), 'b'],
      ],
    );
    const result = failAndPreempt(s, busy('urgent', 10));
    expect(result?.nominatedNodeName).toBe('b');
    expect(result?.victims.length).toBe(1);
  });

  it('never evicts pods of equal or higher priority', () => {
    const s = snapshotOf([small('a')], [[busy('peer', 10, 1000), 'a']]);
    expect(failAndPreempt(s, busy('urgent', 10))).toBeUndefined();
  });

  it('skips nodes that no eviction can fix (UnschedulableAndUnresolvable)', () => {
    const s = snapshotOf(
      [small('a'), { ...small('b'), labels: { pool: 'x' } }],
      [
        [busy('a-low', 0, 1000), 'a'],
        [busy('b-low', 0, 1000), 'b'],
      ],
    );
    const result = failAndPreempt(
      s,
      pod('urgent', { priority: 10, requests: { cpu: 500 }, nodeSelector: { pool: 'x' } }),
    );
    expect(result?.nominatedNodeName).toBe('b');
  });

  it('frees a host port held by a lower-priority pod', () => {
    const s = snapshotOf([small('a')], [[pod('holder', { priority: 0, hostPorts: [{ port: 80 }] }), 'a']]);
    const result = failAndPreempt(s, pod('urgent', { priority: 5, hostPorts: [{ port: 80 }] }));
    expect(result?.victims.map((v) => v.name)).toEqual(['holder']);
  });
});
