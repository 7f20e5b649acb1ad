import type { Node } from '@flotilla/api';
import { toRFC3339, toRFC3339Micro } from '@flotilla/clock';
import { describe, expect, it } from 'vitest';
import { createTestPlane } from '../harness.test-support.js';
import { ControllerManager } from '../manager.js';
import { createNodeLifecycleController } from './controller.js';
import { TAINT_NODE_UNREACHABLE } from './plan.js';

describe('createNodeLifecycleController', () => {
  it('marks a silent node Unknown, taints it, evicts its pods after the timeout, and untaints it when it is back', async () => {
    const plane = createTestPlane();
    const { client, clock } = plane;
    await client
      .resource('v1', 'Namespace')
      .create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kube-node-lease' } });
    await client
      .resource('v1', 'Namespace')
      .create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } });
    const now = () => toRFC3339(clock.now());
    const nodes = client.resource('v1', 'Node');
    const created = await nodes.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } });
    await nodes.updateStatus({
      ...created,
      status: {
        conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: now(), lastTransitionTime: now() }],
      },
    });
    const leases = client.resource('coordination.k8s.io/v1', 'Lease').namespace('kube-node-lease');
    await leases.create({
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'n1' },
      spec: { holderIdentity: 'n1', leaseDurationSeconds: 40, renewTime: toRFC3339Micro(clock.now()) },
    });
    const podApi = client.resource('v1', 'Pod').namespace('default');
    const pod = await podApi.create({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p' },
      spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'i' }] },
    });
    await podApi.updateStatus({
      ...pod,
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now() }],
      },
    });
    const podReady = async () =>
      (await podApi.get('p')).status?.conditions?.find((c) => c.type === 'Ready')?.status;
    const manager = new ControllerManager();
    manager.add(createNodeLifecycleController({ client, informers: plane.informers, clock }));
    plane.informers.start();
    manager.start();
    await plane.informers.whenSynced();

    const ready = (n: Node) => n.status?.conditions?.find((c) => c.type === 'Ready')?.status;
    await clock.advance(30_000);
    expect(ready(await nodes.get('n1'))).toBe('True');
    expect(await podReady()).toBe('True');
    await clock.advance(15_000);
    const silent = await nodes.get('n1');
    expect(ready(silent)).toBe('Unknown');
    // MarkPodsNotReady: the pod is no longer Ready (endpoints drop it), with a Warning Event.
    expect(await podReady()).toBe('False');
    const events = (await client.resource('v1', 'Event').namespace('default').list()).items;
    expect(events.map((e) => [e.involvedObject.name, e.type, e.reason, e.message])).toEqual([
      ['p', 'Warning', 'NodeNotReady', 'Node is not ready'],
    ]);
    expect(silent.spec?.taints?.map((t) => t.key)).toEqual([TAINT_NODE_UNREACHABLE, TAINT_NODE_UNREACHABLE]);
    await clock.advance(290_000);
    expect((await client.resource('v1', 'Pod').list()).items).toHaveLength(1);
    await clock.advance(15_000);
    expect((await client.resource('v1', 'Pod').list()).items).toHaveLength(0);

    // The agent comes back: renews its lease and reports Ready.
    const l = await leases.get('n1');
    await leases.update({ ...l, spec: { ...l.spec, renewTime: toRFC3339Micro(clock.now()) } });
    const back = await nodes.get('n1');
    await nodes.updateStatus({
      ...back,
      status: {
        conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: now(), lastTransitionTime: now() }],
      },
    });
    await clock.advance(1_000);
    expect((await nodes.get('n1')).spec?.taints ?? []).toEqual([]);
    await manager.stop();
    plane.informers.stop();
  });
});
