/**
 * A user's controller: labels every Node `example.com/size=large` or `small` from its CPU capacity,
 * so that workloads can ask for big machines with a nodeSelector. Level-triggered: each pass reads the
 * node from the cache and patches the label only when it is wrong.
 */
import type { Client, SharedInformerFactory } from '@flotilla/client';
import type { Clock } from '@flotilla/clock';
import { Controller, requestsForObjects } from '@flotilla/controllers';
import { nodeInputFromNode } from '@flotilla/scheduler';

export const SIZE_LABEL = 'example.com/size';

/** The pure decision: the size a node should be labelled with (≥ 8 CPUs is large). */
export const sizeOf = (cpuMillis: number): 'large' | 'small' => (cpuMillis >= 8_000 ? 'large' : 'small');

export function createNodeSizeController(deps: {
  client: Client;
  informers: SharedInformerFactory;
  clock: Clock;
}): Controller {
  const nodes = deps.informers.informerFor('v1', 'Node');
  return new Controller({
    name: 'node-size',
    clock: deps.clock,
    sources: [requestsForObjects(nodes.events$)],
    reconciler: {
      async reconcile({ name }) {
        const node = nodes.lister().get('', name);
        if (!node?.status?.capacity) return;
        const want = sizeOf(nodeInputFromNode(node).allocatable.cpu);
        if (node.metadata?.labels?.[SIZE_LABEL] === want) return;
        await deps.client
          .resource('v1', 'Node')
          .patch(name, { metadata: { labels: { [SIZE_LABEL]: want } } });
      },
    },
  });
}
