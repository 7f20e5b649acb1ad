import type { ContainerStatus } from '@flotilla/runtime';
import type { BackoffEntry } from './backoff.js';

/**
 * A failed attempt to create or start a container that left nothing running: the waiting reason the
 * pod's status shows (`ErrImagePull`, `CreateContainerConfigError`, `CreateContainerError`), when it
 * happened, and the back-off before the next attempt.
 */
export interface StartFailure {
  readonly reason: string;
  readonly message: string;
  /** Epoch ms of the failed attempt. */
  readonly at: number;
  readonly backoff: BackoffEntry;
}

/** What probes said about the current instance of a container. */
export interface ProbeState {
  /** The startup probe succeeded (true at once without one). */
  readonly started: boolean;
  /** The readiness probe's result (true at once without one; false until its first success). */
  readonly ready: boolean;
  /** Set when liveness or startup failed: the container must be killed, with this message. */
  readonly unhealthy?: string;
}

/** Everything the agent knows about one container of a pod (init or app), by name. */
export interface ContainerView {
  /** The latest runtime instance (highest attempt), as the runtime reports it. */
  readonly current?: ContainerStatus;
  /** The instance before it (`lastState`). */
  readonly previous?: ContainerStatus;
  /** Crash-loop back-off entry (updated at every restart). */
  readonly backoff?: BackoffEntry;
  /** The last failed create/start attempt, when no instance came of it afterwards. */
  readonly failure?: StartFailure;
  /** Probe results for `current` (absent = nothing probed yet: the defaults). */
  readonly probe?: ProbeState;
}

export interface SandboxView {
  readonly id: string;
  readonly ip: string;
  readonly ready: boolean;
}

/** The observed state of one pod on this node: the input of the pure decisions. */
export interface PodRuntimeState {
  readonly sandbox?: SandboxView;
  /** The node's address (`status.hostIP`). */
  readonly hostIP: string;
  /** When this agent first saw the pod (`status.startTime`), epoch ms. */
  readonly startTime?: number;
  /** By container name; init and app containers share the namespace of names. */
  readonly containers: ReadonlyMap<string, ContainerView>;
}
