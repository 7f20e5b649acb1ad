import type { Simulation } from './simulation.js';

/**
 * One fault, in terms that do not depend on names: `node` indexes the simulation's nodes and `pod`
 * the live pods sorted by namespace/name (both modulo their count), so a shrunk schedule stays
 * meaningful. Faults with `forMs` are undone after that long.
 */
export type FaultStep =
  | { readonly kind: 'stopNode'; readonly node: number }
  | { readonly kind: 'restartNode'; readonly node: number }
  | { readonly kind: 'pauseHeartbeats'; readonly node: number; readonly forMs: number }
  | { readonly kind: 'partition'; readonly node: number; readonly forMs: number }
  | { readonly kind: 'crashContainer'; readonly pod: number; readonly exitCode: number }
  | { readonly kind: 'hangContainer'; readonly pod: number }
  | { readonly kind: 'slowRuntime'; readonly node: number; readonly factor: number; readonly forMs: number }
  | { readonly kind: 'conflicts'; readonly rate: number; readonly forMs: number }
  | { readonly kind: 'restartControllerManager' };

/** A fault and the virtual time (ms after the workload was applied) it strikes at. */
export interface ScheduledFault {
  readonly at: number;
  readonly fault: FaultStep;
}

/** One line for a report: `+12000ms partition node-2 for 30000ms`. */
export function describeFault(step: ScheduledFault, nodeNames: readonly string[] = []): string {
  const f = step.fault;
  const node = (i: number) => nodeNames[i % Math.max(1, nodeNames.length)] ?? `node#${i}`;
  const what = (() => {
    switch (f.kind) {
      case 'stopNode':
      case 'restartNode':
        return `${f.kind} ${node(f.node)}`;
      case 'pauseHeartbeats':
      case 'partition':
        return `${f.kind} ${node(f.node)} for ${f.forMs}ms`;
      case 'crashContainer':
        return `crashContainer pod#${f.pod} exit ${f.exitCode}`;
      case 'hangContainer':
        return `hangContainer pod#${f.pod}`;
      case 'slowRuntime':
        return `slowRuntime ${node(f.node)} x${f.factor} for ${f.forMs}ms`;
      case 'conflicts':
        return `conflicts rate ${f.rate} for ${f.forMs}ms`;
      case 'restartControllerManager':
        return 'restartControllerManager';
    }
  })();
  return `+${step.at}ms ${what}`;
}

async function podAt(
  sim: Simulation,
  index: number,
): Promise<{ namespace: string; name: string } | undefined> {
  const pods = (await sim.client.resource('v1', 'Pod').list()).items
    .filter((p) => p.spec?.nodeName && !p.metadata?.deletionTimestamp)
    .map((p) => ({ namespace: p.metadata?.namespace ?? '', name: p.metadata?.name ?? '' }))
    .sort((a, b) => (a.namespace + a.name < b.namespace + b.name ? -1 : 1));
  return pods.length === 0 ? undefined : pods[index % pods.length];
}

/**
 * Applies one fault to a running simulation now; resolves to the undo to run `forMs` later, if any.
 * Faults aimed at something that is not there (no pod yet, a node already stopped) do nothing.
 */
export async function applyFault(sim: Simulation, fault: FaultStep): Promise<(() => void) | undefined> {
  const names = sim.nodes.map((n) => n.name);
  const node = (i: number) => names[i % names.length] ?? '';
  const f = sim.faults;
  switch (fault.kind) {
    case 'stopNode':
      f.stopNode(node(fault.node));
      return undefined;
    case 'restartNode':
      await f.restartNode(node(fault.node));
      return undefined;
    case 'pauseHeartbeats': {
      const n = node(fault.node);
      f.pauseHeartbeats(n);
      return () => f.resumeHeartbeats(n);
    }
    case 'partition': {
      const n = node(fault.node);
      f.partition(n);
      return () => f.heal(n);
    }
    case 'crashContainer': {
      const pod = await podAt(sim, fault.pod);
      if (pod) await f.crashContainer(pod.namespace, pod.name, { exitCode: fault.exitCode });
      return undefined;
    }
    case 'hangContainer': {
      const pod = await podAt(sim, fault.pod);
      if (pod) await f.hangContainer(pod.namespace, pod.name);
      return undefined;
    }
    case 'slowRuntime': {
      const n = node(fault.node);
      f.slowRuntime(n, fault.factor);
      return () => f.slowRuntime(n, 1);
    }
    case 'conflicts':
      f.conflictRate(fault.rate);
      return () => f.conflictRate(0);
    case 'restartControllerManager':
      await f.restartControllerManager();
      return undefined;
  }
}
