import { ApiError, type Service } from '@flotilla/api';
import fc from 'fast-check';
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createServiceAllocator, ipToNumber, numberToIP, parseCIDR } from './allocator.js';

const svc = (name: string, spec: Service['spec'] = {}): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default' },
  spec: { type: 'ClusterIP', ports: [{ port: 80, protocol: 'TCP' }], ...spec },
});

const create = (a: ReturnType<typeof createServiceAllocator>, s: Service) =>
  a.mutate(s, 'CREATE', undefined) as Service;

function invalidMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return (error as ApiError).message;
  }
  throw new Error('expected an Invalid error');
}

describe('CIDR helpers', () => {
  it.each([
    ['10.96.0.0/12', 0x0a600000, 2 ** 20],
    ['10.96.3.7/12', 0x0a600000, 2 ** 20],
    ['192.168.1.0/24', 0xc0a80100, 256],
  ])('%s', (cidr, base, size) => {
    expect(parseCIDR(cidr)).toEqual({ base, size });
  });
  it.each(['10.96.0.0', '10.96.0.0/31', 'x/12', '300.1.1.1/12'])('rejects %s', (cidr) => {
    expect(() => parseCIDR(cidr)).toThrow(/invalid service CIDR/);
  });
  it('ip ↔ number round-trips', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), (n) => ipToNumber(numberToIP(n)) === n),
      { numRuns: 200 },
    );
    expect(ipToNumber('10.96.0.256')).toBeUndefined();
  });
});

describe('createServiceAllocator', () => {
  it('gives ClusterIP services unique IPs from 10.96.0.2 on, keeping 10.96.0.1 for kubernetes', () => {
    const a = createServiceAllocator();
    const ips = ['a', 'b', 'c'].map((n) => create(a, svc(n)).spec?.clusterIP);
    expect(ips).toEqual(['10.96.0.2', '10.96.0.3', '10.96.0.4']);
    const kubernetes = create(a, svc('kubernetes', { clusterIP: '10.96.0.1' }));
    expect(kubernetes.spec).toMatchObject({
      clusterIP: '10.96.0.1',
      clusterIPs: ['10.96.0.1'],
      ipFamilies: ['IPv4'],
    });
    expect(a.allocatedIPs).toBe(4);
  });

  it('gives headless and ExternalName services no IP', () => {
    const a = createServiceAllocator();
    expect(create(a, svc('h', { clusterIP: 'None' })).spec).toMatchObject({
      clusterIP: 'None',
      clusterIPs: ['None'],
    });
    const ext = create(a, { ...svc('e'), spec: { type: 'ExternalName', externalName: 'example.com' } });
    expect(ext.spec?.clusterIP).toBeUndefined();
    expect(a.allocatedIPs).toBe(0);
    expect(
      a.mutate({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } }, 'CREATE', undefined),
    ).toBeUndefined();
  });

  it('honours a requested IP when free, with Kubernetes’ message when not', () => {
    const a = createServiceAllocator();
    expect(create(a, svc('a', { clusterIP: '10.96.0.5' })).spec?.clusterIP).toBe('10.96.0.5');
    expect(invalidMessage(() => create(a, svc('b', { clusterIPs: ['10.96.0.5'] })))).toBe(
      'Service "b" is invalid: spec.clusterIPs: Invalid value: ["10.96.0.5"]: failed to allocate IP 10.96.0.5: provided IP is already allocated',
    );
    expect(invalidMessage(() => create(a, svc('c', { clusterIP: '10.0.0.9' })))).toContain(
      'failed to allocate IP 10.0.0.9: the provided IP (10.0.0.9) is not in the valid range. The range of valid IPs is 10.96.0.0/12',
    );
  });

  it('allocates node ports for NodePort and LoadBalancer services, honouring requested ones', () => {
    const a = createServiceAllocator({ nodePortRange: '30000-30002' });
    const np = create(
      a,
      svc('np', {
        type: 'NodePort',
        ports: [
          { name: 'http', port: 80 },
          { name: 'https', port: 443, nodePort: 30001 },
        ],
      }),
    );
    expect(np.spec?.ports?.map((p) => p.nodePort)).toEqual([30000, 30001]);
    const lb = create(a, svc('lb', { type: 'LoadBalancer' }));
    expect(lb.spec?.ports?.[0]?.nodePort).toBe(30002);
    const noPorts = create(a, svc('lb2', { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false }));
    expect(noPorts.spec?.ports?.[0]?.nodePort).toBeUndefined();
    expect(
      invalidMessage(() => create(a, svc('x', { type: 'NodePort', ports: [{ port: 80, nodePort: 30001 }] }))),
    ).toBe(
      'Service "x" is invalid: spec.ports[0].nodePort: Invalid value: 30001: provided port is already allocated',
    );
    expect(invalidMessage(() => create(a, svc('y', { type: 'NodePort' })))).toContain('range is full');
    // A failed request leaves nothing allocated.
    expect(a.allocatedIPs).toBe(3);
  });

  it('keeps what an update does not mention, and lets an update add node ports', () => {
    const a = createServiceAllocator();
    const first = create(a, svc('a'));
    const again = a.mutate(svc('a', { type: 'NodePort' }), 'UPDATE', first) as Service;
    expect(again.spec?.clusterIP).toBe(first.spec?.clusterIP);
    expect(again.spec?.ports?.[0]?.nodePort).toBe(30000);
    const third = a.mutate(svc('a', { type: 'NodePort' }), 'UPDATE', again) as Service;
    expect(third.spec?.ports?.[0]?.nodePort).toBe(30000);
    expect([a.allocatedIPs, a.allocatedNodePorts]).toEqual([1, 1]);
  });

  it('releases on deletion and on observed changes; rebuild restores the tables from stored services', () => {
    const a = createServiceAllocator();
    create(a, svc('first'));
    const s = create(a, svc('a', { type: 'NodePort' }));
    const events = new Subject<{ type: string; object: Service; oldObject?: Service }>();
    const sub = a.observe(events);
    const asClusterIP: Service = {
      ...s,
      spec: { ...s.spec, type: 'ClusterIP', ports: [{ port: 80, protocol: 'TCP' }] },
    };
    events.next({ type: 'MODIFIED', object: asClusterIP, oldObject: s });
    expect([a.allocatedIPs, a.allocatedNodePorts]).toEqual([2, 0]);
    events.next({ type: 'DELETED', object: asClusterIP });
    expect([a.allocatedIPs, a.allocatedNodePorts]).toEqual([1, 0]);
    sub.unsubscribe();

    const restarted = createServiceAllocator();
    const mark = restarted.mark();
    const inFlight = create(restarted, svc('new'));
    restarted.rebuild([s], mark);
    expect(restarted.isIPAllocated(s.spec?.clusterIP ?? '')).toBe(true);
    expect(restarted.isNodePortAllocated(s.spec?.ports?.[0]?.nodePort ?? 0)).toBe(true);
    expect(restarted.isIPAllocated(inFlight.spec?.clusterIP ?? '')).toBe(true);
    restarted.rebuild([s]);
    expect(restarted.isIPAllocated(inFlight.spec?.clusterIP ?? '')).toBe(false);
    // The rebuilt tables never hand out what a stored service holds.
    expect(create(restarted, svc('b')).spec?.clusterIP).not.toBe(s.spec?.clusterIP);
  });

  it('never hands out one IP twice (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 60 }), (ops) => {
        const a = createServiceAllocator({ serviceCIDR: '10.0.0.0/27' });
        const live: Service[] = [];
        ops.forEach((add, i) => {
          if (add || live.length === 0) {
            try {
              live.push(create(a, svc(`s${i}`)));
            } catch {
              expect(live.length).toBe(29); // /27: 32 − network, broadcast, first
            }
          } else a.release(live.shift() as Service);
        });
        const ips = live.map((s) => s.spec?.clusterIP);
        expect(new Set(ips).size).toBe(ips.length);
        expect(a.allocatedIPs).toBe(ips.length);
      }),
      { numRuns: 50 },
    );
  });
});

