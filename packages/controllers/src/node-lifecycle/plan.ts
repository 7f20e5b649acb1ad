import type { Lease, Node, NodeCondition, NodeStatus, Pod, Taint, Toleration } from '@flotilla/api';
import { parseRFC3339, toRFC3339 } from '@flotilla/clock';

/** Taint key Kubernetes puts on a node whose agent stopped reporting. */
export const TAINT_NODE_UNREACHABLE = 'node.kubernetes.io/unreachable';
/** Kubernetes' `--node-monitor-grace-period`: a node is NotReady (Unknown) this long after its last heartbeat. */
export const DEFAULT_NODE_MONITOR_GRACE_MS = 40_000;
/** `DefaultTolerationSeconds` (300 s): pods leave an unreachable node this long after it was tainted. */
export const DEFAULT_EVICTION_TIMEOUT_MS = 300_000;

export interface NodeLifecyclePlanOptions {
  readonly now: number;
  readonly gracePeriodMs?: number;
  readonly evictionTimeoutMs?: number;
}

export type NodeLifecycleAction =
  /** Ready (and the agent's other conditions) become Unknown: "Kubelet stopped posting node status." */
  | { readonly type: 'markUnknown'; readonly resourceVersion: string; readonly status: NodeStatus }
  /** Replaces `spec.taints` (adds or removes the unreachable taints). */
  | { readonly type: 'setTaints'; readonly resourceVersion: string; readonly taints: Taint[] }
  /** Deletes a pod that does not tolerate the unreachable taint for long enough. */
  | { readonly type: 'evictPod'; readonly namespace: string; readonly name: string; readonly uid: string }
  /**
   * Kubernetes' `MarkPodsNotReady`: the pod's Ready condition becomes False (its reason and message
   * kept, `lastTransitionTime` now) so that endpoints drop it; `pod` is the pod with that status.
   */
  | { readonly type: 'markPodNotReady'; readonly pod: Pod };

export interface NodeLifecyclePlan {
  readonly actions: readonly NodeLifecycleAction[];
  /** When to look again (a heartbeat deadline or an eviction deadline). */
  readonly requeueAfter?: number;
}

const ready = (node: Node): NodeCondition | undefined =>
  node.status?.conditions?.find((c) => c.type === 'Ready');

/** The last time the node was heard of: its Lease's renewTime, else Ready's heartbeat, else creation. */
export function lastHeartbeat(node: Node, lease: Lease | undefined): number {
  const times = [
    lease?.spec?.renewTime,
    ready(node)?.lastHeartbeatTime,
    node.metadata?.creationTimestamp,
  ].map((t) => (t ? parseRFC3339(t) : undefined));
  return Math.max(0, ...times.filter((t): t is number => t !== undefined));
}

const isUnreachable = (t: Taint) => t.key === TAINT_NODE_UNREACHABLE;

function tolerationFor(pod: Pod): Toleration | undefined {
  return pod.spec?.tolerations?.find(
    (t) =>
      (t.key === TAINT_NODE_UNREACHABLE || ((t.key ?? '') === '' && t.operator === 'Exists')) &&
      ((t.effect ?? '') === '' || t.effect === 'NoExecute'),
  );
}

/**
 * Kubernetes' node lifecycle controller for one node, as a pure decision (`node_lifecycle_controller.go`
 * with taint-based eviction):
 * - no heartbeat (Lease renewal) for `gracePeriodMs` → Ready becomes Unknown and the node gets the
 *   `node.kubernetes.io/unreachable` NoSchedule and NoExecute taints;
 * - once Ready is Unknown, every pod on the node that was Ready before is marked not Ready
 *   (`MarkPodsNotReady`: Ready=False; a pod its agent reported Ready again since is left alone);
 * - a pod on a tainted node is evicted (deleted) `evictionTimeoutMs` after the taint was added, or after
 *   its own `tolerationSeconds`; a pod tolerating the taint without `tolerationSeconds` stays;
 * - once heartbeats are back and the agent reports Ready again, the taints are removed.
 */
