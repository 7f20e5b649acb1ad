import { validate } from '@flotilla/api';
import { selectorFromLabelSelector } from '@flotilla/labels';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  arbDeployment,
  arbFaultSchedule,
  arbLabelSelector,
  arbLabels,
  arbNode,
  arbPod,
  arbScenario,
} from './arbitraries.js';

const roundTrips = (value: unknown) => expect(JSON.parse(JSON.stringify(value))).toEqual(value);

describe('object arbitraries', () => {
  it.each([
    { name: 'Pod', arb: arbPod() },
    { name: 'Deployment', arb: arbDeployment() },
    { name: 'Node', arb: arbNode() },
  ])('every generated $name validates and JSON round-trips', ({ arb }) => {
    fc.assert(
      fc.property(arb as fc.Arbitrary<unknown>, (object) => {
        expect(validate(object)).toEqual([]);
        roundTrips(object);
      }),
      { numRuns: 150, seed: 10 },
    );
  });

  it('a Deployment’s selector matches its own template', () => {
    fc.assert(
      fc.property(arbDeployment(), (d) => {
        expect(
          selectorFromLabelSelector(d.spec?.selector).matches(d.spec?.template.metadata?.labels ?? {}),
        ).toBe(true);
      }),
      { numRuns: 150, seed: 11 },
    );
  });

  it('label maps and selectors are valid for the labels package', () => {
    fc.assert(
      fc.property(arbLabelSelector(), arbLabels(), (selector, labels) => {
        const compiled = selectorFromLabelSelector(selector);
        expect(typeof compiled.matches(labels)).toBe('boolean');
        roundTrips(selector);
      }),
      { numRuns: 200, seed: 12 },
    );
  });
});

describe('fault schedule arbitraries', () => {
  it('are sorted, inside the window, bounded in length, and drawn from the given kinds', () => {
    fc.assert(
      fc.property(
        arbFaultSchedule({ windowMs: 30_000, maxFaults: 4, kinds: ['partition', 'conflicts'] }),
        (schedule) => {
          expect(schedule.length).toBeLessThanOrEqual(4);
          expect(schedule.map((s) => s.at)).toEqual([...schedule.map((s) => s.at)].sort((a, b) => a - b));
          for (const s of schedule) {
            expect(s.at).toBeGreaterThanOrEqual(0);
            expect(s.at).toBeLessThanOrEqual(30_000);
            expect(['partition', 'conflicts']).toContain(s.fault.kind);
          }
          roundTrips(schedule);
        },
      ),
      { numRuns: 200, seed: 13 },
    );
  });

  it('scenarios carry a positive 31-bit seed', () => {
    fc.assert(
      fc.property(arbScenario(), ({ seed }) => {
        expect(Number.isInteger(seed) && seed > 0 && seed < 2 ** 31).toBe(true);
      }),
      { numRuns: 100, seed: 14 },
    );
  });
});
