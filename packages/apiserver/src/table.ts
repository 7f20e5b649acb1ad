/**
 * Server-side printing: `meta.k8s.io/v1` Tables with the columns `kubectl get` shows against Kubernetes
 * (pods, deployments, replicasets, services, nodes, namespaces, events, endpoints), `NAME AGE` for
 * everything else. Ages are computed from the injected clock, in Kubernetes' `HumanDuration` format.
 */
import { parseRFC3339 } from '@flotilla/clock';
import { type LabelSelector, selectorFromLabelSelector } from '@flotilla/labels';
import type { StoreObject } from '@flotilla/store';

export interface ColumnDefinition {
  readonly name: string;
  readonly type: string;
  readonly format: string;
  readonly description: string;
  readonly priority: number;
}

// biome-ignore lint/suspicious/noExplicitAny: printers read untyped JSON, every access is optional-chained
type Any = Record<string, any>;

const col = (name: string, type = 'string', priority = 0, format = ''): ColumnDefinition => ({
  name,
  type,
  format,
  description: `${name} column`,
  priority,
});
const NAME = col('Name', 'string', 0, 'name');
const AGE = col('Age');

/** Kubernetes' `duration.HumanDuration`. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365;
    const y = Math.trunc(hours / 24 / 365);
    return dy === 0 ? `${y}y` : `${y}y${dy}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

function age(timestamp: unknown, now: number): string {
  if (typeof timestamp !== 'string') return '<unknown>';
  const t = parseRFC3339(timestamp);
  return t === undefined ? '<unknown>' : humanDuration(now - t);
}

function selectorText(selector: unknown): string {
  if (selector === undefined || selector === null) return '<none>';
  try {
    const text = selectorFromLabelSelector(selector as LabelSelector).toString();
    return text === '' ? '<none>' : text;
  } catch {
    return '<invalid>';
  }
}

function containerColumns(spec: Any | undefined): [string, string] {
  const containers: Any[] = spec?.containers ?? [];
  return [containers.map((c) => c.name).join(','), containers.map((c) => c.image).join(',')];
}

function podStatus(pod: Any): string {
  let reason: string = pod.status?.reason ?? pod.status?.phase ?? 'Pending';
  const statuses: Any[] = pod.status?.containerStatuses ?? [];
  const initStatuses: Any[] = pod.status?.initContainerStatuses ?? [];
  const initCount = pod.spec?.initContainers?.length ?? 0;
  let initializing = false;
  for (const [i, c] of initStatuses.entries()) {
    const term = c.state?.terminated;
    if (term && term.exitCode === 0) continue;
    initializing = true;
    if (term) reason = term.reason ? `Init:${term.reason}` : `Init:ExitCode:${term.exitCode}`;
    else if (c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing')
      reason = `Init:${c.state.waiting.reason}`;
    else reason = `Init:${i}/${initCount}`;
    break;
  }
  if (!initializing) {
    let hasRunning = false;
    for (const c of [...statuses].reverse()) {
      const st = c.state ?? {};
      if (st.waiting?.reason) reason = st.waiting.reason;
      else if (st.terminated?.reason) reason = st.terminated.reason;
      else if (st.terminated)
        reason = st.terminated.signal
          ? `Signal:${st.terminated.signal}`
          : `ExitCode:${st.terminated.exitCode}`;
      else if (c.ready && st.running) hasRunning = true;
    }
    if (reason === 'Completed' && hasRunning) {
      const ready = (pod.status?.conditions ?? []).some(
        (c: Any) => c.type === 'Ready' && c.status === 'True',
      );
      reason = ready ? 'Running' : 'NotReady';
    }
  }
  if (pod.metadata?.deletionTimestamp) reason = pod.status?.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  return reason;
}

function podRestarts(pod: Any, now: number): string {
  let restarts = 0;
  let last: number | undefined;
  for (const c of (pod.status?.containerStatuses ?? []) as Any[]) {
    restarts += c.restartCount ?? 0;
    const finished = c.lastState?.terminated?.finishedAt;
    const t = typeof finished === 'string' ? parseRFC3339(finished) : undefined;
    if (t !== undefined && (last === undefined || t > last)) last = t;
  }
  return restarts > 0 && last !== undefined
    ? `${restarts} (${humanDuration(now - last)} ago)`
    : String(restarts);
}

interface Printer {
  readonly columns: readonly ColumnDefinition[];
  cells(obj: Any, now: number): unknown[];
}

const printers: Record<string, Printer> = {
  'v1/Pod': {
    columns: [
      NAME,
      col('Ready'),
      col('Status'),
      col('Restarts'),
      AGE,
      col('IP', 'string', 1),
      col('Node', 'string', 1),
      col('Nominated Node', 'string', 1),
      col('Readiness Gates', 'string', 1),
    ],
    cells: (p, now) => {
      const statuses: Any[] = p.status?.containerStatuses ?? [];
      const total = p.spec?.containers?.length ?? 0;
      const ready = statuses.filter((c) => c.ready).length;
      const gates: Any[] = p.spec?.readinessGates ?? [];
      return [
        p.metadata?.name,
        `${ready}/${total}`,
        podStatus(p),
        podRestarts(p, now),
        age(p.metadata?.creationTimestamp, now),
        p.status?.podIP || '<none>',
        p.spec?.nodeName || '<none>',
        p.status?.nominatedNodeName || '<none>',
        gates.length ? `0/${gates.length}` : '<none>',
      ];
    },
  },
  'apps/v1/Deployment': {
    columns: [
      NAME,
      col('Ready'),
      col('Up-to-date', 'integer'),
      col('Available', 'integer'),
      AGE,
      col('Containers', 'string', 1),
      col('Images', 'string', 1),
      col('Selector', 'string', 1),
    ],
    cells: (d, now) => [
      d.metadata?.name,
      `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 0}`,
      d.status?.updatedReplicas ?? 0,
      d.status?.availableReplicas ?? 0,
      age(d.metadata?.creationTimestamp, now),
      ...containerColumns(d.spec?.template?.spec),
      selectorText(d.spec?.selector),
    ],
  },
  'apps/v1/ReplicaSet': {
    columns: [
      NAME,
      col('Desired', 'integer'),
      col('Current', 'integer'),
      col('Ready', 'integer'),
      AGE,
      col('Containers', 'string', 1),
      col('Images', 'string', 1),
      col('Selector', 'string', 1),
    ],
    cells: (r, now) => [
      r.metadata?.name,
      r.spec?.replicas ?? 0,
      r.status?.replicas ?? 0,
      r.status?.readyReplicas ?? 0,
      age(r.metadata?.creationTimestamp, now),
      ...containerColumns(r.spec?.template?.spec),
      selectorText(r.spec?.selector),
    ],
  },
  'v1/Service': {
    columns: [
      NAME,
      col('Type'),
      col('Cluster-IP'),
      col('External-IP'),
      col('Port(s)'),
      AGE,
      col('Selector', 'string', 1),
    ],
    cells: (s, now) => {
      const type: string = s.spec?.type ?? 'ClusterIP';
      const ports: Any[] = s.spec?.ports ?? [];
      const external: string[] = [
        ...((s.status?.loadBalancer?.ingress ?? []) as Any[]).map((i) => i.ip ?? i.hostname),
        ...((s.spec?.externalIPs ?? []) as string[]),
      ];
      const externalText =
        type === 'ExternalName'
          ? (s.spec?.externalName ?? '<none>')
          : external.length
            ? external.join(',')
            : type === 'LoadBalancer'
              ? '<pending>'
              : '<none>';
      const selector = Object.entries((s.spec?.selector ?? {}) as Record<string, string>)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      return [
        s.metadata?.name,
        type,
        s.spec?.clusterIP || '<none>',
        externalText,
        ports.length
          ? ports
              .map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`)
              .join(',')
          : '<none>',
        age(s.metadata?.creationTimestamp, now),
        selector || '<none>',
      ];
    },
  },
  'v1/Node': {
    columns: [
      NAME,
      col('Status'),
      col('Roles'),
      AGE,
      col('Version'),
      col('Internal-IP', 'string', 1),
      col('External-IP', 'string', 1),
      col('OS-Image', 'string', 1),
      col('Kernel-Version', 'string', 1),
      col('Container-Runtime', 'string', 1),
    ],
    cells: (n, now) => {
      const ready = ((n.status?.conditions ?? []) as Any[]).find((c) => c.type === 'Ready');
      let status =
        ready === undefined
          ? 'Unknown'
          : ready.status === 'True'
            ? 'Ready'
            : ready.status === 'False'
              ? 'NotReady'
              : 'Unknown';
      if (n.spec?.unschedulable) status += ',SchedulingDisabled';
      const roles = Object.keys((n.metadata?.labels ?? {}) as Record<string, string>)
        .filter((k) => k.startsWith('node-role.kubernetes.io/'))
        .map((k) => k.slice('node-role.kubernetes.io/'.length))
        .filter((r) => r !== '')
        .sort();
      const address = (type: string) =>
        ((n.status?.addresses ?? []) as Any[]).find((a) => a.type === type)?.address ?? '<none>';
      const info: Any = n.status?.nodeInfo ?? {};
      return [
        n.metadata?.name,
        status,
        roles.length ? roles.join(',') : '<none>',
        age(n.metadata?.creationTimestamp, now),
        info.kubeletVersion || '<none>',
        address('InternalIP'),
        address('ExternalIP'),
        info.osImage || '<unknown>',
        info.kernelVersion || '<unknown>',
        info.containerRuntimeVersion || '<unknown>',
      ];
    },
  },
  'v1/Namespace': {
    columns: [NAME, col('Status'), AGE],
    cells: (n, now) => [
      n.metadata?.name,
      n.status?.phase ?? 'Active',
      age(n.metadata?.creationTimestamp, now),
    ],
  },
  'v1/Event': {
    columns: [col('Last Seen'), col('Type'), col('Reason'), col('Object'), col('Message')],
    cells: (e, now) => {
      const last =
        e.series?.lastObservedTime ??
        e.lastTimestamp ??
        e.eventTime ??
        e.firstTimestamp ??
        e.metadata?.creationTimestamp;
      const io: Any = e.involvedObject ?? {};
      return [
        age(typeof last === 'string' ? last.replace(/\.\d+Z$/, 'Z') : last, now),
        e.type ?? '',
        e.reason ?? '',
        `${String(io.kind ?? '').toLowerCase()}/${io.name ?? ''}`,
        String(e.message ?? '').trim(),
      ];
    },
  },
  'v1/Endpoints': {
    columns: [NAME, col('Endpoints'), AGE],
    cells: (e, now) => {
      const list: string[] = [];
      for (const s of (e.subsets ?? []) as Any[]) {
        for (const a of (s.addresses ?? []) as Any[]) {
          const ports: Any[] = s.ports ?? [];
          if (ports.length === 0) list.push(a.ip);
          for (const p of ports) list.push(`${a.ip}:${p.port}`);
        }
      }
      const text =
        list.length > 3 ? `${list.slice(0, 3).join(',')} + ${list.length - 3} more...` : list.join(',');
      return [e.metadata?.name, text || '<none>', age(e.metadata?.creationTimestamp, now)];
    },
  },
};

const defaultPrinter: Printer = {
  columns: [NAME, AGE],
  cells: (o, now) => [o.metadata?.name, age(o.metadata?.creationTimestamp, now)],
};

function printerFor(obj: { apiVersion?: string; kind?: string }): Printer {
  return printers[`${obj.apiVersion}/${obj.kind}`] ?? defaultPrinter;
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

function row(obj: StoreObject, printer: Printer, now: number, include: IncludeObject) {
  const object =
    include === 'Object'
      ? obj
      : include === 'Metadata'
        ? { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata ?? {} }
        : undefined;
  return { cells: printer.cells(obj as Any, now), ...(object === undefined ? {} : { object }) };
}

/**
 * A Table of `items` (all of one kind, described by `type`). `listMeta` is the list's metadata
 * (resourceVersion, continue).
 */
export function toTable(
  type: { apiVersion: string; kind: string },
  items: readonly StoreObject[],
  listMeta: Record<string, unknown>,
  now: number,
  include: IncludeObject,
  withColumns = true,
) {
  const printer = printerFor(type);
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: listMeta,
    columnDefinitions: withColumns ? printer.columns : null,
    rows: items.map((o) => row(o, printer, now, include)),
  };
}
