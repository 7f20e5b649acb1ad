import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDuration } from './backoff.js';
import { exited, instance, pod, state, T0 } from './core.test-support.js';
import { computePodActions } from './pod-actions.js';
import { computePodStatus } from './pod-status.js';
import type { ContainerView } from './types.js';

/** Kubernetes' rule stated independently: the i-th restart since a reset waits 0, 10 s, 20 s, … ≤ 5 min. */
const expectedDelay = (restartsSinceReset: number) =>
  restartsSinceReset === 0 ? 0 : Math.min(10_000 * 2 ** (restartsSinceReset - 1), 300_000);

const run = fc.record({
  /** How long the instance runs before it exits: often short (crash loop), sometimes > 10 min. */
  durationMs: fc.oneof(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 1_200_000 })),
  exitCode: fc.oneof(fc.constant(1), fc.constant(0), fc.integer({ min: 2, max: 255 })),
});

describe('restart policy and CrashLoopBackOff (property)', () => {
  it('for any exit sequence, restartCount counts restarts and each waits exactly the back-off', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('Always', 'OnFailure', 'Never'),
        fc.array(run, { maxLength: 25 }),
        (policy, runs) => {
          const p = pod({ restartPolicy: policy });
          let now = T0;
          let view: ContainerView = { current: instance({ attempt: 0, startedAt: now }) };
          let sinceReset = 0;
          let lastCrash: number | undefined;
          for (const { durationMs, exitCode } of runs) {
            const attempt = view.current!.attempt;
            const finishedAt = now + durationMs;
            view = { ...view, current: exited(exitCode, finishedAt, { attempt, startedAt: now }) };
            const restarts = policy === 'Always' || (policy === 'OnFailure' && exitCode !== 0);
            if (!restarts) {
              // Done for good: no action now or ever, and the status shows the exit.
              for (const at of [finishedAt, finishedAt + 3_600_000]) {
                expect(computePodActions(p, state({ web: view }), { now: at })).toEqual({ actions: [] });
              }
              const s = computePodStatus(p, state({ web: view }), { now: finishedAt });
              expect(s.containerStatuses?.[0]?.state?.terminated?.exitCode).toBe(exitCode);
              expect(s.containerStatuses?.[0]?.restartCount).toBe(attempt);
              return;
            }
            if (lastCrash === undefined || finishedAt - lastCrash > 600_000) sinceReset = 0;
            const delay = expectedDelay(sinceReset);
            if (delay > 0) {
              const early = computePodActions(p, state({ web: view }), { now: finishedAt });
              expect(early).toEqual({ actions: [], requeueAfter: delay });
              const almost = computePodActions(p, state({ web: view }), { now: finishedAt + delay - 1 });
              expect(almost).toEqual({ actions: [], requeueAfter: 1 });
              const s = computePodStatus(p, state({ web: view }), { now: finishedAt + delay - 1 });
              expect(s.containerStatuses?.[0]?.state?.waiting?.reason).toBe('CrashLoopBackOff');
              expect(s.containerStatuses?.[0]?.state?.waiting?.message).toMatch(
                new RegExp(`^back-off ${formatDuration(delay)} restarting failed container=web `),
              );
              expect(s.containerStatuses?.[0]?.restartCount).toBe(attempt);
            }
            const plan = computePodActions(p, state({ web: view }), { now: finishedAt + delay });
            expect(plan.actions).toHaveLength(1);
            const action = plan.actions[0]!;
            if (action.type !== 'startContainer') throw new Error(`expected a start, got ${action.type}`);
            expect(action.attempt).toBe(attempt + 1);
            now = finishedAt + delay;
            lastCrash = finishedAt;
            sinceReset++;
            view = {
              ...(action.backoff ? { backoff: action.backoff } : {}),
              previous: view.current!,
              current: instance({ attempt: attempt + 1, startedAt: now }),
            };
            const s = computePodStatus(p, state({ web: view }), { now });
            expect(s.containerStatuses?.[0]?.restartCount).toBe(attempt + 1);
            expect(s.containerStatuses?.[0]?.lastState?.terminated?.exitCode).toBe(exitCode);
            expect(s.phase).toBe('Running');
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
