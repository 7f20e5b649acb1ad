import type { KubeObject } from '@flotilla/api';
import fc from 'fast-check';
import { arbScenario, type FaultScheduleOptions } from './arbitraries.js';
import { applyFault, describeFault, type ScheduledFault } from './fault-schedule.js';
import {
  checkInvariants,
  type Invariant,
  readClusterState,
  standardInvariants,
  type Violation,
} from './invariants.js';
import { createSimulation, NotSettledError, type Simulation, type SimulationOptions } from './simulation.js';

/** A run to replay: the seed and the fault schedule. */
export interface Scenario {
  readonly seed: number;
  readonly schedule: readonly ScheduledFault[];
}

export interface ScenarioOptions {
  /** Nodes of the simulated cluster (default 3). */
  readonly nodes?: number;
  /** Objects applied at the start (default: two Deployments of 3 replicas). */
  readonly workload?: readonly KubeObject[];
  /** Called this many virtual ms after the workload, e.g. to start a rolling update (default: `web` → v2 at 20 s). */
  readonly update?: { readonly atMs: number; readonly run: (sim: Simulation) => Promise<unknown> } | false;
  /** Fresh invariants per run (default `standardInvariants()`). */
  readonly invariants?: () => readonly Invariant[];
  /** Invariants are checked every this many virtual ms (default 1 s). */
  readonly checkEveryMs?: number;
  /** The run has settled after this long without a change (default `runUntilSettled`'s 45 s). */
  readonly quietMs?: number;
  /** Longest settling after the last fault before "does not converge" (default 20 virtual min). */
  readonly maxSettleMs?: number;
  /** More simulation options (history defaults to `digest`). */
  readonly simulation?: Omit<SimulationOptions, 'seed' | 'nodes'>;
  /** Called once the `final` invariants are checked, before the simulation stops (e.g. to read its state). */
  readonly onSettled?: (sim: Simulation) => Promise<void>;
}

export interface ScenarioResult {
  readonly scenario: Scenario;
  readonly violations: readonly Violation[];
  /** Digest of the run's write history: equal digests, equal runs. */
  readonly historyDigest: string;
  readonly writes: number;
  /** Virtual ms from the workload to the end. */
  readonly virtualMs: number;
  readonly nodeNames: readonly string[];
}

const deployment = (name: string, image: string, replicas: number): KubeObject =>
  ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name, image, resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
      },
    },
  }) as KubeObject;

const DEFAULT_WORKLOAD = [deployment('web', 'web:v1', 3), deployment('api', 'api:v1', 3)];
const DEFAULT_UPDATE = {
  atMs: 20_000,
  run: (sim: Simulation) => sim.apply([deployment('web', 'web:v2', 3)]),
};

/**
 * Runs one scenario deterministically: a simulation of `seed`, the workload, the faults of `schedule`
 * at their times (undoing timed ones), invariants checked every step; then every fault is healed
 * (stopped nodes stay down unless all are) and the run must settle, where the `final` invariants
 * are checked. Same scenario, same result — `historyDigest` included.
 */
export async function runScenario(
  scenario: Scenario,
  options: ScenarioOptions = {},
): Promise<ScenarioResult> {
  const sim = createSimulation({
    history: 'digest',
    ...options.simulation,
    seed: scenario.seed,
    nodes: options.nodes ?? 3,
  });
  const invariants = options.invariants?.() ?? standardInvariants();
  const violations: Violation[] = [];
  const step = options.checkEveryMs ?? 1_000;
  const check = async (phase: 'check' | 'final') => {
    if (violations.length > 0) return;
    violations.push(
      ...checkInvariants(invariants, await readClusterState(sim.client, sim.clock.now()), phase),
    );
  };
  await sim.start();
  const t0 = sim.clock.now();
  try {
    await sim.apply(options.workload ?? DEFAULT_WORKLOAD);
    type Agenda = { at: number; order: number; run: () => Promise<void> };
    const agenda: Agenda[] = [];
    let order = 0;
    const insert = (a: Agenda) => {
      agenda.push(a);
      agenda.sort((x, y) => x.at - y.at || x.order - y.order);
    };
    const update = options.update === undefined ? DEFAULT_UPDATE : options.update;
    if (update)
      agenda.push({ at: update.atMs, order: order++, run: async () => void (await update.run(sim)) });
    for (const s of scenario.schedule) {
      agenda.push({
        at: s.at,
        order: order++,
        run: async () => {
          const undo = await applyFault(sim, s.fault);
          if (undo && 'forMs' in s.fault) {
            const at = sim.clock.now() - t0 + s.fault.forMs;
            insert({ at, order: order++, run: async () => undo() });
          }
        },
      });
    }
    agenda.sort((x, y) => x.at - y.at || x.order - y.order);
    while (agenda.length > 0) {
      const next = agenda[0] as Agenda;
      const target = t0 + next.at;
      while (sim.clock.now() + step <= target) {
        await sim.runFor(step);
        await check('check');
      }
      await sim.runFor(Math.max(0, target - sim.clock.now()));
      agenda.shift();
      await next.run();
    }
    sim.faults.healAll();
    if (sim.nodes.every((n) => n.stopped)) await sim.faults.restartNode(sim.nodes[0]?.name ?? '');
    try {
      await sim.runUntilSettled({
        maxMs: options.maxSettleMs ?? 20 * 60_000,
        ...(options.quietMs === undefined ? {} : { quietMs: options.quietMs }),
        stepMs: step,
        onStep: () => check('check'),
      });
    } catch (error) {
      if (!(error instanceof NotSettledError)) throw error;
      violations.push({ invariant: 'settles', at: sim.clock.now(), message: error.message });
    }
    await check('final');
    await options.onSettled?.(sim);
    return {
      scenario,
      violations,
      historyDigest: sim.historyDigest(),
      writes: sim.writes,
      virtualMs: sim.clock.now() - t0,
      nodeNames: sim.nodes.map((n) => n.name),
    };
  } finally {
    await sim.stop();
  }
}

