/**
 * @flotilla/testing — deterministic simulation testing for Flotilla, in the manner of FoundationDB
 * and TigerBeetle's VOPR.
 *
 * - `createSimulation({ seed, nodes })`: a whole cluster (store, controllers, scheduler, agents on
 *   `SimulatedRuntime`s) in one process on a `VirtualClock`; `runFor`, `runUntil`, `runUntilSettled`.
 * - Every backend write is recorded: the same seed and steps give the same history, byte for byte.
 * - Faults on demand (`sim.faults`): stop or partition a node, pause heartbeats, crash or hang a
 *   container, slow a runtime, fail writes with Conflict, restart the controller manager cold.
 * - fast-check arbitraries for valid objects and fault schedules; reusable invariant checkers;
 *   `runScenario({ seed, schedule })` replays one case and `checkScenarios` prints the replay command.
 */
export {
  arbDeployment,
  arbFaultSchedule,
  arbLabelSelector,
  arbLabels,
  arbNode,
  arbPod,
  arbScenario,
  type FaultScheduleOptions,
} from './arbitraries.js';
export { applyFault, describeFault, type FaultStep, type ScheduledFault } from './fault-schedule.js';
export {
  type ClientCall,
  type ClientVerb,
  type FaultPolicy,
  faultyClient,
  WRITE_VERBS,
} from './faulty-client.js';
export { type HistoryEntry, type HistoryMode, HistoryRecorder, historyLine } from './history.js';
export {
  type ClusterState,
  checkInvariants,
  everyDeploymentConverges,
  type Invariant,
  noNodeOvercommitted,
  noPodOnNotReadyNode,
  readClusterState,
  rolloutBudgetsRespected,
  standardInvariants,
  type Violation,
} from './invariants.js';
export {
  type CheckScenariosOptions,
  checkScenarios,
  formatReplay,
  replayFromEnv,
  runScenario,
  type Scenario,
  type ScenarioOptions,
  type ScenarioResult,
} from './scenario.js';
export {
  type ControlPlaneContext,
  createSimulation,
  type Faults,
  NotSettledError,
  type SettleOptions,
  SIM_CONTROLLERS,
  SIM_NAMESPACES,
  type SimController,
  type SimNode,
  type SimNodeOptions,
  type Simulation,
  type SimulationOptions,
} from './simulation.js';
