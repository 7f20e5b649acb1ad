import type { EndpointSlice, Endpoints, Pod, Service } from '@flotilla/api';
import { describe, expect, it } from 'vitest';
import {
  desiredEndpointSlices,
  desiredEndpoints,
  ENDPOINTSLICE_CONTROLLER_NAME,
  findPort,
  MANAGED_BY_LABEL,
  planEndpoints,
  SERVICE_NAME_LABEL,
} from './plan.js';

const service = (spec: Partial<NonNullable<Service['spec']>> = {}): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default', uid: 'svc-uid', labels: { tier: 'fe' } },
  spec: {
    selector: { app: 'web' },
    ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    ...spec,
  },
});

const pod = (
  name: string,
  ip: string | undefined,
  opts: {
    ready?: boolean;
    deleting?: boolean;
    phase?: string;
    labels?: Record<string, string>;
    port?: number;
  } = {},
): Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'default',
    uid: `uid-${name}`,
    labels: opts.labels ?? { app: 'web' },
    ...(opts.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
  },
  spec: {
    nodeName: 'node-1',
    containers: [{ name: 'c', image: 'web', ports: [{ name: 'http', containerPort: opts.port ?? 8080 }] }],
  },
  status: {
    phase: (opts.phase ?? 'Running') as 'Running',
    ...(ip ? { podIP: ip } : {}),
    conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }],
  },
});

const ref = (name: string) => ({ kind: 'Pod', namespace: 'default', name, uid: `uid-${name}` });

describe('findPort', () => {
  const p = pod('a', '10.0.0.1');
  it.each([
    ['by name', { port: 80, targetPort: 'http' }, 8080],
    ['by number', { port: 80, targetPort: 9090 }, 9090],
    ['defaulted to the port', { port: 80 }, 80],
    ['unknown name', { port: 80, targetPort: 'grpc' }, undefined],
    ['name with another protocol', { port: 80, targetPort: 'http', protocol: 'UDP' as const }, undefined],
  ])('%s', (_, sp, want) => {
    expect(findPort(p, sp)).toBe(want);
  });
});

describe('desiredEndpoints', () => {
  it('puts ready pods in addresses and the others in notReadyAddresses, sorted, with targetRef and node', () => {
    const ep = desiredEndpoints(service(), [
      pod('b', '10.0.0.2'),
      pod('a', '10.0.0.1'),
      pod('c', '10.0.0.3', { ready: false }),
      pod('pending', undefined),
      pod('done', '10.0.0.4', { phase: 'Succeeded' }),
      pod('going', '10.0.0.5', { deleting: true }),
      pod('other', '10.0.0.6', { labels: { app: 'db' } }),
    ]);
    expect(ep).toEqual({
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'web', namespace: 'default', labels: { tier: 'fe' } },
      subsets: [
        {
          addresses: [
            { ip: '10.0.0.1', nodeName: 'node-1', targetRef: ref('a') },
            { ip: '10.0.0.2', nodeName: 'node-1', targetRef: ref('b') },
          ],
          notReadyAddresses: [{ ip: '10.0.0.3', nodeName: 'node-1', targetRef: ref('c') }],
          ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
        },
      ],
    });
  });

  it('groups pods by resolved ports, and skips pods without the named port', () => {
    const noPort: Pod = { ...pod('x', '10.0.0.9'), spec: { containers: [{ name: 'c', image: 'i' }] } };
    const ep = desiredEndpoints(service(), [
      pod('a', '10.0.0.1'),
      pod('b', '10.0.0.2', { port: 9090 }),
      noPort,
    ]);
    expect(ep.subsets?.map((s) => [s.ports?.[0]?.port, s.addresses?.map((a) => a.ip)])).toEqual([
      [8080, ['10.0.0.1']],
      [9090, ['10.0.0.2']],
    ]);
  });

  it('publishNotReadyAddresses: every pod is an address, terminating ones too', () => {
    const ep = desiredEndpoints(service({ publishNotReadyAddresses: true }), [
      pod('a', '10.0.0.1', { ready: false }),
      pod('b', '10.0.0.2', { deleting: true }),
    ]);
    expect(ep.subsets?.[0]?.addresses?.map((a) => a.ip)).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(ep.subsets?.[0]?.notReadyAddresses).toBeUndefined();
  });

  it('no pods: no subsets', () => {
    expect(desiredEndpoints(service(), []).subsets).toBeUndefined();
  });
});

