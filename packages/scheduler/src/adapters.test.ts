import { describe, expect, it } from 'vitest';
import { nodeInputFromNode, type PodLike, podInputFromPod, podRequests } from './adapters.js';

describe('podRequests', () => {
  it.each<{ name: string; pod: PodLike; want: Record<string, number> }>([
    {
      name: 'sums containers',
      pod: {
        spec: {
          containers: [
            { name: 'a', resources: { requests: { cpu: '250m', memory: '64Mi' } } },
            { name: 'b', resources: { requests: { cpu: '0.5', memory: '1Gi', 'nvidia.com/gpu': '1' } } },
          ],
        },
      },
      want: { cpu: 750, memory: 64 * 2 ** 20 + 2 ** 30, 'nvidia.com/gpu': 1 },
    },
    {
      name: 'an init container is a floor, overhead is added',
      pod: {
        spec: {
          containers: [{ name: 'a', resources: { requests: { cpu: '100m' } } }],
          initContainers: [{ name: 'i', resources: { requests: { cpu: '2', memory: '1k' } } }],
          overhead: { cpu: '10m' },
        },
      },
      want: { cpu: 2010, memory: 1000 },
    },
    { name: 'no requests', pod: { spec: { containers: [{ name: 'a' }] } }, want: {} },
  ])('$name', ({ pod, want }) => {
    expect(podRequests(pod)).toEqual(want);
  });

  it('names the field of a bad quantity', () => {
    expect(() =>
      podRequests({ spec: { containers: [{ name: 'a', resources: { requests: { cpu: 'lots' } } }] } }),
    ).toThrow('spec.containers[0].resources.requests[cpu]');
  });
});

describe('podInputFromPod / nodeInputFromNode', () => {
  it('reads identity, priority, host ports and scheduling constraints from a Pod', () => {
    const input = podInputFromPod({
      metadata: { name: 'web', namespace: 'prod', uid: 'u1', labels: { app: 'web' } },
      spec: {
        priority: 7,
        nodeSelector: { disk: 'ssd' },
        tolerations: [{ key: 'k', operator: 'Exists' }],
        containers: [{ name: 'c', ports: [{ containerPort: 8080, hostPort: 80 }, { containerPort: 9090 }] }],
      },
    });
    expect(input).toMatchObject({
      name: 'web',
      namespace: 'prod',
      uid: 'u1',
      priority: 7,
      nodeSelector: { disk: 'ssd' },
      hostPorts: [{ port: 80, protocol: 'TCP', hostIP: '0.0.0.0' }],
    });
  });

  it.each([
    { name: 'Ready True', conditions: [{ type: 'Ready', status: 'True' }], ready: true },
    { name: 'Ready False', conditions: [{ type: 'Ready', status: 'False' }], ready: false },
    { name: 'Ready Unknown', conditions: [{ type: 'Ready', status: 'Unknown' }], ready: false },
    { name: 'no conditions yet', conditions: undefined, ready: true },
  ])('reads a Node: $name', ({ conditions, ready }) => {
    const input = nodeInputFromNode({
      metadata: { name: 'n1', labels: { zone: 'a' } },
      spec: { unschedulable: true, taints: [{ key: 'k', effect: 'NoSchedule' }] },
      status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110', 'nvidia.com/gpu': '2' }, conditions },
    });
    expect(input).toEqual({
      name: 'n1',
      labels: { zone: 'a' },
      taints: [{ key: 'k', effect: 'NoSchedule' }],
      allocatable: { cpu: 4000, memory: 8 * 2 ** 30, pods: 110, 'nvidia.com/gpu': 2 },
      unschedulable: true,
      ready,
    });
  });
});
