import { describe, expect, it } from 'vitest';
import { isScalingEvent, scaleProportionally } from './scale.js';
import { deployment, replicaSet } from './testing/fixtures.js';
import { rsNamed, stateOf } from './testing/state.js';

// Transcribed from Kubernetes' sync_test.go TestScale. Every ReplicaSet was last sized for
// `oldReplicas` (desired-replicas) and `oldReplicas + oldSurge` (max-replicas). Kubernetes' fixture
// uses maxUnavailable 0, which our validation rejects next to surge 0; it does not affect scaling.
interface Row {
  name: string;
  replicas: number;
  oldReplicas: number;
  surge?: number;
  oldSurge?: number;
  newRS?: [string, number];
  oldRSs: [string, number][];
  want: Record<string, number>;
  desired?: Record<string, number>;
  newAvailable?: number;
  unavailable?: number;
}

const rows: Row[] = [
  {
    name: 'normal scaling event: 10 -> 12',
    replicas: 12,
    oldReplicas: 10,
    newRS: ['foo-v1', 10],
    oldRSs: [],
    want: { 'foo-v1': 12 },
  },
  {
    name: 'normal scaling event: 10 -> 5',
    replicas: 5,
    oldReplicas: 10,
    newRS: ['foo-v1', 10],
    oldRSs: [],
    want: { 'foo-v1': 5 },
  },
  {
    name: 'proportional scaling: 5 -> 10',
    replicas: 10,
    oldReplicas: 5,
    newRS: ['foo-v2', 2],
    oldRSs: [['foo-v1', 3]],
    want: { 'foo-v2': 4, 'foo-v1': 6 },
  },
  {
    name: 'proportional scaling: 5 -> 3',
    replicas: 3,
    oldReplicas: 5,
    newRS: ['foo-v2', 2],
    oldRSs: [['foo-v1', 3]],
    want: { 'foo-v2': 1, 'foo-v1': 2 },
  },
  {
    name: 'proportional scaling: 9 -> 4',
    replicas: 4,
    oldReplicas: 9,
    newRS: ['foo-v2', 8],
    oldRSs: [['foo-v1', 1]],
    want: { 'foo-v2': 4, 'foo-v1': 0 },
  },
  {
    name: 'proportional scaling: 7 -> 10',
    replicas: 10,
    oldReplicas: 7,
    newRS: ['foo-v3', 2],
    oldRSs: [
      ['foo-v2', 3],
      ['foo-v1', 2],
    ],
    want: { 'foo-v3': 3, 'foo-v2': 4, 'foo-v1': 3 },
  },
  {
    name: 'proportional scaling: 13 -> 8',
    replicas: 8,
    oldReplicas: 13,
    newRS: ['foo-v3', 2],
    oldRSs: [
      ['foo-v2', 8],
      ['foo-v1', 3],
    ],
    want: { 'foo-v3': 1, 'foo-v2': 5, 'foo-v1': 2 },
  },
  {
    name: 'leftover distribution: 3 -> 4 (newest of equals grows)',
    replicas: 4,
    oldReplicas: 3,
    newRS: ['foo-v3', 1],
    oldRSs: [
      ['foo-v2', 1],
      ['foo-v1', 1],
    ],
    want: { 'foo-v3': 2, 'foo-v2': 1, 'foo-v1': 1 },
  },
  {
    name: 'leftover distribution: 3 -> 2 (oldest of equals shrinks)',
    replicas: 2,
    oldReplicas: 3,
    newRS: ['foo-v3', 1],
    oldRSs: [
      ['foo-v2', 1],
      ['foo-v1', 1],
    ],
    want: { 'foo-v3': 1, 'foo-v2': 1, 'foo-v1': 0 },
  },
  {
    name: 'proportional scaling (no new rs): 4 -> 5',
    replicas: 5,
    oldReplicas: 4,
    oldRSs: [
      ['foo-v2', 2],
      ['foo-v1', 2],
    ],
    want: { 'foo-v2': 3, 'foo-v1': 2 },
  },
  {
    name: 'proportional scaling: 6 -> 0',
    replicas: 0,
    oldReplicas: 6,
    newRS: ['foo-v3', 3],
    oldRSs: [
      ['foo-v2', 2],
      ['foo-v1', 1],
    ],
    want: { 'foo-v3': 0, 'foo-v2': 0, 'foo-v1': 0 },
  },
  {
    name: 'proportional scaling: 0 -> 6 (newest takes all)',
    replicas: 6,
    oldReplicas: 6,
    newRS: ['foo-v3', 0],
    oldRSs: [
      ['foo-v2', 0],
      ['foo-v1', 0],
    ],
    want: { 'foo-v3': 6, 'foo-v2': 0, 'foo-v1': 0 },
  },
  {
    name: 'one ReplicaSet sized for another count',
    replicas: 5,
    oldReplicas: 5,
    newRS: ['foo-v3', 2],
    oldRSs: [
      ['foo-v2', 1],
      ['foo-v1', 1],
    ],
    desired: { 'foo-v2': 3 },
    want: { 'foo-v3': 2, 'foo-v2': 2, 'foo-v1': 1 },
  },
  {
    name: 'deployment with surge pods',
    replicas: 20,
    oldReplicas: 10,
    surge: 2,
    oldSurge: 2,
    newRS: ['foo-v2', 6],
    oldRSs: [['foo-v1', 6]],
    want: { 'foo-v2': 11, 'foo-v1': 11 },
  },
  {
    name: 'change both surge and size',
    replicas: 50,
    oldReplicas: 10,
    surge: 6,
    oldSurge: 3,
    newRS: ['foo-v2', 5],
    oldRSs: [['foo-v1', 8]],
    want: { 'foo-v2': 22, 'foo-v1': 34 },
  },
  {
    name: 'saturated but broken new replica set does not affect old pods',
    replicas: 2,
    oldReplicas: 2,
    surge: 1,
    oldSurge: 1,
    unavailable: 1,
    newRS: ['foo-v2', 2],
    newAvailable: 0,
    oldRSs: [['foo-v1', 1]],
    want: { 'foo-v2': 2, 'foo-v1': 1 },
  },
  {
    name: 'saturated and available new replica set empties old ones',
    replicas: 2,
    oldReplicas: 2,
    surge: 1,
    oldSurge: 1,
    unavailable: 1,
    newRS: ['foo-v2', 2],
    oldRSs: [['foo-v1', 1]],
    want: { 'foo-v2': 2, 'foo-v1': 0 },
  },
];

