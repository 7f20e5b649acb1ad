import type { Deployment, LabelSelector, Node, Pod } from '@flotilla/api';
import fc from 'fast-check';
import type { FaultStep, ScheduledFault } from './fault-schedule.js';

/** A DNS-1123 label: lower-case alphanumerics and '-', starting and ending alphanumeric. */
const arbDnsLabel = (maxLength = 20): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz'),
      fc.stringMatching(/^[a-z0-9-]*$/, { maxLength: Math.max(0, maxLength - 2) }),
      fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'),
    )
    .map(([a, mid, z]) => `${a}${mid}${z}`);

const arbLabelKey = (): fc.Arbitrary<string> =>
  fc
    .tuple(
      fc.option(fc.constantFrom('app.kubernetes.io', 'example.com', 'flotilla.dev'), { nil: undefined }),
      arbDnsLabel(12),
    )
    .map(([prefix, name]) => (prefix ? `${prefix}/${name}` : name));

const arbLabelValue = (): fc.Arbitrary<string> => fc.oneof(fc.constant(''), arbDnsLabel(12));

/** Valid label maps (qualified keys, valid values), 0 to `maxKeys` entries. */
export const arbLabels = (maxKeys = 4): fc.Arbitrary<Record<string, string>> =>
  fc.dictionary(arbLabelKey(), arbLabelValue(), { maxKeys, noNullPrototype: true });

/** Valid LabelSelector objects: `matchLabels` and `matchExpressions` with every operator. */
export const arbLabelSelector = (): fc.Arbitrary<LabelSelector> =>
  fc
    .record({
      matchLabels: arbLabels(3),
      matchExpressions: fc.array(
        fc.oneof(
          fc.record({
            key: arbLabelKey(),
            operator: fc.constantFrom('In', 'NotIn'),
            values: fc.uniqueArray(arbDnsLabel(8), { minLength: 1, maxLength: 3 }),
          }),
          fc.record({ key: arbLabelKey(), operator: fc.constantFrom('Exists', 'DoesNotExist') }),
        ),
        { maxLength: 3 },
      ),
    })
    .map(({ matchLabels, matchExpressions }) => ({
      ...(Object.keys(matchLabels).length > 0 ? { matchLabels } : {}),
      ...(matchExpressions.length > 0 ? { matchExpressions } : {}),
    }));

const arbCpu = (): fc.Arbitrary<string> => fc.integer({ min: 1, max: 2000 }).map((m) => `${m}m`);
const arbMemory = (): fc.Arbitrary<string> => fc.integer({ min: 1, max: 2048 }).map((m) => `${m}Mi`);

const arbContainer = () =>
  fc.record({
    name: arbDnsLabel(12),
    image: fc
      .tuple(arbDnsLabel(10), fc.constantFrom('v1', 'v2', 'latest', '1.0.3'))
      .map(([n, t]) => `${n}:${t}`),
    resources: fc.record({ requests: fc.record({ cpu: arbCpu(), memory: arbMemory() }) }),
  });

const arbPodSpec = () =>
  fc
    .uniqueArray(arbContainer(), { minLength: 1, maxLength: 3, selector: (c) => c.name })
    .map((containers) => ({ containers }));

/** Valid Pods (as a user writes them: no status, namespace `default`). */
export const arbPod = (): fc.Arbitrary<Pod> =>
  fc
    .record({ name: arbDnsLabel(30), labels: arbLabels(3), spec: arbPodSpec() })
    .map(({ name, labels, spec }) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default', labels },
      spec,
    }));

/**
 * Valid Deployments: a selector whose `matchLabels` the template carries, 0–10 replicas, a rolling
 * update with valid fenceposts (never both 0).
 */
