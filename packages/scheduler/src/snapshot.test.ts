import { describe, expect, it } from 'vitest';
import { ClusterSnapshot } from './snapshot.js';
import { node, pod } from './test-util.js';

const ZONE = 'topology.kubernetes.io/zone';
const web = (name: string) => pod(name, { labels: { app: 'web' }, requests: { cpu: 100, memory: 1000 } });

describe('ClusterSnapshot', () => {
  it('keeps totals exact through bind, unbind and node removal', () => {
    const s = new ClusterSnapshot([node('a'), node('b')]);
    s.bind(web('w1'), 'a');
    s.bind(web('w2'), 'a');
    expect(s.node('a')).toMatchObject({ reqCpu: 200, reqMemory: 2000 });
    expect(s.unbind('default/w1')?.name).toBe('w1');
    expect(s.unbind('default/w1')).toBeUndefined();
    expect(s.node('a')).toMatchObject({ reqCpu: 100, reqMemory: 1000 });
    expect(s.removeNode('a').map((p) => p.name)).toEqual(['w2']);
    expect(s.nodeOf('default/w2')).toBeUndefined();
    expect(s.podCount).toBe(0);
    expect(s.nodes.map((n) => n.name)).toEqual(['b']);
  });

  it.each([
    {
      name: 'unknown node',
      act: (s: ClusterSnapshot) => s.bind(web('x'), 'nope'),
      msg: 'spec.nodeName: Not found: "nope"',
    },
    {
      name: 'double bind',
      act: (s: ClusterSnapshot) => {
        s.bind(web('x'), 'a');
        s.bind(web('x'), 'b');
      },
      msg: 'already bound',
    },
  ])('rejects $name', ({ act, msg }) => {
    expect(() => act(new ClusterSnapshot([node('a'), node('b')]))).toThrow(msg);
  });

  it('moves topology counts and domains when a node changes labels', () => {
    const s = new ClusterSnapshot([
      node('a', { labels: { [ZONE]: 'z1' } }),
      node('b', { labels: { [ZONE]: 'z1' } }),
    ]);
    s.bind(web('w1'), 'a');
    const probe = pod('probe', {
      affinity: {
        podAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { topologyKey: ZONE, labelSelector: { matchLabels: { app: 'web' } } },
          ],
        },
      },
    });
    const counter = s.counter(probe.requiredAffinity);
    expect([...counter.counts[0]!]).toEqual([['z1', 1]]);
    expect([...s.domains(ZONE)]).toEqual([['z1', 2]]);
    s.upsertNode(node('a', { labels: { [ZONE]: 'z2' } }));
    expect([...counter.counts[0]!]).toEqual([['z2', 1]]);
    expect([...s.domains(ZONE)].sort()).toEqual([
      ['z1', 1],
      ['z2', 1],
    ]);
    expect(s.topology(ZONE).ids[s.node('a')!.index]).toBe(s.topology(ZONE).id('z2'));
    s.bind(web('w2'), 'b');
    expect(counter.countIn(0, { [ZONE]: 'z1' })).toBe(1);
    s.removeNode('a');
    expect([...counter.counts[0]!]).toEqual([['z1', 1]]);
    expect([...s.domains(ZONE)]).toEqual([['z1', 1]]);
  });

  it('counts flagged nodes so that filters can skip (cordoned, not ready, tainted)', () => {
    const s = new ClusterSnapshot([
      node('a', { unschedulable: true }),
      node('b', { ready: false, taints: [{ key: 'k', effect: 'NoSchedule' }] }),
      node('c', { taints: [{ key: 'k', effect: 'PreferNoSchedule' }] }),
    ]);
    expect(s.flagged).toEqual({ unschedulable: 1, notReady: 1, hardTainted: 1, softTainted: 1 });
    s.upsertNode(node('a'));
    s.removeNode('b');
    expect(s.flagged).toEqual({ unschedulable: 0, notReady: 0, hardTainted: 0, softTainted: 1 });
  });

  it('builds a counter for an existing selector from the label index, then maintains it', () => {
    const s = new ClusterSnapshot([node('a'), node('b')]);
    s.bind(web('w1'), 'a');
    s.bind(pod('db', { labels: { app: 'db' } }), 'b');
    const t = pod('p', {
      affinity: {
        podAntiAffinity: {
          requiredDuringSchedulingIgnoredDuringExecution: [
            { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } },
          ],
        },
      },
    }).requiredAntiAffinity;
    const c = s.counter(t);
    expect(c.total).toBe(1);
    s.bind(web('w2'), 'b');
    expect([...c.counts[0]!].sort()).toEqual([
      ['a', 1],
      ['b', 1],
    ]);
    expect(s.counter(t)).toBe(c);
  });
});