export function planNodeLifecycle(
  node: Node,
  lease: Lease | undefined,
  pods: readonly Pod[],
  options: NodeLifecyclePlanOptions,
): NodeLifecyclePlan {
  const { now } = options;
  const grace = options.gracePeriodMs ?? DEFAULT_NODE_MONITOR_GRACE_MS;
  const timeout = options.evictionTimeoutMs ?? DEFAULT_EVICTION_TIMEOUT_MS;
  const rv = node.metadata?.resourceVersion ?? '';
  const taints = node.spec?.taints ?? [];
  const tainted = taints.filter(isUnreachable);
  const last = lastHeartbeat(node, lease);
  const actions: NodeLifecycleAction[] = [];

  if (now - last < grace) {
    // Reachable. The taints go once the agent says Ready again (it rewrites its conditions itself).
    if (tainted.length > 0 && ready(node)?.status === 'True') {
      actions.push({
        type: 'setTaints',
        resourceVersion: rv,
        taints: taints.filter((t) => !isUnreachable(t)),
      });
    }
    return { actions, requeueAfter: Math.max(1, last + grace - now) };
  }

  const stamp = toRFC3339(now);
  if (ready(node)?.status !== 'Unknown') {
    const conditions = (node.status?.conditions ?? []).map((c) =>
      c.status === 'Unknown'
        ? c
        : {
            ...c,
            status: 'Unknown',
            reason: 'NodeStatusUnknown',
            message: 'Kubelet stopped posting node status.',
            lastTransitionTime: stamp,
          },
    );
    actions.push({ type: 'markUnknown', resourceVersion: rv, status: { ...node.status, conditions } });
    // The pods and the taints follow on the next pass, against the resourceVersion this write produces.
    return { actions, requeueAfter: 1 };
  }
  const unknownSince = parseRFC3339(ready(node)?.lastTransitionTime ?? '') ?? now;
  for (const pod of pods) {
    const podReady = pod.status?.conditions?.find((c) => c.type === 'Ready');
    if (podReady?.status !== 'True') continue;
    // Ready since before the node went Unknown (not re-reported by a live agent since).
    if ((parseRFC3339(podReady.lastTransitionTime ?? '') ?? 0) >= unknownSince) continue;
    const conditions = (pod.status?.conditions ?? []).map((c) =>
      c.type === 'Ready' ? { ...c, status: 'False', lastTransitionTime: stamp } : c,
    );
    actions.push({ type: 'markPodNotReady', pod: { ...pod, status: { ...pod.status, conditions } } });
  }
  if (tainted.length < 2) {
    actions.push({
      type: 'setTaints',
      resourceVersion: rv,
      taints: [
        ...taints.filter((t) => !isUnreachable(t)),
        { key: TAINT_NODE_UNREACHABLE, effect: 'NoSchedule', timeAdded: stamp },
        { key: TAINT_NODE_UNREACHABLE, effect: 'NoExecute', timeAdded: stamp },
      ],
    });
    return { actions, requeueAfter: 1 };
  }

  const noExecute = tainted.find((t) => t.effect === 'NoExecute');
  const since = (noExecute?.timeAdded && parseRFC3339(noExecute.timeAdded)) || now;
  let next: number | undefined;
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp) continue;
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') continue;
    const toleration = tolerationFor(pod);
    if (toleration && toleration.tolerationSeconds === undefined) continue;
    const deadline = since + (toleration ? Math.max(0, toleration.tolerationSeconds ?? 0) * 1000 : timeout);
    if (now >= deadline) {
      actions.push({
        type: 'evictPod',
        namespace: pod.metadata?.namespace ?? '',
        name: pod.metadata?.name ?? '',
        uid: pod.metadata?.uid ?? '',
      });
    } else {
      next = Math.min(next ?? Number.POSITIVE_INFINITY, deadline - now);
    }
  }
  return next === undefined ? { actions } : { actions, requeueAfter: next };
}
