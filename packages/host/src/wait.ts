import type { Deployment } from '@flotilla/api';
import type { Client } from '@flotilla/client';
import type { Clock } from '@flotilla/clock';

/**
 * Polls `check` on the clock until it returns a value other than `undefined`, or fails after
 * `timeoutMs` with the last value `describe` gives. Works on wall time and on a `VirtualClock` (where
 * the caller advances time).
 */
export async function waitFor<T>(
  clock: Clock,
  check: () => Promise<T | undefined>,
  { timeoutMs = 60_000, intervalMs = 100, what = 'condition' } = {},
): Promise<T> {
  const deadline = clock.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (clock.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await clock.sleep(intervalMs);
  }
}

/** What `kubectl rollout status` reads, as numbers. */
export interface RolloutProgress {
  readonly replicas: number;
  readonly updated: number;
  readonly ready: number;
  readonly available: number;
  /** Pods of old revisions still counted in status. */
  readonly old: number;
  /** `kubectl rollout status` would say "successfully rolled out". */
  readonly complete: boolean;
  /** `ProgressDeadlineExceeded`, if the rollout stalled. */
  readonly failed: boolean;
  readonly message: string;
}

/** Kubernetes' `rollout status` logic for a Deployment (kubectl's `DeploymentStatusViewer`). */
export async function rolloutProgress(
  client: Client,
  namespace: string,
  name: string,
): Promise<RolloutProgress> {
  const d: Deployment = await client.resource('apps/v1', 'Deployment').namespace(namespace).get(name);
  const replicas = d.spec?.replicas ?? 1;
  const s = d.status ?? {};
  const updated = s.updatedReplicas ?? 0;
  const total = s.replicas ?? 0;
  const available = s.availableReplicas ?? 0;
  const observed = (s.observedGeneration ?? 0) >= (d.metadata?.generation ?? 0);
  const progressing = s.conditions?.find((c) => c.type === 'Progressing');
  const failed = progressing?.reason === 'ProgressDeadlineExceeded';
  let message: string;
  let complete = false;
  if (!observed) message = 'Waiting for deployment spec update to be observed...';
  else if (failed) message = `deployment "${name}" exceeded its progress deadline`;
  else if (updated < replicas) {
    message = `Waiting for deployment "${name}" rollout to finish: ${updated} out of ${replicas} new replicas have been updated...`;
  } else if (total > updated) {
    message = `Waiting for deployment "${name}" rollout to finish: ${total - updated} old replicas are pending termination...`;
  } else if (available < updated) {
    message = `Waiting for deployment "${name}" rollout to finish: ${available} of ${updated} updated replicas are available...`;
  } else {
    message = `deployment "${name}" successfully rolled out`;
    complete = true;
  }
  return {
    replicas,
    updated,
    ready: s.readyReplicas ?? 0,
    available,
    old: Math.max(0, total - updated),
    complete,
    failed,
    message,
  };
}