describe('desiredEndpointSlices', () => {
  it('one IPv4 slice with conditions, labels and the Service as owner', () => {
    const [slice, ...rest] = desiredEndpointSlices(service(), [
      pod('b', '10.0.0.2', { ready: false }),
      pod('a', '10.0.0.1'),
      pod('t', '10.0.0.3', { deleting: true }),
    ]);
    expect(rest).toEqual([]);
    expect(slice?.metadata).toEqual({
      generateName: 'web-',
      namespace: 'default',
      labels: { tier: 'fe', [SERVICE_NAME_LABEL]: 'web', [MANAGED_BY_LABEL]: ENDPOINTSLICE_CONTROLLER_NAME },
      ownerReferences: [
        {
          apiVersion: 'v1',
          kind: 'Service',
          name: 'web',
          uid: 'svc-uid',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    });
    expect(slice?.addressType).toBe('IPv4');
    expect(slice?.ports).toEqual([{ name: 'http', port: 8080, protocol: 'TCP' }]);
    expect(slice?.endpoints).toEqual([
      {
        addresses: ['10.0.0.1'],
        conditions: { ready: true, serving: true, terminating: false },
        nodeName: 'node-1',
        targetRef: ref('a'),
      },
      {
        addresses: ['10.0.0.2'],
        conditions: { ready: false, serving: false, terminating: false },
        nodeName: 'node-1',
        targetRef: ref('b'),
      },
      {
        addresses: ['10.0.0.3'],
        conditions: { ready: false, serving: true, terminating: true },
        nodeName: 'node-1',
        targetRef: ref('t'),
      },
    ]);
  });

  it('no pods: one slice without endpoints or ports', () => {
    const slices = desiredEndpointSlices(service(), []);
    expect(slices).toHaveLength(1);
    expect(slices[0]?.endpoints).toEqual([]);
    expect(slices[0]?.ports).toBeUndefined();
  });
});

describe('planEndpoints', () => {
  const pods = [pod('a', '10.0.0.1')];
  const stored = (o: Endpoints | EndpointSlice, name: string): typeof o => ({
    ...o,
    metadata: { ...o.metadata, name, uid: `uid-${name}`, resourceVersion: '7' },
  });
  const ep = stored(desiredEndpoints(service(), pods), 'web') as Endpoints;
  const slice = stored(
    desiredEndpointSlices(service(), pods)[0] as EndpointSlice,
    'web-abcde',
  ) as EndpointSlice;

  it('creates what is missing', () => {
    expect(planEndpoints(service(), pods, undefined, []).map((a) => a.type)).toEqual([
      'createEndpoints',
      'createSlice',
    ]);
  });

  it('writes nothing when nothing changed', () => {
    expect(planEndpoints(service(), pods, ep, [slice])).toEqual([]);
  });

  it('updates both when a pod turns unready, keeping the objects’ identity', () => {
    const actions = planEndpoints(service(), [pod('a', '10.0.0.1', { ready: false })], ep, [slice]);
    expect(actions.map((a) => a.type)).toEqual(['updateEndpoints', 'updateSlice']);
    const update = actions[1];
    expect(update?.type === 'updateSlice' && update.slice.metadata?.name).toBe('web-abcde');
    expect(update?.type === 'updateSlice' && update.slice.endpoints?.[0]?.conditions?.ready).toBe(false);
  });

  it('replaces a slice whose ports no longer match, and deletes extras', () => {
    const foreignPorts = { ...slice, ports: [{ name: 'http', port: 1234, protocol: 'TCP' }] };
    const extra = stored(slice, 'web-extra') as EndpointSlice;
    expect(planEndpoints(service(), pods, ep, [foreignPorts, extra]).map((a) => a.type)).toEqual([
      'deleteSlice',
    ]);
    expect(planEndpoints(service(), pods, ep, [foreignPorts]).map((a) => a.type)).toEqual([
      'createSlice',
      'deleteSlice',
    ]);
  });

  it('deletes everything when the Service is gone, and leaves selector-less Services alone', () => {
    expect(planEndpoints(undefined, [], ep, [slice])).toEqual([
      { type: 'deleteEndpoints', namespace: 'default', name: 'web', uid: 'uid-web' },
      { type: 'deleteSlice', namespace: 'default', name: 'web-abcde', uid: 'uid-web-abcde' },
    ]);
    const manual = service();
    const { selector: _s, ...spec } = manual.spec ?? {};
    expect(planEndpoints({ ...manual, spec }, pods, ep, [])).toEqual([]);
  });
});
