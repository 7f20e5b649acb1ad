/** Builds a planning state from plain objects, for tests of single strategy steps. */
import type { Deployment, ReplicaSet } from '../shapes.js';
import { readDeployment } from '../spec.js';
import { createState, type PlanState } from '../state.js';
import type { PlannedReplicaSet } from '../working.js';
import { T0 } from './fixtures.js';

export function stateOf(
  deployment: Deployment,
  replicaSets: readonly ReplicaSet[],
  now = T0 + 3600_000,
): PlanState {
  return createState(readDeployment(deployment), replicaSets, now);
}

/** The working copy named `name` (new or old). */
export function rsNamed(state: PlanState, name: string): PlannedReplicaSet {
  const all = state.newRS === undefined ? state.oldRSs : [...state.oldRSs, state.newRS];
  const found = all.find((rs) => rs.observed.metadata?.name === name);
  if (found === undefined) throw new Error(`no ReplicaSet ${name}`);
  return found;
}
