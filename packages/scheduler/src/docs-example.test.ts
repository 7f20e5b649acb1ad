/** The custom-plugin example of docs/packages/scheduler.md, run so that it cannot rot. */
import { createRandom } from '@flotilla/clock';
import { describe, expect, it } from 'vitest';
import type { FilterPlugin, ScorePlugin } from './framework.js';
import { extendProfile } from './framework.js';
import { spreadProfile } from './profiles.js';
import { schedule } from './schedule.js';
import { unresolvable } from './status.js';
import { node, pod, snapshotOf } from './test-util.js';

const RackAffinity: ScorePlugin = {
  name: 'RackAffinity',
  prepare(pod) {
    const rack = pod.labels['example.com/rack'];
    if (rack === undefined) return null; // Skip: nothing to prefer
    return { score: (node) => (node.labels['example.com/rack'] === rack ? 100 : 0) };
  },
};

const NO_GPU = unresolvable('node(s) are GPU nodes');
const KeepOffGpus: FilterPlugin = {
  name: 'KeepOffGpus',
  prepare: (pod) =>
    pod.scalar.length > 0 ? null : (node) => (node.allocScalar?.has('nvidia.com/gpu') ? NO_GPU : null),
};

const profile = extendProfile(spreadProfile(), {
  name: 'racks',
  filters: [KeepOffGpus],
  scores: [{ plugin: RackAffinity, weight: 3 }],
});

describe('docs example: custom plugins', () => {
  it('keeps plain pods off GPU nodes and prefers the pod rack', () => {
    const s = snapshotOf([
      node('gpu', {
        labels: { 'example.com/rack': 'r1' },
        allocatable: { cpu: 4000, memory: 2 ** 33, pods: 10, 'nvidia.com/gpu': 1 },
      }),
      node('r1', { labels: { 'example.com/rack': 'r1' } }),
      node('r2', { labels: { 'example.com/rack': 'r2' } }),
    ]);
    const p = pod('p', { labels: { 'example.com/rack': 'r1' } });
    expect(schedule(p, s, profile, { random: createRandom(3) })).toMatchObject({ nodeName: 'r1' });
    const onlyGpu = snapshotOf([
      node('gpu', { allocatable: { cpu: 4000, memory: 2 ** 33, pods: 10, 'nvidia.com/gpu': 1 } }),
    ]);
    expect(schedule(p, onlyGpu, profile, { random: createRandom(3) })).toMatchObject({
      message: '0/1 nodes are available: 1 node(s) are GPU nodes.',
    });
  });
});
