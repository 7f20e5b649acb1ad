import { isNotFound } from '@flotilla/api';
import { afterEach, describe, expect, it } from 'vitest';
import { type Cluster, createCluster } from './cluster.js';

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
});
