/**
 * @flotilla/runtime/testing — the suite every `ContainerRuntime` runs against itself.
 *
 * - `describeRuntimeConformance(name, createHarness)`: sandbox and container lifecycle, status
 *   transitions and timestamps, exit events, stop with grace then kill, remove, logs (tail, streams,
 *   follow, abort), exec (env, stdin, timeout), probes, close, and the error reason for every misuse.
 * - A `RuntimeHarness` gives the suite a fresh runtime, a way to move its time and a way to describe
 *   containers (`TestProgram`) and exec'd commands (`TestExec`) once for every runtime.
 * - `simulatedHarness()` and `processHarness(marker)` are the harnesses of the two built-in runtimes;
 *   `nodeProgramCommand` / `nodeExecCommand` turn the descriptions into `node -e` scripts.
 */
export { collect, describeRuntimeConformance, type RuntimeConformanceOptions } from './conformance.js';
export {
  baseContainerConfig,
  type ContainerExtras,
  type RuntimeHarness,
  type TestExec,
  type TestProgram,
} from './harness.js';
export { nodeExecCommand, nodeProgramCommand, processHarness, simulatedHarness } from './harnesses.js';
