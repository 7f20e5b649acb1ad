import type { Probe } from '@flotilla/api';
import type { Clock, TimerHandle } from '@flotilla/clock';
import type { ContainerRuntime, ProbeKind } from '@flotilla/runtime';

export interface ProbeWorkerOptions {
  readonly clock: Clock;
  readonly runtime: ContainerRuntime;
  readonly containerId: string;
  readonly kind: ProbeKind;
  readonly probe: Probe;
  /** When the container started (epoch ms on `clock`); the first probe runs `initialDelaySeconds` later. */
  readonly startedAt: number;
  /** Liveness and readiness wait for the startup probe: they probe only once this answers true. */
  readonly isStarted: () => boolean;
  /** A result crossed its threshold and changed (startup and liveness failures are reported each time). */
  readonly onResult: (kind: ProbeKind, success: boolean, message: string) => void;
}

/**
 * One probe of one container instance, with Kubernetes' semantics:
 *
 * - first run `initialDelaySeconds` after the container started, then every `periodSeconds` (from the
 *   start of the previous run; a run never overlaps the next), each with `timeoutSeconds`;
 * - a result counts once it repeats `successThreshold` (success) or `failureThreshold` (failure) times in a
 *   row; readiness starts as failure, liveness as success, startup as unknown;
 * - liveness and readiness do nothing until the startup probe succeeded; the startup probe stops after
 *   its first success.
 * - Timers live on the injected Clock only; `stop()` cancels the pending one. A container that is gone
 *   stops the worker.
 */
export class ProbeWorker {
  private timer: TimerHandle | undefined;
  private stopped = false;
  private last: boolean | undefined;
  private streak = 0;
  private reported: boolean | undefined;

  constructor(private readonly options: ProbeWorkerOptions) {
    this.reported = options.kind === 'readiness' ? false : options.kind === 'liveness' ? true : undefined;
  }

  start(): void {
    const { clock, probe, startedAt } = this.options;
    const firstAt = startedAt + Math.max(0, probe.initialDelaySeconds ?? 0) * 1000;
    this.schedule(Math.max(0, firstAt - clock.now()));
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, ms);
  }

  private async run(): Promise<void> {
    const { clock, runtime, probe, kind, containerId } = this.options;
    const periodMs = Math.max(1, probe.periodSeconds ?? 10) * 1000;
    const began = clock.now();
    if (kind !== 'startup' && !this.options.isStarted()) {
      this.schedule(periodMs);
      return;
    }
    let success: boolean;
    let message: string;
    try {
      const result = await runtime.probe(containerId, probe, {
        kind,
        timeoutMs: Math.max(1, probe.timeoutSeconds ?? 1) * 1000,
      });
      success = result.outcome === 'success';
      message = result.message ?? '';
    } catch {
      this.stop(); // the container (or the runtime) is gone
      return;
    }
    if (this.stopped) return;
    if (success === this.last) this.streak++;
    else {
      this.last = success;
      this.streak = 1;
    }
    const threshold = success ? (probe.successThreshold ?? 1) : (probe.failureThreshold ?? 3);
    if (this.streak >= threshold) {
      const changed = success !== this.reported;
      this.reported = success;
      if (changed || (!success && kind !== 'readiness')) {
        if (!success && kind !== 'readiness') this.streak = 0;
        this.options.onResult(kind, success, message);
      }
      if (success && kind === 'startup') {
        this.stop();
        return;
      }
    }
    this.schedule(Math.max(0, began + periodMs - clock.now()));
  }
}
