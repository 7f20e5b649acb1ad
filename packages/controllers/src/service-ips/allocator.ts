import { ApiError, type FieldError, fieldErrors, type Service, validate } from '@flotilla/api';
import type { Observable, Subscription } from 'rxjs';

/** Kubernetes' default service range (`--service-cluster-ip-range`). */
export const DEFAULT_SERVICE_CIDR = '10.96.0.0/12';
/** Kubernetes' default node port range (`--service-node-port-range`). */
export const DEFAULT_NODE_PORT_RANGE = '30000-32767';

export interface ServiceAllocatorOptions {
  /** IPv4 range of cluster IPs (default 10.96.0.0/12); its first address is kept for `kubernetes`. */
  readonly serviceCIDR?: string;
  /** `min-max` (default 30000-32767). */
  readonly nodePortRange?: string;
}

/** The parts of an object the allocator reads (the store's `StoreObject`). */
export interface AdmittedObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
}

/**
 * Allocates cluster IPs and node ports to Services as Kubernetes' Service storage does at create time.
 * It is an admission plugin (structurally `@flotilla/store`'s `AdmissionPlugin`): register it with
 * `store.addAdmission(allocator)`.
 */
export interface ServiceAllocator {
  readonly name: string;
  /** Fills `spec.clusterIP(s)` and node ports on CREATE and UPDATE of a v1 Service; Invalid when taken. */
  mutate(
    obj: AdmittedObject,
    operation: string,
    oldObj: AdmittedObject | undefined,
  ): AdmittedObject | undefined;
  /** A point in the allocation history, for `rebuild`. */
  mark(): number;
  /**
   * Replaces the allocation tables with what `services` hold (listed from the store), keeping the
   * allocations made after `since` (a `mark()` taken before the list), which the list may not show.
   */
  rebuild(services: readonly Service[], since?: number): void;
  /**
   * Kubernetes' repair loop: allocations older than `since` that no listed Service holds are released
   * when a second repair in a row finds them leaked (a write that failed after admission leaks its
   * allocation; one still in flight is spared by the second look). Returns how many were released.
   */
  repair(services: readonly Service[], since: number): number;
  /** Releases what a deleted Service held (an owner's later allocations are kept). */
  release(service: Service): void;
  /**
   * Follows Service changes (an informer's `events$`): records what they hold, releases what a
   * deleted or changed Service no longer holds.
   */
  observe(
    events: Observable<{ readonly type: string; readonly object: Service; readonly oldObject?: Service }>,
  ): Subscription;
  isIPAllocated(ip: string): boolean;
  isNodePortAllocated(port: number): boolean;
  readonly allocatedIPs: number;
  readonly allocatedNodePorts: number;
}

interface Allocation {
  readonly owner: string;
  readonly seq: number;
}

/** `a.b.c.d` → 32-bit number, or undefined. */
export function ipToNumber(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return (((parts[0] ?? 0) << 24) >>> 0) + ((parts[1] ?? 0) << 16) + ((parts[2] ?? 0) << 8) + (parts[3] ?? 0);
}

