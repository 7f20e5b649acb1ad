import type { Pod } from '@flotilla/api';
import { createInProcessClient } from '@flotilla/client';
import { toRFC3339, VirtualClock } from '@flotilla/clock';
import { SimulatedRuntime } from '@flotilla/runtime';
import { MemoryBackend, ObjectStore } from '@flotilla/store';
import { NEVER } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createAgent } from './agent.js';
import { condition, containerStatus, createSimNode, NODE, podOf } from './agent.test-support.js';

/** Advances in small steps (so that chained awaits settle) until `check` passes or `maxMs` passed. */
async function until(
  n: Awaited<ReturnType<typeof createSimNode>>,
  name: string,
  check: (pod: Pod) => boolean,
  maxMs = 600_000,
  stepMs = 100,
): Promise<Pod> {
  for (let t = 0; t <= maxMs; t += stepMs) {
    const pod = await n.get(name).catch(() => undefined);
    if (pod && check(pod)) return pod;
    await n.clock.advance(stepMs);
  }
  throw new Error(`pod ${name} did not reach the condition within ${maxMs} ms`);
}

const running = (pod: Pod, restarts = 0) =>
  containerStatus(pod)?.state?.running !== undefined && containerStatus(pod)?.restartCount === restarts;

describe('node registration and heartbeats', () => {
  it('registers the Node with capacity, addresses and Ready, and a Lease renewed every 10 s', async () => {
    const n = await createSimNode({}, { capacity: { cpu: '8' }, labels: { zone: 'a' } });
    const node = await n.client.resource('v1', 'Node').get(NODE);
    expect(node.status?.capacity).toEqual({ cpu: '8', memory: '8Gi', pods: '110' });
    expect(node.status?.allocatable).toEqual({ cpu: '8', memory: '8Gi', pods: '110' });
    expect(node.metadata?.labels).toMatchObject({ zone: 'a', 'kubernetes.io/hostname': NODE });
    expect(node.status?.addresses?.[0]?.type).toBe('InternalIP');
    expect(node.status?.addresses?.[0]?.address).toMatch(/^10\./);
    expect(node.status?.nodeInfo?.containerRuntimeVersion).toBe('simulated://0.1.0');
    const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
    expect(ready).toMatchObject({
      status: 'True',
      reason: 'KubeletReady',
      message: 'kubelet is posting ready status',
    });

    const leases = n.client.resource('coordination.k8s.io/v1', 'Lease').namespace('kube-node-lease');
    const lease = await leases.get(NODE);
    expect(lease.spec).toMatchObject({ holderIdentity: NODE, leaseDurationSeconds: 40 });
    expect(lease.spec?.renewTime).toBe('2024-01-01T00:00:00.000000Z');
    expect(lease.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: 'Node',
      name: NODE,
      uid: node.metadata?.uid,
    });

    await n.clock.advance(10_000);
    expect((await leases.get(NODE)).spec?.renewTime).toBe('2024-01-01T00:00:10.000000Z');
    // Node status is refreshed at most every minute, not with every Lease renewal.
    expect(n.agent.stats.nodeStatusWrites).toBe(1);
    await n.clock.advance(60_000);
    expect(n.agent.stats.nodeStatusWrites).toBe(2);
    const later = await n.client.resource('v1', 'Node').get(NODE);
    const readyLater = later.status?.conditions?.find((c) => c.type === 'Ready');
    expect(readyLater?.lastHeartbeatTime).toBe('2024-01-01T00:01:00Z');
    expect(readyLater?.lastTransitionTime).toBe('2024-01-01T00:00:00Z');
    expect(n.agent.stats.leaseRenewals).toBe(8);
    await n.agent.stop();
  });

  it('crash(): heartbeats stop while containers keep running; pauseHeartbeats() holds the Lease', async () => {
    const n = await createSimNode();
    await n.create('web');
    await until(n, 'web', (p) => running(p));
    const leases = n.client.resource('coordination.k8s.io/v1', 'Lease').namespace('kube-node-lease');
    n.agent.pauseHeartbeats();
    await n.clock.advance(30_000);
    expect((await leases.get(NODE)).spec?.renewTime).toBe('2024-01-01T00:00:00.000000Z');
    n.agent.resumeHeartbeats();
    await n.clock.advance(10_000);
    const renewed = (await leases.get(NODE)).spec?.renewTime;
    expect(renewed).not.toBe('2024-01-01T00:00:00.000000Z');
    n.agent.crash();
    await n.clock.advance(60_000);
    expect((await leases.get(NODE)).spec?.renewTime).toBe(renewed);
    expect(await n.runtime.listContainers({ state: 'RUNNING' })).toHaveLength(1);
    // A crashed agent no longer reacts: deleting the pod leaves its container running.
    await n.pods.delete('web', { gracePeriodSeconds: 30 });
    await n.clock.advance(60_000);
    expect(await n.runtime.listContainers({ state: 'RUNNING' })).toHaveLength(1);
    // The host's shutdown still cleans up after a crashed agent.
    await n.agent.stop();
    expect(await n.runtime.listPodSandboxes()).toEqual([]);
  });

  it('a restarted agent adopts the containers it left running and removes those of pods deleted meanwhile', async () => {
    const n = await createSimNode();
    await n.create('keep');
    await n.create('gone');
    await until(n, 'gone', (p) => running(p));
    await until(n, 'keep', (p) => running(p));
    const keepId = await n.containerId('keep');
    n.agent.crash();
    await n.pods.delete('gone', { gracePeriodSeconds: 0 });
    const again = createAgent({
      nodeName: NODE,
      client: n.client,
      informers: n.informers,
      runtime: n.runtime,
      clock: n.clock,
    });
    await again.start();
    await n.clock.advance(100);
    const keep = await n.get('keep');
    expect(keep.status?.phase).toBe('Running');
    expect(containerStatus(keep)?.containerID).toBe(`flotilla://${keepId}`);
    expect(containerStatus(keep)?.restartCount).toBe(0);
    expect(keep.status?.startTime).toBe('2024-01-01T00:00:00Z');
    expect((await n.runtime.listPodSandboxes()).map((s) => s.name)).toEqual(['keep']);
    expect(await n.runtime.listContainers()).toHaveLength(1);
    await again.stop();
    expect(await n.runtime.listPodSandboxes()).toEqual([]);
  });

  it('stop() stops and removes every container it started (deletePods also deletes the objects)', async () => {
    const n = await createSimNode();
    await n.create('a');
    await n.create('b');
    await until(n, 'b', (p) => running(p));
    await n.agent.stop({ deletePods: true });
    expect(await n.runtime.listPodSandboxes()).toEqual([]);
    expect((await n.pods.list()).items).toEqual([]);
  });
});

