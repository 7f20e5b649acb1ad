/**
 * @flotilla/runtime — how a node agent runs containers.
 *
 * - `ContainerRuntime` is CRI's RuntimeService in TypeScript: pod sandboxes, containers, status and
 *   list, logs (tail and follow), exec, probes, and an event stream of container exits.
 * - `podSandboxConfig(pod)` and `containerConfig(pod, container)` derive CRI configs from a Pod the way
 *   the kubelet does (env resolved and `$(VAR)`-expanded, kubelet labels).
 * - `SimulatedRuntime` runs no processes: containers move through their states on an injected Clock,
 *   deterministically under a seed, with fault injection; O(1) per operation.
 * - `ProcessRuntime` runs each container as a local process group, from a local image directory or the
 *   container's command, with ports on loopback, rotated log files, and SIGTERM → grace → SIGKILL.
 * - Both pass the conformance suite in `@flotilla/runtime/testing`.
 */

export { exitReason } from './book.js';
export {
  CONTAINER_NAME_LABEL,
  type ContainerConfigOptions,
  containerConfig,
  expandVars,
  POD_NAME_LABEL,
  POD_NAMESPACE_LABEL,
  POD_UID_LABEL,
  podSandboxConfig,
  RESTART_COUNT_ANNOTATION,
} from './config.js';
export { isRuntimeError, RuntimeError, type RuntimeErrorReason } from './errors.js';
export { type ImageManifest, parseImageReference } from './images.js';
export { liveProcessGroups } from './process-groups.js';
export { ProcessRuntime, type ProcessRuntimeOptions } from './process-runtime.js';
export {
  type SimExecContext,
  type SimExecHandler,
  type SimHealth,
  type SimProgram,
  SimulatedRuntime,
  type SimulatedRuntimeOptions,
} from './simulated-runtime.js';
export type {
  ContainerConfig,
  ContainerExitedEvent,
  ContainerFilter,
  ContainerRuntime,
  ContainerState,
  ContainerStatus,
  ExecInput,
  ExecOptions,
  ExecResult,
  LogEntry,
  LogOptions,
  LogStream,
  PodSandboxConfig,
  PodSandboxStatus,
  PortMapping,
  ProbeKind,
  ProbeOptions,
  ProbeResult,
  RuntimeEvent,
  SandboxFilter,
  SandboxState,
} from './types.js';
