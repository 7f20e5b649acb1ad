import type { Probe } from '@flotilla/api';
import { VirtualClock } from '@flotilla/clock';
import type { ContainerRuntime, ProbeKind, ProbeResult } from '@flotilla/runtime';
import { describe, expect, it } from 'vitest';
import { ProbeWorker } from './prober.js';

/** A runtime whose `probe` answers from a script (true = success), recording when it was asked. */
function scripted(clock: VirtualClock, answers: readonly boolean[], latencyMs = 0) {
  const calls: number[] = [];
  const start = clock.now();
  const runtime = {
    async probe(): Promise<ProbeResult> {
      calls.push(clock.now() - start);
      if (latencyMs > 0) await clock.sleep(latencyMs);
      const ok = answers[Math.min(calls.length - 1, answers.length - 1)] ?? true;
      return ok ? { outcome: 'success' } : { outcome: 'failure', message: 'nope' };
    },
  } as unknown as ContainerRuntime;
  return { runtime, calls };
}

function worker(
  clock: VirtualClock,
  runtime: ContainerRuntime,
  kind: ProbeKind,
  probe: Probe,
  isStarted: () => boolean = () => true,
) {
  const results: { at: number; success: boolean }[] = [];
  const start = clock.now();
  const w = new ProbeWorker({
    clock,
    runtime,
    containerId: 'c1',
    kind,
    probe,
    startedAt: start,
    isStarted,
    onResult: (_k, success) => results.push({ at: clock.now() - start, success }),
  });
  w.start();
  return { w, results };
}

describe('ProbeWorker', () => {
  it('waits initialDelaySeconds, then probes every periodSeconds', async () => {
    const clock = new VirtualClock();
    const { runtime, calls } = scripted(clock, [true]);
    const { w } = worker(clock, runtime, 'readiness', {
      exec: { command: ['x'] },
      initialDelaySeconds: 5,
      periodSeconds: 3,
    });
    await clock.advance(14_000);
    expect(calls).toEqual([5_000, 8_000, 11_000, 14_000]);
    w.stop();
    await clock.advance(10_000);
    expect(calls).toHaveLength(4);
  });

  it('readiness: reported ready after successThreshold successes, unready after failureThreshold failures', async () => {
    const clock = new VirtualClock();
    const { runtime } = scripted(clock, [true, true, false, false, true, false, false, false, true, true]);
    const { results } = worker(clock, runtime, 'readiness', {
      exec: { command: ['x'] },
      periodSeconds: 1,
      successThreshold: 2,
      failureThreshold: 3,
    });
    await clock.advance(10_000);
    expect(results).toEqual([
      { at: 1_000, success: true }, // 2nd success
      { at: 7_000, success: false }, // 3rd failure in a row (the lone success at 4 s reset the streak)
      { at: 9_000, success: true },
    ]);
  });

  it('liveness: a failure is reported each time the threshold is reached again', async () => {
    const clock = new VirtualClock();
    const { runtime } = scripted(clock, [false]);
    const { results } = worker(clock, runtime, 'liveness', {
      exec: { command: ['x'] },
      periodSeconds: 1,
      failureThreshold: 2,
    });
    await clock.advance(5_500);
    expect(results.map((r) => r.at)).toEqual([1_000, 3_000, 5_000]);
  });

  it('liveness and readiness wait for the startup probe', async () => {
    const clock = new VirtualClock();
    let started = false;
    const { runtime, calls } = scripted(clock, [true]);
    worker(clock, runtime, 'readiness', { exec: { command: ['x'] }, periodSeconds: 1 }, () => started);
    await clock.advance(3_500);
    expect(calls).toEqual([]);
    started = true;
    await clock.advance(1_000);
    expect(calls).toEqual([4_000]);
  });

  it('startup: stops after its first success', async () => {
    const clock = new VirtualClock();
    const { runtime, calls } = scripted(clock, [false, false, true]);
    const { results } = worker(clock, runtime, 'startup', {
      exec: { command: ['x'] },
      periodSeconds: 1,
      failureThreshold: 30,
    });
    await clock.advance(10_000);
    expect(calls).toEqual([0, 1_000, 2_000]);
    expect(results).toEqual([{ at: 2_000, success: true }]);
  });

  it('a slow probe delays the next run but never overlaps it', async () => {
    const clock = new VirtualClock();
    const { runtime, calls } = scripted(clock, [true], 1_500);
    worker(clock, runtime, 'readiness', { exec: { command: ['x'] }, periodSeconds: 1 });
    await clock.advance(6_000);
    expect(calls).toEqual([0, 1_500, 3_000, 4_500, 6_000]);
  });
});
