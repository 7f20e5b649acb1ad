import { describe, expect, it } from 'vitest';
import { isRolloutError } from './errors.js';
import type { Deployment } from './shapes.js';
import { readDeployment } from './spec.js';
import { deployment } from './testing/fixtures.js';

describe('readDeployment', () => {
  it('applies apps/v1 defaults to absent fields', () => {
    const d = deployment();
    const bare: Deployment = {
      ...d,
      spec: { selector: d.spec!.selector, template: d.spec!.template },
    };
    expect(readDeployment(bare)).toMatchObject({
      replicas: 1,
      strategy: 'RollingUpdate',
      maxSurge: 1,
      maxUnavailable: 0,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      minReadySeconds: 0,
      paused: false,
    });
  });

  it.each([
    { name: '10 replicas, 25%/25%', replicas: 10, surge: '25%', unavailable: '25%', want: [3, 2] },
    { name: 'maxUnavailable capped at replicas', replicas: 2, surge: 1, unavailable: 5, want: [1, 2] },
    { name: 'no unavailability at 0 replicas', replicas: 0, surge: 1, unavailable: 1, want: [1, 0] },
  ])('fenceposts: $name', ({ replicas, surge, unavailable, want }) => {
    const d = readDeployment(deployment({ replicas, maxSurge: surge, maxUnavailable: unavailable }));
    expect([d.maxSurge, d.maxUnavailable]).toEqual(want);
  });

  it('Recreate has no surge or unavailability budget, and no deadline at MaxInt32', () => {
    const d = readDeployment(deployment({ strategy: 'Recreate', progressDeadlineSeconds: 2147483647 }));
    expect([d.maxSurge, d.maxUnavailable, d.progressDeadlineSeconds]).toEqual([0, 0, undefined]);
  });

  const base = deployment();
  it.each([
    { name: 'negative replicas', change: { replicas: -1 }, field: 'spec.replicas' },
    { name: 'unknown strategy', change: { strategy: { type: 'BlueGreen' } }, field: 'spec.strategy.type' },
    {
      name: 'rollingUpdate with Recreate',
      change: { strategy: { type: 'Recreate', rollingUpdate: { maxSurge: 1 } } },
      field: 'spec.strategy.rollingUpdate',
    },
    {
      name: 'both fenceposts 0',
      change: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } } },
      field: 'spec.strategy.rollingUpdate.maxUnavailable',
    },
    {
      name: 'maxUnavailable above 100%',
      change: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: '150%' } } },
      field: 'spec.strategy.rollingUpdate.maxUnavailable',
    },
    {
      name: 'bad percent',
      change: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 'x%', maxUnavailable: 1 } } },
      field: 'spec.strategy.rollingUpdate.maxSurge',
    },
    {
      name: 'deadline not above minReadySeconds',
      change: { progressDeadlineSeconds: 5, minReadySeconds: 5 },
      field: 'spec.progressDeadlineSeconds',
    },
    {
      name: 'selector not matching the template',
      change: { selector: { matchLabels: { app: 'other' } } },
      field: 'spec.template.metadata.labels',
    },
    {
      name: 'invalid selector',
      change: { selector: { matchExpressions: [{ key: 'a', operator: 'Near' }] } },
      field: 'spec.selector',
    },
  ])('rejects $name naming $field', ({ change, field }) => {
    const bad = { ...base, spec: { ...base.spec!, ...change } } as Deployment;
    let caught: unknown;
    try {
      readDeployment(bad);
    } catch (e) {
      caught = e;
    }
    expect(isRolloutError(caught, 'Invalid')).toBe(true);
    expect((caught as { field: string }).field).toBe(field);
  });
});
