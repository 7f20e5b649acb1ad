import { isNotFound } from '@flotilla/api';
import { afterEach, describe, expect, it } from 'vitest';
import { type Cluster, createCluster } from './cluster.js';
import { waitFor } from './wait.js';

async function drain(lines: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const l of lines) out.push(l);
  return out;
}

describe('cluster.nodeConnections()', () => {
  let cluster: Cluster | undefined;
  afterEach(async () => {
    await cluster?.stop();
    cluster = undefined;
  });

  it("routes logs to the named node's agent; an unknown node is ServiceUnavailable", async () => {
    cluster = createCluster({ nodes: 2 });
    await cluster.start();
    const nodes = cluster.nodeConnections();
    expect(cluster.nodeConnections()).toBe(nodes);
    const missing = await drain(nodes.logs('node-2', 'default', 'nope', 'web', {})).catch((e: unknown) => e);
    expect(isNotFound(missing)).toBe(true);
    expect(() => nodes.logs('node-9', 'default', 'nope', 'web', {})).toThrow(
      expect.objectContaining({
        reason: 'ServiceUnavailable',
        message: 'no agent for node "node-9" in this cluster',
      }),
    );
  });

  it("routes exec to the pod's node's agent, streaming stdin in and output out", async () => {
    cluster = createCluster({ nodes: 2 });
    await cluster.start();
    const nodes = cluster.nodeConnections();
    await cluster.apply([
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'web', namespace: 'default' },
        spec: { containers: [{ name: 'web', image: 'web:v1', env: [{ name: 'GREETING', value: 'hi' }] }] },
      },
    ]);
    const pods = cluster.client.resource('v1', 'Pod').namespace('default');
    const node = await waitFor(
      cluster.clock,
      async () => {
        const pod = await pods.get('web');
        return pod.status?.containerStatuses?.[0]?.state?.running ? pod.spec?.nodeName : undefined;
      },
      { timeoutMs: 5_000, intervalMs: 10, what: 'pod web running' },
    );
    const out: Uint8Array[] = [];
    const signal = new AbortController().signal;
    async function* stdin() {
      yield new TextEncoder().encode('from stdin\n');
    }
    const options = { onStdout: (b: Uint8Array) => out.push(b), onStderr: () => {}, signal };
    expect(await nodes.exec(node, 'default', 'web', 'web', ['cat'], { ...options, stdin: stdin() })).toEqual({
      exitCode: 0,
      stdout: '',
      stderr: '',
    });
    expect(
      await nodes.exec(node, 'default', 'web', 'web', ['sh', '-c', 'echo $GREETING; exit 3'], options),
    ).toEqual({
      exitCode: 3,
      stdout: '',
      stderr: '',
    });
    expect(Buffer.concat(out).toString()).toBe('from stdin\nhi\n');
    const other = node === 'node-1' ? 'node-2' : 'node-1';
    await expect(nodes.exec(other, 'default', 'web', 'web', ['env'], options)).rejects.toMatchObject({
      reason: 'NotFound',
    });
    await expect(nodes.exec('node-9', 'default', 'web', 'web', ['env'], options)).rejects.toMatchObject({
      reason: 'ServiceUnavailable',
    });
  });
});
