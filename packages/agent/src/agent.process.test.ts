import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pod } from '@flotilla/api';
import { createInProcessClient, SharedInformerFactory } from '@flotilla/client';
import { SystemClock } from '@flotilla/clock';
import { liveProcessGroups, ProcessRuntime } from '@flotilla/runtime';
import { MemoryBackend, ObjectStore } from '@flotilla/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, createAgent } from './agent.js';
import { condition, containerStatus, podOf } from './agent.test-support.js';
import { CONTAINER_ID_PREFIX } from './pod-status.js';

const imageDir = join(import.meta.dirname, '../../../examples/images');

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('agent on ProcessRuntime (real processes)', () => {
  const clock = new SystemClock();
  const store = new ObjectStore({ backend: new MemoryBackend(), clock });
  const client = createInProcessClient(store);
  const informers = new SharedInformerFactory(client, { clock });
  const runtime = new ProcessRuntime({ imageDir, gracePeriodDefaultSeconds: 2 });
  const pods = client.resource('v1', 'Pod').namespace('default');
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-agent-e2e-'));
  const errors: unknown[] = [];
  const pids = new Set<number>();
  let agent: Agent;

  beforeAll(async () => {
    agent = createAgent({
      nodeName: 'node-1',
      client,
      informers,
      runtime,
      clock,
      onError: (e) => errors.push(e),
    });
    informers.start();
    await agent.start();
  });

  afterAll(async () => {
    await agent.stop();
    await runtime.close();
    informers.stop();
    store.close();
    rmSync(dir, { recursive: true, force: true });
    expect(liveProcessGroups()).toEqual([]);
    for (const pid of pids) expect(alive(pid), `pid ${pid}`).toBe(false);
  });

  async function waitFor(name: string, check: (pod: Pod) => boolean, ms = 8_000): Promise<Pod> {
    const end = Date.now() + ms;
    for (;;) {
      const pod = await pods.get(name);
      if (check(pod)) return pod;
      if (Date.now() > end)
        throw new Error(`pod ${name}: condition not met in ${ms} ms: ${JSON.stringify(pod.status)}`);
      await sleep(25);
    }
  }

  /** The runtime's view of a pod's container: its pid and mapped port. */
  async function runtimeContainer(pod: Pod, name = 'web') {
    const id = containerStatus(pod, name)?.containerID?.slice(CONTAINER_ID_PREFIX.length) ?? '';
    const status = await runtime.containerStatus(id);
    if (status.pid !== undefined) pids.add(status.pid);
    return status;
  }

  const file = (name: string) => join(dir, name);
  const execProbe = (path: string) => ({
    exec: { command: ['sh', '-c', `test -f ${path}`] },
    periodSeconds: 1,
  });
  const ready = (p: Pod) => condition(p, 'Ready')?.status === 'True';

  it('runs web:v1 until Ready, restarts a killed process, obeys liveness and readiness, and stops on delete', async () => {
    writeFileSync(file('live'), '');
    writeFileSync(file('ready'), '');
    const web = podOf('web', {}, [
      {
        name: 'web',
        image: 'web:v1',
        ports: [{ containerPort: 8080 }],
        env: [{ name: 'POD_NAME', value: 'web' }],
        readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 1 },
      },
    ]);
    const live = podOf('live', {}, [
      {
        name: 'web',
        image: 'web:v1',
        ports: [{ containerPort: 8080 }],
        livenessProbe: execProbe(file('live')),
      },
    ]);
    const gate = podOf('gate', {}, [
      {
        name: 'web',
        image: 'web:v1',
        ports: [{ containerPort: 8080 }],
        readinessProbe: execProbe(file('ready')),
      },
    ]);
    await Promise.all([pods.create(web), pods.create(live), pods.create(gate)]);

    // web:v1 becomes Ready through its httpGet readiness probe and answers on its mapped port.
    let pod = await waitFor('web', ready);
    expect(pod.status?.phase).toBe('Running');
    expect(pod.status?.podIP).toBe('127.0.0.1');
    const first = await runtimeContainer(pod);
    const port = first.ports[0]?.hostPort;
    const res = await fetch(`http://127.0.0.1:${port}/`);
    expect(await res.text()).toBe('web v1 web\n');

    // SIGKILL the process: the agent restarts it (restartCount 1) and it is Ready again.
    process.kill(first.pid!, 'SIGKILL');
    pod = await waitFor('web', (p) => containerStatus(p)?.restartCount === 1 && ready(p));
    expect(containerStatus(pod)?.lastState?.terminated).toMatchObject({ exitCode: 137, reason: 'Error' });
    const second = await runtimeContainer(pod);
    expect(second.pid).not.toBe(first.pid);
    expect(alive(first.pid!)).toBe(false);

    // Liveness failing (the exec probe's file is gone): killed and restarted.
    pod = await waitFor('live', (p) => p.status?.phase === 'Running' && ready(p));
    const liveFirst = await runtimeContainer(pod);
    rmSync(file('live'));
    pod = await waitFor('live', (p) => containerStatus(p)?.restartCount === 1);
    writeFileSync(file('live'), '');
    expect(containerStatus(pod)?.lastState?.terminated?.message).toMatch(/failed liveness probe/);
    expect(alive(liveFirst.pid!)).toBe(false);

    // Readiness failing takes the pod out of Ready, without a restart; passing again brings it back.
    pod = await waitFor('gate', ready);
    await runtimeContainer(pod);
    rmSync(file('ready'));
    pod = await waitFor('gate', (p) => condition(p, 'Ready')?.status === 'False');
    expect(condition(pod, 'Ready')?.reason).toBe('ContainersNotReady');
    writeFileSync(file('ready'), '');
    pod = await waitFor('gate', ready);
    expect(containerStatus(pod)?.restartCount).toBe(0);

    // Graceful deletion: SIGTERM, the process exits, the Pod object goes away.
    const last = await runtimeContainer(await pods.get('web'));
    await pods.delete('web', { gracePeriodSeconds: 30 });
    const end = Date.now() + 8_000;
    while (
      (await pods
        .get('web')
        .then(() => true)
        .catch(() => false)) &&
      Date.now() < end
    )
      await sleep(25);
    await expect(pods.get('web')).rejects.toMatchObject({ reason: 'NotFound' });
    expect(alive(last.pid!)).toBe(false);
    expect(errors).toEqual([]);
  }, 20_000);
});