export const arbDeployment = (): fc.Arbitrary<Deployment> =>
  fc
    .record({
      name: arbDnsLabel(30),
      selector: arbLabels(2).filter((l) => Object.keys(l).length > 0),
      extra: arbLabels(2),
      replicas: fc.integer({ min: 0, max: 10 }),
      surge: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom('0%', '25%', '50%')),
      unavailable: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom('0%', '25%', '50%')),
      spec: arbPodSpec(),
    })
    .filter(({ surge, unavailable }) => !(`${surge}`.startsWith('0') && `${unavailable}`.startsWith('0')))
    .map(({ name, selector, extra, replicas, surge, unavailable, spec }) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: 'default' },
      spec: {
        replicas,
        selector: { matchLabels: selector },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } },
        template: { metadata: { labels: { ...extra, ...selector } }, spec },
      },
    }));

/** Valid Nodes with capacity and allocatable (as an agent registers them). */
export const arbNode = (): fc.Arbitrary<Node> =>
  fc
    .record({
      name: arbDnsLabel(30),
      labels: arbLabels(3),
      cpu: fc.integer({ min: 1, max: 64 }),
      memoryGi: fc.integer({ min: 1, max: 256 }),
      pods: fc.integer({ min: 1, max: 250 }),
    })
    .map(({ name, labels, cpu, memoryGi, pods }) => {
      const capacity = { cpu: String(cpu), memory: `${memoryGi}Gi`, pods: String(pods) };
      return {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name, labels },
        status: { capacity, allocatable: { ...capacity } },
      };
    });

export interface FaultScheduleOptions {
  /** Faults strike within this many virtual ms (default 120 s). */
  readonly windowMs?: number;
  /** At most this many faults (default 6). */
  readonly maxFaults?: number;
  /** Which kinds to draw from (default all but `hangContainer`, which no probe-less pod recovers from). */
  readonly kinds?: readonly FaultStep['kind'][];
}

const DEFAULT_KINDS: readonly FaultStep['kind'][] = [
  'stopNode',
  'restartNode',
  'pauseHeartbeats',
  'partition',
  'crashContainer',
  'slowRuntime',
  'conflicts',
  'restartControllerManager',
];

const arbFaultStep = (kind: FaultStep['kind']): fc.Arbitrary<FaultStep> => {
  const node = fc.nat({ max: 15 });
  const forMs = fc.integer({ min: 1, max: 120 }).map((s) => s * 1000);
  switch (kind) {
    case 'stopNode':
    case 'restartNode':
      return node.map((n) => ({ kind, node: n }));
    case 'pauseHeartbeats':
    case 'partition':
      return fc.record({ node, forMs }).map((r) => ({ kind, ...r }));
    case 'crashContainer':
      return fc
        .record({ pod: fc.nat({ max: 63 }), exitCode: fc.constantFrom(1, 2, 137) })
        .map((r) => ({ kind, ...r }));
    case 'hangContainer':
      return fc.nat({ max: 63 }).map((pod) => ({ kind, pod }));
    case 'slowRuntime':
      return fc.record({ node, factor: fc.constantFrom(2, 5, 20), forMs }).map((r) => ({ kind, ...r }));
    case 'conflicts':
      return fc.record({ rate: fc.constantFrom(0.05, 0.2, 0.5), forMs }).map((r) => ({ kind, ...r }));
    case 'restartControllerManager':
      return fc.constant({ kind });
  }
};

/** Fault schedules: up to `maxFaults` faults at whole seconds within the window, sorted by time. */
export const arbFaultSchedule = (options: FaultScheduleOptions = {}): fc.Arbitrary<ScheduledFault[]> => {
  const windowS = Math.max(1, Math.floor((options.windowMs ?? 120_000) / 1000));
  const kinds = options.kinds ?? DEFAULT_KINDS;
  return fc
    .array(
      fc.record({
        at: fc.integer({ min: 0, max: windowS }).map((s) => s * 1000),
        fault: fc.constantFrom(...kinds).chain(arbFaultStep),
      }),
      { maxLength: options.maxFaults ?? 6 },
    )
    .map((steps) => [...steps].sort((a, b) => a.at - b.at));
};

/** A whole scenario: the simulation's seed and its fault schedule. */
export const arbScenario = (
  options: FaultScheduleOptions = {},
): fc.Arbitrary<{ seed: number; schedule: ScheduledFault[] }> =>
  fc.record({ seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }), schedule: arbFaultSchedule(options) });