describe('repair', () => {
  it('releases an allocation whose write never happened, on the second pass that sees it unused', () => {
    const a = createServiceAllocator();
    const stored = create(a, svc('stored', { type: 'NodePort' }));
    const ghost = create(a, svc('ghost', { type: 'NodePort' })); // its write failed: never stored
    const first = a.mark();
    const inFlight = create(a, svc('in-flight')); // allocated after the mark: spared
    expect(a.repair([stored], first)).toBe(0);
    expect(a.isIPAllocated(ghost.spec?.clusterIP ?? '')).toBe(true);
    const second = a.mark();
    expect(a.repair([stored], second)).toBe(2); // ghost's IP and node port
    expect(a.isIPAllocated(ghost.spec?.clusterIP ?? '')).toBe(false);
    expect(a.isNodePortAllocated(ghost.spec?.ports?.[0]?.nodePort ?? 0)).toBe(false);
    // In flight at the first pass: only suspected by the second, released by the third.
    expect(a.isIPAllocated(inFlight.spec?.clusterIP ?? '')).toBe(true);
    expect(a.repair([stored], a.mark())).toBe(1);
    expect(a.isIPAllocated(inFlight.spec?.clusterIP ?? '')).toBe(false);
    expect(a.isIPAllocated(stored.spec?.clusterIP ?? '')).toBe(true);
    expect(a.isNodePortAllocated(stored.spec?.ports?.[0]?.nodePort ?? 0)).toBe(true);
  });

  it('a Service that shows up between two passes is not released', () => {
    const a = createServiceAllocator();
    const late = create(a, svc('late'));
    expect(a.repair([], a.mark())).toBe(0);
    expect(a.repair([late], a.mark())).toBe(0);
    expect(a.repair([late], a.mark())).toBe(0);
    expect(a.isIPAllocated(late.spec?.clusterIP ?? '')).toBe(true);
  });

  it('allocates nothing for a Service validation refuses', () => {
    const a = createServiceAllocator();
    expect(() => create(a, svc('bad', { ports: [{ name: 'Not_Valid', port: 80 }] }))).toThrow(
      /Service "bad" is invalid/,
    );
    expect(a.allocatedIPs).toBe(0);
  });
});