export interface CheckScenariosOptions extends ScenarioOptions, FaultScheduleOptions {
  /** Scenarios to try (default 20). */
  readonly numRuns?: number;
  /** fast-check's own seed (default: fast-check picks one and reports it). */
  readonly fcSeed?: number;
  /** The test's title, for the replay command's `-t`. */
  readonly name: string;
  /** The test file or directory, for the replay command (default `packages/testing`). */
  readonly file?: string;
}

/** The failure report: violations, seed, shrunk schedule, and the one command that replays it. */
export function formatReplay(result: ScenarioResult, name: string, file = 'packages/testing'): string {
  const schedule = JSON.stringify(result.scenario.schedule);
  return [
    `scenario failed: ${result.violations.length} violation(s)`,
    ...result.violations.map((v) => `  [${v.invariant}] at ${new Date(v.at).toISOString()}: ${v.message}`),
    `seed: ${result.scenario.seed}`,
    `schedule (${result.scenario.schedule.length} faults):`,
    ...result.scenario.schedule.map((s) => `  ${describeFault(s, result.nodeNames)}`),
    'replay:',
    `  FLOTILLA_SEED=${result.scenario.seed} FLOTILLA_SCHEDULE='${schedule}' npx vitest run ${file} -t '${name}'`,
  ].join('\n');
}

/** The scenario named by `FLOTILLA_SEED` / `FLOTILLA_SCHEDULE` (schedule defaults to none), if set. */
export function replayFromEnv(env: Record<string, string | undefined> = process.env): Scenario | undefined {
  const seed = env.FLOTILLA_SEED;
  if (seed === undefined || seed === '') return undefined;
  const n = Number(seed);
  if (!Number.isSafeInteger(n))
    throw new RangeError(`FLOTILLA_SEED: Invalid value: "${seed}": must be an integer`);
  const schedule = JSON.parse(env.FLOTILLA_SCHEDULE || '[]') as ScheduledFault[];
  if (!Array.isArray(schedule))
    throw new RangeError('FLOTILLA_SCHEDULE: Invalid value: must be a JSON array');
  return { seed: n, schedule };
}

/**
 * Property: every generated scenario (seed + fault schedule) keeps the invariants. On failure,
 * fast-check shrinks the schedule and this throws `formatReplay`'s report. With `FLOTILLA_SEED` set,
 * it runs only that scenario — the replay. Resolves to the number of scenarios run.
 */
export async function checkScenarios(options: CheckScenariosOptions): Promise<number> {
  const replay = replayFromEnv();
  if (replay) {
    const result = await runScenario(replay, options);
    if (result.violations.length > 0) throw new Error(formatReplay(result, options.name, options.file));
    return 1;
  }
  let runs = 0;
  let lastFailure: ScenarioResult | undefined;
  const details = await fc.check(
    fc.asyncProperty(arbScenario(options), async (scenario) => {
      runs++;
      const result = await runScenario(scenario, options);
      if (result.violations.length > 0) {
        lastFailure = result;
        return false;
      }
      return true;
    }),
    { numRuns: options.numRuns ?? 20, ...(options.fcSeed === undefined ? {} : { seed: options.fcSeed }) },
  );
  if (details.failed) {
    const shrunk = details.counterexample?.[0];
    // Re-run the shrunk case so the report is about it (fast-check's last failing run is the shrunk one).
    const result = shrunk ? await runScenario(shrunk, options) : lastFailure;
    if (result && result.violations.length > 0)
      throw new Error(formatReplay(result, options.name, options.file));
    throw new Error(`property failed (fast-check seed ${details.seed}): ${String(details.errorInstance)}`);
  }
  return runs;
}
