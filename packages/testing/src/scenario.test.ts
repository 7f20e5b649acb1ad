import { afterEach, describe, expect, it } from 'vitest';
import type { Invariant } from './invariants.js';
import { checkScenarios, replayFromEnv, runScenario } from './scenario.js';

/** A deliberately strict rule, so that the property fails and we can see the report. */
const noRestarts = (): Invariant => ({
  name: 'no container ever restarts',
  check: (state) =>
    state.pods
      .filter((p) => p.status?.containerStatuses?.some((c) => c.restartCount > 0))
      .map((p) => ({
        invariant: 'no container ever restarts',
        at: state.now,
        message: `pod ${p.metadata?.name} restarted`,
      })),
});

describe('runScenario', () => {
  it('is a function of its scenario: same seed and schedule, same history digest', async () => {
    const scenario = {
      seed: 77,
      schedule: [
        { at: 3_000, fault: { kind: 'crashContainer', pod: 2, exitCode: 1 } },
        { at: 5_000, fault: { kind: 'partition', node: 1, forMs: 20_000 } },
        { at: 9_000, fault: { kind: 'conflicts', rate: 0.2, forMs: 10_000 } },
        { at: 15_000, fault: { kind: 'restartControllerManager' } },
        { at: 30_000, fault: { kind: 'stopNode', node: 2 } },
      ] as const,
    };
    const a = await runScenario(scenario);
    const b = await runScenario(scenario);
    const c = await runScenario({ ...scenario, seed: 78 });
    expect(a.violations).toEqual([]);
    expect(a.historyDigest).toBe(b.historyDigest);
    expect(a.writes).toBe(b.writes);
    expect(c.historyDigest).not.toBe(a.historyDigest);
    // The stopped node's pods were evicted (5 min) and replaced before the run settled.
    expect(a.virtualMs).toBeGreaterThan(340_000);
  });
});

describe('checkScenarios', () => {
  afterEach(() => {
    delete process.env.FLOTILLA_SEED;
    delete process.env.FLOTILLA_SCHEDULE;
  });

  it('random fault schedules keep the standard invariants', async () => {
    expect(
      await checkScenarios({
        name: 'random fault schedules keep the standard invariants',
        numRuns: 12,
        fcSeed: 2024,
      }),
    ).toBe(12);
  });

  it('reports a failure with its seed, the shrunk schedule and the command that replays it', async () => {
    const options = {
      name: 'strict',
      numRuns: 30,
      fcSeed: 7,
      kinds: ['crashContainer', 'partition', 'conflicts'] as const,
      invariants: () => [noRestarts()],
    };
    const error = await checkScenarios(options).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(/^scenario failed: \d+ violation\(s\)/);
    expect(error?.message).toContain('[no container ever restarts]');
    // Shrunk to the one fault that matters.
    expect(error?.message).toMatch(/schedule \(1 faults\):\n {2}\+\d+ms crashContainer pod#0 exit 1/);
    const command =
      /FLOTILLA_SEED=(\d+) FLOTILLA_SCHEDULE='([^']*)' npx vitest run packages\/testing -t 'strict'/.exec(
        error?.message ?? '',
      );
    expect(command).not.toBeNull();

    // The command's environment replays exactly that scenario, and fails the same way.
    process.env.FLOTILLA_SEED = command?.[1];
    process.env.FLOTILLA_SCHEDULE = command?.[2];
    await expect(checkScenarios(options)).rejects.toThrow(error?.message.split('\n')[1] ?? 'unreachable');
    // …while a replay of a harmless scenario passes, having run just one.
    process.env.FLOTILLA_SCHEDULE = '[]';
    expect(await checkScenarios(options)).toBe(1);
  });
});

describe('replayFromEnv', () => {
  it.each([
    { name: 'unset', env: {}, want: undefined },
    { name: 'seed only', env: { FLOTILLA_SEED: '12' }, want: { seed: 12, schedule: [] } },
    {
      name: 'seed and schedule',
      env: {
        FLOTILLA_SEED: '3',
        FLOTILLA_SCHEDULE: '[{"at":0,"fault":{"kind":"restartControllerManager"}}]',
      },
      want: { seed: 3, schedule: [{ at: 0, fault: { kind: 'restartControllerManager' } }] },
    },
  ])('$name', ({ env, want }) => {
    expect(replayFromEnv(env)).toEqual(want);
  });

  it.each([
    { env: { FLOTILLA_SEED: 'x' }, error: 'FLOTILLA_SEED: Invalid value: "x": must be an integer' },
    {
      env: { FLOTILLA_SEED: '1', FLOTILLA_SCHEDULE: '{}' },
      error: 'FLOTILLA_SCHEDULE: Invalid value: must be a JSON array',
    },
  ])('rejects $env', ({ env, error }) => {
    expect(() => replayFromEnv(env)).toThrow(error);
  });
});
