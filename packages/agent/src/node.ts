import type { Lease, Node, NodeCondition, NodeStatus, Taint } from '@flotilla/api';
import { toRFC3339, toRFC3339Micro } from '@flotilla/clock';

/** The namespace of node heartbeat Leases. */
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
/** What this agent reports as `nodeInfo.kubeletVersion`. */
export const AGENT_VERSION = 'v1.31.0-flotilla';

export interface NodeCapacity {
  readonly cpu: string;
  readonly memory: string;
  readonly pods: string;
}

export const DEFAULT_CAPACITY: NodeCapacity = { cpu: '4', memory: '8Gi', pods: '110' };

export interface NodeDescription {
  readonly nodeName: string;
  readonly capacity: NodeCapacity;
  /** Extra labels; `kubernetes.io/hostname`, `kubernetes.io/os` and `kubernetes.io/arch` are always set. */
  readonly labels?: Readonly<Record<string, string>>;
  readonly taints?: readonly Taint[];
  /** `InternalIP` address and every pod's `hostIP`. */
  readonly address: string;
  /** The runtime's name, for `nodeInfo.containerRuntimeVersion`. */
  readonly runtimeName: string;
}

const CONDITIONS: readonly Omit<NodeCondition, 'lastHeartbeatTime' | 'lastTransitionTime'>[] = [
  {
    type: 'MemoryPressure',
    status: 'False',
    reason: 'KubeletHasSufficientMemory',
    message: 'kubelet has sufficient memory available',
  },
  {
    type: 'DiskPressure',
    status: 'False',
    reason: 'KubeletHasNoDiskPressure',
    message: 'kubelet has no disk pressure',
  },
  {
    type: 'PIDPressure',
    status: 'False',
    reason: 'KubeletHasSufficientPID',
    message: 'kubelet has sufficient PID available',
  },
  { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
];

/** The kubelet's node conditions with `lastHeartbeatTime` = now; transitions keep their time. */
export function nodeConditions(now: number, existing: readonly NodeCondition[] = []): NodeCondition[] {
  const stamp = toRFC3339(now);
  const ours = CONDITIONS.map((c) => {
    const old = existing.find((e) => e.type === c.type);
    const lastTransitionTime =
      old?.status === c.status && old.lastTransitionTime ? old.lastTransitionTime : stamp;
    return { ...c, lastHeartbeatTime: stamp, lastTransitionTime };
  });
  const types = new Set(CONDITIONS.map((c) => c.type));
  return [...ours, ...existing.filter((e) => !types.has(e.type))];
}

function stableId(text: string): string {
  // FNV-1a, spread to 32 hex digits: a machine id that stays the same for the same node name.
  let out = '';
  for (let round = 0; round < 4; round++) {
    let h = 0x811c9dc5 ^ round;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    out += h.toString(16).padStart(8, '0');
  }
  return out;
}

/** The node's status as the agent reports it at registration and on every status update. */
export function nodeStatus(desc: NodeDescription, now: number, existing?: NodeStatus): NodeStatus {
  const id = stableId(desc.nodeName);
  const capacity = { cpu: desc.capacity.cpu, memory: desc.capacity.memory, pods: desc.capacity.pods };
  return {
    ...existing,
    capacity,
    allocatable: { ...capacity },
    conditions: nodeConditions(now, existing?.conditions),
    addresses: [
      { type: 'InternalIP', address: desc.address },
      { type: 'Hostname', address: desc.nodeName },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: id,
      systemUUID: `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20, 32)}`,
      bootID: id,
      kernelVersion: '',
      osImage: 'Flotilla',
      containerRuntimeVersion: `${desc.runtimeName}://0.1.0`,
      kubeletVersion: AGENT_VERSION,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: 'amd64',
    },
  };
}

/** The Node object the agent registers. */
export function nodeObject(desc: NodeDescription, now: number): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: desc.nodeName,
      labels: {
        'kubernetes.io/hostname': desc.nodeName,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        ...desc.labels,
      },
    },
    spec: desc.taints && desc.taints.length > 0 ? { taints: desc.taints.map((t) => ({ ...t })) } : {},
    status: nodeStatus(desc, now),
  };
}

/** The node's heartbeat Lease (`coordination.k8s.io/v1`, namespace `kube-node-lease`), owned by the Node. */
export function leaseObject(
  nodeName: string,
  leaseDurationSeconds: number,
  now: number,
  owner?: { readonly uid: string },
): Lease {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: nodeName,
      namespace: NODE_LEASE_NAMESPACE,
      ...(owner
        ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: owner.uid }] }
        : {}),
    },
    spec: { holderIdentity: nodeName, leaseDurationSeconds, renewTime: toRFC3339Micro(now) },
  };
}