describe('scaleProportionally (TestScale)', () => {
  it.each(rows)('$name', (row) => {
    const d = deployment({
      replicas: row.replicas,
      maxSurge: row.surge ?? 0,
      maxUnavailable: row.unavailable ?? 1,
      image: 'app:current',
    });
    const sized = (name: string) => {
      const desired = row.desired?.[name] ?? row.oldReplicas;
      return { desired, max: desired + (row.oldSurge ?? 0) };
    };
    const ages = ['foo-v1', 'foo-v2', 'foo-v3'];
    const replicaSets = [
      ...row.oldRSs.map(([name, replicas]) =>
        replicaSet({
          name,
          replicas,
          image: `app:${name}`,
          created: ages.indexOf(name),
          sizedFor: sized(name),
        }),
      ),
      ...(row.newRS === undefined
        ? []
        : [
            replicaSet({
              name: row.newRS[0],
              replicas: row.newRS[1],
              available: row.newAvailable ?? row.newRS[1],
              image: 'app:current',
              created: ages.indexOf(row.newRS[0]),
              sizedFor: sized(row.newRS[0]),
            }),
          ]),
    ];
    const state = stateOf(d, replicaSets);
    scaleProportionally(state);
    for (const [name, want] of Object.entries(row.want))
      expect([name, rsNamed(state, name).replicas]).toEqual([name, want]);
  });

  it('records the new sizing on every ReplicaSet it scales', () => {
    const d = deployment({ replicas: 10, maxSurge: 2, maxUnavailable: 1, image: 'app:current' });
    const state = stateOf(d, [
      replicaSet({
        name: 'foo-v1',
        replicas: 3,
        image: 'app:v1',
        created: 0,
        sizedFor: { desired: 5, max: 7 },
      }),
      replicaSet({
        name: 'foo-v2',
        replicas: 2,
        image: 'app:current',
        created: 1,
        sizedFor: { desired: 5, max: 7 },
      }),
    ]);
    scaleProportionally(state);
    for (const name of ['foo-v1', 'foo-v2']) {
      expect(rsNamed(state, name).annotations).toMatchObject({
        'deployment.kubernetes.io/desired-replicas': '10',
        'deployment.kubernetes.io/max-replicas': '12',
      });
    }
  });
});

describe('isScalingEvent', () => {
  it.each([
    { name: 'sized for the current count', desired: 5, replicas: 5, rsReplicas: 3, want: false },
    { name: 'sized for another count', desired: 4, replicas: 5, rsReplicas: 3, want: true },
    { name: 'inactive ReplicaSets do not count', desired: 4, replicas: 5, rsReplicas: 0, want: false },
  ])('$name', ({ desired, replicas, rsReplicas, want }) => {
    const d = deployment({ replicas, image: 'app:v1' });
    const state = stateOf(d, [
      replicaSet({
        name: 'foo-v1',
        replicas: rsReplicas,
        image: 'app:v1',
        sizedFor: { desired, max: desired },
      }),
    ]);
    expect(isScalingEvent(state)).toBe(want);
  });
});
