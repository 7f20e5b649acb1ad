import type { Deployment, Node, Pod, ReplicaSet } from '@flotilla/api';
import type { Client } from '@flotilla/client';
import { parseRFC3339 } from '@flotilla/clock';
import { resolveFenceposts } from '@flotilla/rollout';
import { nodeInputFromNode, podRequests } from '@flotilla/scheduler';

/** What the invariants look at: every object of the kinds they read, at one virtual instant. */
export interface ClusterState {
  readonly now: number;
  readonly nodes: readonly Node[];
  readonly pods: readonly Pod[];
  readonly deployments: readonly Deployment[];
  readonly replicaSets: readonly ReplicaSet[];
}

/** One broken rule: which invariant, when (virtual epoch ms), and what exactly. */
export interface Violation {
  readonly invariant: string;
  readonly at: number;
  readonly message: string;
}

/**
 * A rule the cluster must keep. `check` runs after every step of a run ("something bad never
 * happens"); `final` once the run has settled ("something good eventually happens"). An invariant may
 * keep state between calls: make a fresh one per run (the exported factories do).
 */
export interface Invariant {
  readonly name: string;
  check?(state: ClusterState): readonly Violation[];
  final?(state: ClusterState): readonly Violation[];
}

/** Reads the state the invariants need through `client` (one list per kind). */
export async function readClusterState(client: Client, now: number): Promise<ClusterState> {
  const [nodes, pods, deployments, replicaSets] = await Promise.all([
    client.resource('v1', 'Node').list(),
    client.resource('v1', 'Pod').list(),
    client.resource('apps/v1', 'Deployment').list(),
    client.resource('apps/v1', 'ReplicaSet').list(),
  ]);
  return {
    now,
    nodes: nodes.items,
    pods: pods.items,
    deployments: deployments.items,
    replicaSets: replicaSets.items,
  };
}

/** Runs `check` (or `final`) of each invariant and collects the violations. */
export function checkInvariants(
  invariants: readonly Invariant[],
  state: ClusterState,
  phase: 'check' | 'final' = 'check',
): Violation[] {
  const out: Violation[] = [];
  for (const invariant of invariants) out.push(...(invariant[phase]?.(state) ?? []));
  return out;
}

const nameOf = (o: { metadata?: { namespace?: string; name?: string } }) =>
  o.metadata?.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : (o.metadata?.name ?? '');
const isTerminal = (p: Pod) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

/**
 * No node runs more than it has: for each node, the requests (cpu, memory) of the non-terminal pods
 * bound to it — terminating ones included, as the scheduler counts them — and their number stay
 * within its allocatable.
 */
export function noNodeOvercommitted(): Invariant {
  const name = 'no node over-committed';
  return {
    name,
    check(state) {
      const used = new Map<string, { cpu: number; memory: number; pods: number }>();
      for (const pod of state.pods) {
        const node = pod.spec?.nodeName;
        if (!node || isTerminal(pod)) continue;
        const r = podRequests(pod);
        const u = used.get(node) ?? { cpu: 0, memory: 0, pods: 0 };
        u.cpu += r.cpu ?? 0;
        u.memory += r.memory ?? 0;
        u.pods += 1;
        used.set(node, u);
      }
      const out: Violation[] = [];
      for (const node of state.nodes) {
        const u = used.get(node.metadata?.name ?? '');
        if (!u) continue;
        const a = nodeInputFromNode(node).allocatable;
        for (const resource of ['cpu', 'memory', 'pods'] as const) {
          if (u[resource] > a[resource]) {
            out.push({
              invariant: name,
              at: state.now,
              message: `node ${nameOf(node)}: ${resource} requested ${u[resource]} > allocatable ${a[resource]}`,
            });
          }
        }
      }
      return out;
    },
  };
}

export interface NotReadyNodeOptions {
  /** Pods must be gone this long after the node left Ready (default Kubernetes' 300 s). */
  readonly evictionTimeoutMs?: number;
  /** Allowance for the controller's reaction time (default 15 s). */
  readonly slackMs?: number;
}

/**
 * No pod stays on a NotReady node for longer than the eviction timeout: a pod that is bound to a node
 * whose Ready condition has not been True since `lastTransitionTime`, not terminating and not
 * tolerating `node.kubernetes.io/unreachable` forever, is a violation once `evictionTimeoutMs`
 * (+ `slackMs`) have passed since that transition.
 */