export function numberToIP(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** `10.96.0.0/12` → its network address and size. */
export function parseCIDR(cidr: string): { base: number; size: number } {
  const [ip, bits] = cidr.split('/');
  const base = ipToNumber(ip ?? '');
  const prefix = Number(bits);
  if (base === undefined || !Number.isInteger(prefix) || prefix < 8 || prefix > 30)
    throw new Error(`invalid service CIDR ${JSON.stringify(cidr)}: want an IPv4 a.b.c.d/n with 8 <= n <= 30`);
  const size = 2 ** (32 - prefix);
  return { base: base - (base % size), size };
}

function parseRange(range: string): { min: number; max: number } {
  const m = /^(\d+)-(\d+)$/.exec(range.trim());
  const min = Number(m?.[1]);
  const max = Number(m?.[2]);
  if (!m || min < 1 || max > 65535 || min > max)
    throw new Error(`invalid node port range ${JSON.stringify(range)}`);
  return { min, max };
}

const isService = (o: AdmittedObject | undefined): o is Service =>
  o?.apiVersion === 'v1' && o.kind === 'Service';
const keyOf = (o: AdmittedObject) => `${o.metadata?.namespace ?? 'default'}/${o.metadata?.name ?? ''}`;
const isHeadless = (s: Service) => s.spec?.clusterIP === 'None' || s.spec?.clusterIPs?.[0] === 'None';
const wantsNodePorts = (s: Service) =>
  s.spec?.type === 'NodePort' ||
  (s.spec?.type === 'LoadBalancer' && s.spec.allocateLoadBalancerNodePorts !== false);

/** The cluster IP and node ports a stored Service holds. */
function heldBy(s: Service): { ip?: string; ports: number[] } {
  const ip = s.spec?.type === 'ExternalName' || isHeadless(s) ? undefined : s.spec?.clusterIP || undefined;
  const ports = (s.spec?.ports ?? []).map((p) => p.nodePort ?? 0).filter((p) => p > 0);
  return ip ? { ip, ports } : { ports };
}

/**
 * Creates the cluster IP and node port allocator: dynamic cluster IPs from the range (never its
 * network, broadcast or first address — the last is `kubernetes`' — though the first may be asked for),
 * dynamic node ports from the port range, requested ones honoured when free. Headless and
 * ExternalName Services get no IP. Allocations are keyed by `namespace/name`.
 */
export function createServiceAllocator(options: ServiceAllocatorOptions = {}): ServiceAllocator {
  const cidrText = options.serviceCIDR ?? DEFAULT_SERVICE_CIDR;
  const cidr = parseCIDR(cidrText);
  const portRange = parseRange(options.nodePortRange ?? DEFAULT_NODE_PORT_RANGE);
  let ips = new Map<number, Allocation>();
  let ports = new Map<number, Allocation>();
  let seq = 0;
  let ipCursor = 0;
  let portCursor = 0;
  /** Allocations a repair found leaked once (`ip|port/value/seq`). */
  const suspects = new Set<string>();

  const firstDynamic = cidr.base + 2;
  const lastUsable = cidr.base + cidr.size - 2;
  const dynamicIPs = lastUsable - firstDynamic + 1;
  const portCount = portRange.max - portRange.min + 1;

  function nextIP(): number | undefined {
    for (let i = 0; i < dynamicIPs; i++) {
      const n = firstDynamic + ((ipCursor + i) % dynamicIPs);
      if (!ips.has(n)) {
        ipCursor = (ipCursor + i + 1) % dynamicIPs;
        return n;
      }
    }
    return undefined;
  }

  function nextPort(): number | undefined {
    for (let i = 0; i < portCount; i++) {
      const p = portRange.min + ((portCursor + i) % portCount);
      if (!ports.has(p)) {
        portCursor = (portCursor + i + 1) % portCount;
        return p;
      }
    }
    return undefined;
  }

  function record(s: Service) {
    const owner = keyOf(s);
    const held = heldBy(s);
    const n = held.ip ? ipToNumber(held.ip) : undefined;
    if (n !== undefined && !ips.has(n)) ips.set(n, { owner, seq: seq++ });
    for (const p of held.ports) if (!ports.has(p)) ports.set(p, { owner, seq: seq++ });
  }

  function releaseHeld(owner: string, held: { ip?: string; ports: number[] }) {
    const n = held.ip ? ipToNumber(held.ip) : undefined;
    if (n !== undefined && ips.get(n)?.owner === owner) ips.delete(n);
    for (const p of held.ports) if (ports.get(p)?.owner === owner) ports.delete(p);
  }

  function mutate(obj: AdmittedObject, operation: string, oldObj: AdmittedObject | undefined) {
    if (!isService(obj) || (operation !== 'CREATE' && operation !== 'UPDATE')) return undefined;
    const old = operation === 'UPDATE' && isService(oldObj) ? oldObj : undefined;
    const owner = keyOf(obj);
    const spec = { ...obj.spec };
    const errors: FieldError[] = [];
    const made: { ip?: number; ports: number[] } = { ports: [] };
    const type = spec.type ?? 'ClusterIP';
    if (operation === 'CREATE') {
      // The store validates after admission: allocate nothing for a Service it will refuse anyway.
      const meta = obj.metadata ?? {};
      const generateName = (meta as { generateName?: string }).generateName;
      const invalid = validate({
        ...obj,
        metadata: {
          ...meta,
          name: meta.name || `${generateName ?? ''}x`,
          namespace: meta.namespace || 'default',
        },
      });
      if (invalid.length > 0)
        throw ApiError.invalid({ group: '', kind: 'Service' }, meta.name ?? '', invalid);
    }

    if (type !== 'ExternalName' && !isHeadless(obj)) {
      const oldIP =
        old && old.spec?.type !== 'ExternalName' && !isHeadless(old) ? old.spec?.clusterIP : undefined;
      const requested = spec.clusterIP || spec.clusterIPs?.[0] || oldIP;
      if (requested) {
        const n = ipToNumber(requested);
        // A malformed IP is left to validation; a changed one is rejected there as immutable.
        if (n !== undefined && requested !== oldIP) {
          const taken = ips.get(n);
          const reason =
            n < cidr.base + 1 || n > lastUsable
              ? `the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${cidrText}`
              : taken && taken.owner !== owner
                ? 'provided IP is already allocated'
                : undefined;
          if (reason)
            errors.push(
              fieldErrors.invalid(
                'spec.clusterIPs',
                [requested],
                `failed to allocate IP ${requested}: ${reason}`,
              ),
            );
          else if (!taken) {
            ips.set(n, { owner, seq: seq++ });
            made.ip = n;
          }
        } else if (n !== undefined && !ips.has(n)) ips.set(n, { owner, seq: seq++ });
        spec.clusterIP = requested;
        if (!spec.clusterIPs?.length) spec.clusterIPs = [requested];
      } else {
        const n = nextIP();
        if (n === undefined)
          errors.push(
            fieldErrors.invalid('spec.clusterIPs', [], 'failed to allocate a service IP: range is full'),
          );
        else {
          ips.set(n, { owner, seq: seq++ });
          made.ip = n;
          spec.clusterIP = numberToIP(n);
          spec.clusterIPs = [numberToIP(n)];
        }
      }
      if (spec.clusterIP && !spec.ipFamilies?.length) spec.ipFamilies = ['IPv4'];
    } else if (isHeadless(obj) && spec.clusterIP === 'None' && !spec.clusterIPs?.length) {
      spec.clusterIPs = ['None'];
    }

    if (wantsNodePorts(obj)) {
      const oldPorts = old && wantsNodePorts(old) ? (old.spec?.ports ?? []) : [];
      spec.ports = (spec.ports ?? []).map((port, i) => {
        const previous = oldPorts.find(
          (p) => p.port === port.port && (p.protocol ?? 'TCP') === (port.protocol ?? 'TCP'),
        )?.nodePort;
        const requested = port.nodePort || previous;
        if (requested) {
          // Out of range: validation says so.
          if (requested < portRange.min || requested > portRange.max || requested === previous) {
            if (requested === previous && !ports.has(requested)) ports.set(requested, { owner, seq: seq++ });
            return requested === port.nodePort ? port : { ...port, nodePort: requested };
          }
          const taken = ports.get(requested);
          if (taken && taken.owner !== owner)
            errors.push(
              fieldErrors.invalid(
                `spec.ports[${i}].nodePort`,
                requested,
                'provided port is already allocated',
              ),
            );
          else if (!taken) {
            ports.set(requested, { owner, seq: seq++ });
            made.ports.push(requested);
          }
          return port;
        }
        const p = nextPort();
        if (p === undefined) {
          errors.push(fieldErrors.invalid(`spec.ports[${i}].nodePort`, 0, 'range is full'));
          return port;
        }
        ports.set(p, { owner, seq: seq++ });
        made.ports.push(p);
        return { ...port, nodePort: p };
      });
    }

    if (errors.length > 0) {
      if (made.ip !== undefined) ips.delete(made.ip);
      for (const p of made.ports) ports.delete(p);
      throw ApiError.invalid({ group: '', kind: 'Service' }, obj.metadata?.name ?? '', errors);
    }
    return { ...obj, spec } as Service;
  }

  return {
    name: 'service-allocator',
    mutate,
    mark: () => seq,
    rebuild(services, since) {
      const keep = (m: Map<number, Allocation>) =>
        new Map([...m].filter(([, a]) => since !== undefined && a.seq >= since));
      ips = keep(ips);
      ports = keep(ports);
      for (const s of services) record(s);
    },
    repair(services, since) {
      const held = { ips: new Set<number>(), ports: new Set<number>() };
      for (const s of services) {
        record(s);
        const h = heldBy(s);
        const n = h.ip ? ipToNumber(h.ip) : undefined;
        if (n !== undefined) held.ips.add(n);
        for (const p of h.ports) held.ports.add(p);
      }
      let released = 0;
      const sweep = (table: Map<number, Allocation>, inUse: Set<number>, kind: 'ip' | 'port') => {
        for (const [value, a] of table) {
          const id = `${kind}/${value}/${a.seq}`;
          if (inUse.has(value) || a.seq >= since) suspects.delete(id);
          else if (suspects.has(id)) {
            table.delete(value);
            suspects.delete(id);
            released++;
          } else suspects.add(id);
        }
      };
      sweep(ips, held.ips, 'ip');
      sweep(ports, held.ports, 'port');
      return released;
    },
    release(service) {
      releaseHeld(keyOf(service), heldBy(service));
    },
    observe(events) {
      return events.subscribe((e) => {
        if (e.type === 'DELETED') {
          releaseHeld(keyOf(e.object), heldBy(e.object));
          return;
        }
        if (e.oldObject && e.oldObject !== e.object) {
          const now = heldBy(e.object);
          const before = heldBy(e.oldObject);
          releaseHeld(keyOf(e.object), {
            ...(before.ip && before.ip !== now.ip ? { ip: before.ip } : {}),
            ports: before.ports.filter((p) => !now.ports.includes(p)),
          });
        }
        record(e.object);
      });
    },
    isIPAllocated: (ip) => {
      const n = ipToNumber(ip);
      return n !== undefined && ips.has(n);
    },
    isNodePortAllocated: (port) => ports.has(port),
    get allocatedIPs() {
      return ips.size;
    },
    get allocatedNodePorts() {
      return ports.size;
    },
  };
}