describe('pod lifecycle on SimulatedRuntime', () => {
  it('runs a bound pod: Running, Ready, IPs, conditions; then writes nothing while it is steady', async () => {
    const n = await createSimNode({ startLatencyMs: 500 });
    await n.create('web');
    await n.clock.advance(100);
    const creating = await n.get('web');
    expect(creating.status?.phase).toBe('Pending');
    expect(containerStatus(creating)?.state?.waiting?.reason).toBe('ContainerCreating');
    const pod = await until(n, 'web', (p) => p.status?.phase === 'Running');
    expect(pod.status?.podIP).toMatch(/^10\.0\./);
    expect(pod.status?.podIPs).toEqual([{ ip: pod.status?.podIP }]);
    expect(pod.status?.hostIP).toMatch(/^10\.255\./);
    expect(pod.status?.startTime).toBe('2024-01-01T00:00:00Z');
    expect(pod.status?.qosClass).toBe('BestEffort');
    for (const type of [
      'PodScheduled',
      'Initialized',
      'ContainersReady',
      'Ready',
      'PodReadyToStartContainers',
    ]) {
      expect(condition(pod, type)?.status, type).toBe('True');
    }
    // Ready went from False (at 0 s) to True when the container ran (0.5 s): the transition time moved.
    expect(condition(pod, 'PodScheduled')?.lastTransitionTime).toBe('2024-01-01T00:00:00Z');
    expect(containerStatus(pod)).toMatchObject({
      name: 'web',
      image: 'web:v1',
      ready: true,
      started: true,
      restartCount: 0,
      lastState: {},
    });
    expect(containerStatus(pod)?.containerID).toMatch(/^flotilla:\/\/sim-container-/);
    const writes = n.agent.stats.statusWrites;
    await n.clock.advance(300_000);
    expect(n.agent.stats.statusWrites).toBe(writes);
    expect(n.errors).toEqual([]);
  });

  it('a crash restarts at once (restartCount 1), then CrashLoopBackOff 10 s, 20 s', async () => {
    const n = await createSimNode();
    const created = await n.create('web');
    await until(n, 'web', (p) => running(p));
    n.runtime.crash(await n.containerId('web'), 1);
    let pod = await until(n, 'web', (p) => running(p, 1), 1_000, 10);
    expect(containerStatus(pod)?.lastState?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });

    const crashedAt = n.clock.now();
    n.runtime.crash(await n.containerId('web'), 2);
    await n.clock.advance(100);
    pod = await n.get('web');
    expect(pod.status?.phase).toBe('Running');
    expect(condition(pod, 'Ready')).toMatchObject({ status: 'False', reason: 'ContainersNotReady' });
    expect(containerStatus(pod)?.state?.waiting).toEqual({
      reason: 'CrashLoopBackOff',
      message: `back-off 10s restarting failed container=web pod=web_default(${created.metadata?.uid})`,
    });
    expect(containerStatus(pod)?.lastState?.terminated?.exitCode).toBe(2);
    pod = await until(n, 'web', (p) => running(p, 2), 20_000, 10);
    expect(n.clock.now() - crashedAt).toBeGreaterThanOrEqual(10_000);
    expect(n.clock.now() - crashedAt).toBeLessThanOrEqual(10_020);
    expect(containerStatus(pod)?.state?.running?.startedAt).toBe(toRFC3339(crashedAt + 10_000));

    const crashed3 = n.clock.now();
    n.runtime.crash(await n.containerId('web'), 1);
    await n.clock.advance(100);
    expect(containerStatus(await n.get('web'))?.state?.waiting?.message).toMatch(/^back-off 20s /);
    pod = await until(n, 'web', (p) => running(p, 3), 30_000, 10);
    expect(n.clock.now() - crashed3).toBeGreaterThanOrEqual(20_000);
    expect(n.clock.now() - crashed3).toBeLessThanOrEqual(20_020);
    // Only the current and the previous instance are kept in the runtime.
    expect(await n.runtime.listContainers()).toHaveLength(2);
  });

  it('OOMKilled shows as lastState reason', async () => {
    const n = await createSimNode();
    await n.create('web');
    await until(n, 'web', (p) => running(p));
    n.runtime.oomKill(await n.containerId('web'));
    const pod = await until(n, 'web', (p) => running(p, 1), 1_000, 10);
    expect(containerStatus(pod)?.lastState?.terminated).toMatchObject({ exitCode: 137, reason: 'OOMKilled' });
  });

  it('a failing liveness probe restarts the container after failureThreshold periods', async () => {
    const n = await createSimNode();
    const created = await n.create('web', {}, [
      {
        name: 'web',
        image: 'web:v1',
        ports: [{ containerPort: 8080 }],
        livenessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 5, failureThreshold: 3 },
      },
    ]);
    await until(n, 'web', (p) => running(p));
    await n.clock.advance(60_000);
    expect(containerStatus(await n.get('web'))?.restartCount).toBe(0);
    n.runtime.setHealth({ podUid: created.metadata!.uid!, name: 'web' }, { liveness: false });
    const failingSince = n.clock.now();
    const pod = await until(n, 'web', (p) => (containerStatus(p)?.restartCount ?? 0) >= 1, 60_000, 100);
    // Three failures 5 s apart: killed 10–15 s after the health went bad.
    expect(n.clock.now() - failingSince).toBeGreaterThanOrEqual(10_000);
    expect(n.clock.now() - failingSince).toBeLessThanOrEqual(15_100);
    expect(containerStatus(pod)?.lastState?.terminated?.message).toMatch(
      /^Container web failed liveness probe, will be restarted/,
    );
  });

  it('a failing readiness probe takes the pod out of Ready and back', async () => {
    const n = await createSimNode();
    const created = await n.create('web', {}, [
      {
        name: 'web',
        image: 'web:v1',
        ports: [{ containerPort: 8080 }],
        readinessProbe: {
          tcpSocket: { port: 8080 },
          periodSeconds: 2,
          failureThreshold: 2,
          successThreshold: 2,
        },
      },
    ]);
    // Not ready until the first probes succeed (successThreshold 2: at 0 s and 2 s).
    await n.clock.advance(100);
    let pod = await n.get('web');
    expect(pod.status?.phase).toBe('Running');
    expect(containerStatus(pod)?.ready).toBe(false);
    pod = await until(n, 'web', (p) => condition(p, 'Ready')?.status === 'True', 10_000);
    expect(n.clock.now()).toBeGreaterThanOrEqual(Date.UTC(2024, 0, 1) + 2_000);
    const writes = n.agent.stats.statusWrites;
    await n.clock.advance(60_000);
    expect(n.agent.stats.statusWrites).toBe(writes); // probe ticks alone write nothing

    n.runtime.setHealth({ podUid: created.metadata!.uid!, name: 'web' }, { readiness: false });
    pod = await until(n, 'web', (p) => condition(p, 'Ready')?.status === 'False', 10_000);
    expect(condition(pod, 'Ready')).toMatchObject({
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [web]',
    });
    expect(containerStatus(pod)?.restartCount).toBe(0);
    n.runtime.setHealth({ podUid: created.metadata!.uid!, name: 'web' }, { readiness: true });
    await until(n, 'web', (p) => condition(p, 'Ready')?.status === 'True', 10_000);
  });

  it('a startup probe gates readiness; failing it kills the container', async () => {
    const n = await createSimNode();
    const created = await n.create('web', {}, [
      {
        name: 'web',
        image: 'web:v1',
        ports: [{ containerPort: 8080 }],
        startupProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1, failureThreshold: 3 },
        readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 10 },
      },
    ]);
    const uid = created.metadata!.uid!;
    n.runtime.setHealth({ podUid: uid, name: 'web' }, { startup: false });
    await n.clock.advance(100);
    expect(containerStatus(await n.get('web'))).toMatchObject({ started: false, ready: false });
    const pod = await until(n, 'web', (p) => (containerStatus(p)?.restartCount ?? 0) === 1, 10_000, 100);
    expect(containerStatus(pod)?.lastState?.terminated?.message).toMatch(/failed startup probe/);
    n.runtime.setHealth({ podUid: uid, name: 'web' }, { startup: true });
    const started = await until(n, 'web', (p) => containerStatus(p)?.started === true, 30_000, 100);
    expect(containerStatus(started)?.restartCount).toBe(1);
    await until(n, 'web', (p) => containerStatus(p)?.ready === true, 30_000, 100);
  });

  it('graceful deletion stops the containers with the grace period, then deletes the Pod', async () => {
    const n = await createSimNode();
    n.runtime.defineImage('stubborn:v1', { ignoreSigterm: true });
    await n.create('web', { terminationGracePeriodSeconds: 5 }, [{ name: 'web', image: 'stubborn:v1' }]);
    await until(n, 'web', (p) => running(p));
    const marked = await n.pods.delete('web', { gracePeriodSeconds: 20 });
    expect(marked.metadata?.deletionTimestamp).toBeDefined();
    await n.clock.advance(19_000);
    expect(await n.runtime.listContainers({ state: 'RUNNING' })).toHaveLength(1);
    await n.clock.advance(1_500);
    await expect(n.get('web')).rejects.toMatchObject({ reason: 'NotFound' });
    expect(await n.runtime.listPodSandboxes()).toEqual([]);
    expect(n.agent.podCount).toBe(0);
    // The final status (killed after the grace period: Failed) was written before the object went away.
    const last = n.statusWrites.at(-1);
    expect(last?.metadata?.deletionTimestamp).toBeDefined();
    expect(last?.status?.phase).toBe('Failed');
    expect(containerStatus(last!)?.state?.terminated).toMatchObject({ exitCode: 137, reason: 'Error' });
  });

  it('a pod deleted outright (vanished) has its containers stopped and removed', async () => {
    const n = await createSimNode();
    await n.create('web');
    await until(n, 'web', (p) => running(p));
    await n.pods.delete('web', { gracePeriodSeconds: 0 });
    await n.clock.advance(3_000);
    expect(await n.runtime.listPodSandboxes()).toEqual([]);
    expect(n.agent.podCount).toBe(0);
  });

  it.each([
    { policy: 'Never', exitCode: 0, phase: 'Succeeded', restarts: 0 },
    { policy: 'Never', exitCode: 3, phase: 'Failed', restarts: 0 },
    { policy: 'OnFailure', exitCode: 0, phase: 'Succeeded', restarts: 0 },
  ])('restartPolicy $policy, exit $exitCode → $phase', async ({ policy, exitCode, phase, restarts }) => {
    const n = await createSimNode();
    n.runtime.defineImage('job:v1', { exitAfterMs: 1_000, exitCode });
    await n.create('job', { restartPolicy: policy }, [{ name: 'main', image: 'job:v1' }]);
    const pod = await until(n, 'job', (p) => p.status?.phase === phase, 30_000);
    const s = containerStatus(pod, 'main');
    expect(s?.restartCount).toBe(restarts);
    expect(s?.state?.terminated).toMatchObject({ exitCode, reason: exitCode === 0 ? 'Completed' : 'Error' });
    expect(condition(pod, 'Ready')?.status).toBe('False');
    const writes = n.agent.stats.statusWrites;
    await n.clock.advance(600_000);
    expect((await n.get('job')).status?.phase).toBe(phase);
    expect(n.agent.stats.statusWrites).toBe(writes);
  });

  it('restartPolicy OnFailure restarts a failed container', async () => {
    const n = await createSimNode();
    n.runtime.defineImage('job:v1', { exitAfterMs: 1_000, exitCode: 1 });
    await n.create('job', { restartPolicy: 'OnFailure' }, [{ name: 'main', image: 'job:v1' }]);
    const pod = await until(n, 'job', (p) => (containerStatus(p, 'main')?.restartCount ?? 0) >= 2, 60_000);
    expect(pod.status?.phase).toBe('Running');
  });

  it('an image pull failure reports ErrImagePull, then ImagePullBackOff, and retries after 10 s', async () => {
    const n = await createSimNode({ imagePullFailures: new Set(['missing:v1']) });
    await n.create('web', {}, [{ name: 'web', image: 'missing:v1' }]);
    await n.clock.advance(10);
    let pod = await n.get('web');
    expect(pod.status?.phase).toBe('Pending');
    expect(containerStatus(pod)?.state?.waiting?.reason).toBe('ErrImagePull');
    expect(containerStatus(pod)?.state?.waiting?.message).toMatch(/missing:v1/);
    await n.clock.advance(1_500);
    pod = await n.get('web');
    expect(containerStatus(pod)?.state?.waiting?.reason).toBe('ImagePullBackOff');
    expect(containerStatus(pod)?.state?.waiting?.message).toMatch(/^Back-off pulling image "missing:v1"/);
    await n.clock.advance(9_000); // 10.51 s: the retry at 10 s failed again
    expect(containerStatus(await n.get('web'))?.state?.waiting?.reason).toBe('ErrImagePull');
    expect(await n.runtime.listContainers()).toEqual([]);
  });

  it('an unresolvable environment variable reports CreateContainerConfigError and nothing runs', async () => {
    const n = await createSimNode();
    await n.create('web', {}, [
      {
        name: 'web',
        image: 'web:v1',
        env: [{ name: 'DB', valueFrom: { configMapKeyRef: { name: 'settings', key: 'db' } } }],
      },
    ]);
    await n.clock.advance(2_000);
    const pod = await n.get('web');
    expect(pod.status?.phase).toBe('Pending');
    expect(containerStatus(pod)?.state?.waiting).toMatchObject({
      reason: 'CreateContainerConfigError',
      message: expect.stringMatching(/DB/),
    });
    expect(await n.runtime.listContainers()).toEqual([]);
  });

  it('init containers run in order before the app containers', async () => {
    const n = await createSimNode();
    n.runtime.defineImage('init:v1', { exitAfterMs: 2_000, exitCode: 0 });
    await n.create('web', {
      initContainers: [
        { name: 'first', image: 'init:v1' },
        { name: 'second', image: 'init:v1' },
      ],
    });
    await n.clock.advance(100);
    let pod = await n.get('web');
    expect(pod.status?.phase).toBe('Pending');
    expect(condition(pod, 'Initialized')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotInitialized',
      message: 'containers with incomplete status: [first second]',
    });
    expect(pod.status?.initContainerStatuses?.[0]?.state?.running).toBeDefined();
    expect(pod.status?.initContainerStatuses?.[1]?.state?.waiting?.reason).toBe('ContainerCreating');
    expect(containerStatus(pod)?.state?.waiting?.reason).toBe('PodInitializing');
    await n.clock.advance(2_000);
    pod = await n.get('web');
    expect(pod.status?.initContainerStatuses?.[0]?.state?.terminated?.reason).toBe('Completed');
    expect(pod.status?.initContainerStatuses?.[1]?.state?.running).toBeDefined();
    pod = await until(n, 'web', (p) => p.status?.phase === 'Running', 10_000);
    expect(condition(pod, 'Initialized')?.status).toBe('True');
    expect(n.clock.now() - Date.UTC(2024, 0, 1)).toBeGreaterThanOrEqual(4_000);
  });

  it('a failed init container under restartPolicy Never fails the pod', async () => {
    const n = await createSimNode();
    n.runtime.defineImage('init:bad', { exitAfterMs: 500, exitCode: 2 });
    await n.create('web', { restartPolicy: 'Never', initContainers: [{ name: 'setup', image: 'init:bad' }] });
    const pod = await until(n, 'web', (p) => p.status?.phase === 'Failed', 10_000);
    expect(pod.status?.initContainerStatuses?.[0]?.state?.terminated?.exitCode).toBe(2);
    expect(await n.runtime.listContainers()).toHaveLength(1); // the app container never ran
  });

  it('serves logs (current and previous) and exec through the agent', async () => {
    const n = await createSimNode();
    n.runtime.defineImage('talk:v1', { stdout: ['hello from talk'] });
    n.runtime.execHandler('talk:v1', ({ cmd }) => ({ exitCode: 0, stdout: cmd.join(' '), stderr: '' }));
    await n.create('web', {}, [{ name: 'web', image: 'talk:v1' }]);
    await until(n, 'web', (p) => running(p));
    const lines: string[] = [];
    for await (const entry of n.agent.logs('default', 'web', 'web')) lines.push(entry.line);
    expect(lines).toEqual(['hello from talk']);
    expect(await n.agent.exec('default', 'web', 'web', ['echo', 'hi'])).toEqual({
      exitCode: 0,
      stdout: 'echo hi',
      stderr: '',
    });
    n.runtime.crash(await n.containerId('web'));
    await until(n, 'web', (p) => running(p, 1), 1_000, 10);
    const previous: string[] = [];
    for await (const entry of n.agent.logs('default', 'web', 'web', { previous: true }))
      previous.push(entry.line);
    expect(previous).toEqual(['hello from talk']);
    const drain = async (it: AsyncIterable<unknown>) => {
      for await (const _ of it) {
        // drain
      }
    };
    await expect(drain(n.agent.logs('default', 'nope', 'web'))).rejects.toMatchObject({ reason: 'NotFound' });
    await expect(drain(n.agent.logs('default', 'web', 'nope'))).rejects.toMatchObject({
      reason: 'BadRequest',
    });
  });

  it('notices an exit whose event was lost at the next resync (60 s)', async () => {
    const clock = new VirtualClock();
    const store = new ObjectStore({ backend: new MemoryBackend(), clock });
    const client = createInProcessClient(store);
    const runtime = new SimulatedRuntime({ clock });
    // The runtime's exit events never reach the agent.
    const deaf = new Proxy(runtime, {
      get: (target, prop) => (prop === 'events$' ? NEVER : Reflect.get(target, prop, target)),
    });
    const agent = createAgent({ nodeName: NODE, client, runtime: deaf, clock });
    await agent.start();
    const pods = client.resource('v1', 'Pod').namespace('default');
    await pods.create(podOf('web'));
    await clock.advance(100);
    const id = (await pods.get('web')).status?.containerStatuses?.[0]?.containerID ?? '';
    runtime.crash(id.replace('flotilla://', ''));
    await clock.advance(30_000);
    expect(containerStatus(await pods.get('web'))?.restartCount).toBe(0);
    await clock.advance(30_000);
    expect(containerStatus(await pods.get('web'))?.restartCount).toBe(1);
    await agent.stop();
  });

  it('takes one pass from bound to Running: the echoes of its own status writes ask for none', async () => {
    const n = await createSimNode();
    await n.create('web');
    await until(n, 'web', (p) => running(p));
    // Pending (ContainerCreating, its IP), then Running: two writes, one pass (the kubelet does not
    // sync a pod again for a status-only update either).
    expect(n.statusWrites.map((p) => p.status?.phase)).toEqual(['Pending', 'Running']);
    expect(n.agent.stats.syncs).toBe(1);
    // A status written by someone else is not an echo: it gets a pass, which rewrites it.
    const pod = await n.get('web');
    await n.pods.updateStatus({ ...pod, status: { ...pod.status, phase: 'Pending' } });
    await n.clock.advance(100);
    expect(n.agent.stats.syncs).toBe(2);
    expect((await n.get('web')).status?.phase).toBe('Running');
    expect(n.errors).toEqual([]);
  });

  it('converges after a lost update: a status overwritten by someone else is rewritten', async () => {
    const n = await createSimNode();
    await n.create('web');
    const pod = await until(n, 'web', (p) => running(p));
    await n.pods.updateStatus({ ...pod, status: { ...pod.status, phase: 'Pending', containerStatuses: [] } });
    await n.clock.advance(100);
    const fixed = await n.get('web');
    expect(fixed.status?.phase).toBe('Running');
    expect(containerStatus(fixed)?.ready).toBe(true);
  });
});