export function noPodOnNotReadyNode(options: NotReadyNodeOptions = {}): Invariant {
  const name = 'no pod on a NotReady node beyond the eviction timeout';
  const limit = (options.evictionTimeoutMs ?? 300_000) + (options.slackMs ?? 15_000);
  return {
    name,
    check(state) {
      const notReadySince = new Map<string, number>();
      for (const node of state.nodes) {
        const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
        if (!ready || ready.status === 'True') continue;
        const since = ready.lastTransitionTime ? parseRFC3339(ready.lastTransitionTime) : undefined;
        if (since !== undefined) notReadySince.set(node.metadata?.name ?? '', since);
      }
      const out: Violation[] = [];
      for (const pod of state.pods) {
        const since = notReadySince.get(pod.spec?.nodeName ?? '');
        if (since === undefined || pod.metadata?.deletionTimestamp || isTerminal(pod)) continue;
        const forever = pod.spec?.tolerations?.some(
          (t) =>
            (t.key === 'node.kubernetes.io/unreachable' || (!t.key && t.operator === 'Exists')) &&
            t.tolerationSeconds === undefined,
        );
        if (forever) continue;
        if (state.now - since > limit) {
          out.push({
            invariant: name,
            at: state.now,
            message: `pod ${nameOf(pod)} still on node ${pod.spec?.nodeName}, NotReady for ${state.now - since} ms (limit ${limit} ms)`,
          });
        }
      }
      return out;
    },
  };
}

const ownedBy = (rs: ReplicaSet, d: Deployment) =>
  rs.metadata?.namespace === d.metadata?.namespace &&
  rs.metadata?.ownerReferences?.some((r) => r.controller === true && r.uid === d.metadata?.uid);

/**
 * Rolling updates keep their surge budget: once the controller has observed a Deployment's
 * generation, the replicas its ReplicaSets ask for add up to at most `replicas + maxSurge`, and never
 * fewer than `replicas − maxUnavailable` are asked for while the Deployment wants more than zero.
 */
export function rolloutBudgetsRespected(): Invariant {
  const name = 'rollout budgets respected';
  return {
    name,
    check(state) {
      const out: Violation[] = [];
      for (const d of state.deployments) {
        if (d.spec?.strategy?.type === 'Recreate' || d.spec?.paused) continue;
        if ((d.status?.observedGeneration ?? 0) < (d.metadata?.generation ?? 0)) continue;
        const replicas = d.spec?.replicas ?? 1;
        const rolling = d.spec?.strategy?.rollingUpdate;
        const f = resolveFenceposts(rolling?.maxSurge ?? '25%', rolling?.maxUnavailable ?? '25%', replicas);
        const asked = state.replicaSets
          .filter((rs) => ownedBy(rs, d))
          .reduce((sum, rs) => sum + (rs.spec?.replicas ?? 0), 0);
        if (asked > replicas + f.maxSurge) {
          out.push({
            invariant: name,
            at: state.now,
            message: `deployment ${nameOf(d)}: ReplicaSets ask for ${asked} > replicas ${replicas} + maxSurge ${f.maxSurge}`,
          });
        }
        if (replicas > 0 && asked < replicas - f.maxUnavailable) {
          out.push({
            invariant: name,
            at: state.now,
            message: `deployment ${nameOf(d)}: ReplicaSets ask for ${asked} < replicas ${replicas} − maxUnavailable ${f.maxUnavailable}`,
          });
        }
      }
      return out;
    },
  };
}

/**
 * Every Deployment converges once faults stop: at the end of a run its status has caught up with its
 * generation and counts `replicas` updated, available pods and no others — and that many Ready pods
 * of it really exist.
 */
export function everyDeploymentConverges(): Invariant {
  const name = 'every Deployment converges';
  return {
    name,
    final(state) {
      const out: Violation[] = [];
      for (const d of state.deployments) {
        const replicas = d.spec?.replicas ?? 1;
        const s = d.status ?? {};
        const newest = state.replicaSets
          .filter((rs) => ownedBy(rs, d))
          .sort(
            (a, b) =>
              Number(b.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? 0) -
              Number(a.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? 0),
          )[0];
        const ready = state.pods.filter(
          (p) =>
            !p.metadata?.deletionTimestamp &&
            p.metadata?.ownerReferences?.some((r) => r.uid === newest?.metadata?.uid) &&
            p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'),
        ).length;
        const problems = [
          ...((s.observedGeneration ?? 0) < (d.metadata?.generation ?? 0) ? ['generation not observed'] : []),
          ...((s.updatedReplicas ?? 0) !== replicas ? [`updatedReplicas ${s.updatedReplicas ?? 0}`] : []),
          ...((s.replicas ?? 0) !== replicas ? [`replicas ${s.replicas ?? 0}`] : []),
          ...((s.availableReplicas ?? 0) !== replicas
            ? [`availableReplicas ${s.availableReplicas ?? 0}`]
            : []),
          ...(ready !== replicas ? [`${ready} ready pods of the newest ReplicaSet`] : []),
        ];
        if (problems.length > 0) {
          out.push({
            invariant: name,
            at: state.now,
            message: `deployment ${nameOf(d)} (replicas ${replicas}) did not converge: ${problems.join(', ')}`,
          });
        }
      }
      return out;
    },
  };
}

/** The four invariants above, fresh. */
export function standardInvariants(options: NotReadyNodeOptions = {}): Invariant[] {
  return [
    noNodeOvercommitted(),
    noPodOnNotReadyNode(options),
    rolloutBudgetsRespected(),
    everyDeploymentConverges(),
  ];
}
