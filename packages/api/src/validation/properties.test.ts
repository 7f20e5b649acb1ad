import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyDefaults } from '../defaults/index.js';
import { validate } from '../validate.js';
import { validDeployment, validPod } from './arbitraries.test-support.js';

// biome-ignore lint/suspicious/noExplicitAny: mutations poke at plain JSON.
type J = any;

const fields = (errs: readonly { field: string; type: string }[]) => errs.map((e) => `${e.field} ${e.type}`);

describe('generated valid objects', () => {
  it('every generated Pod validates, before and after defaulting', () => {
    fc.assert(
      fc.property(validPod, (pod) => {
        expect(validate(pod)).toEqual([]);
        expect(validate(applyDefaults(pod))).toEqual([]);
      }),
      { numRuns: 120 },
    );
  });

  it('every generated Deployment validates, before and after defaulting', () => {
    fc.assert(
      fc.property(validDeployment, (dep) => {
        expect(validate(dep)).toEqual([]);
        expect(validate(applyDefaults(dep))).toEqual([]);
      }),
      { numRuns: 120 },
    );
  });

  it('defaulting is idempotent on generated objects', () => {
    fc.assert(
      fc.property(fc.oneof(validPod, validDeployment), (obj) => {
        const once = applyDefaults(obj);
        expect(applyDefaults(once)).toEqual(once);
      }),
      { numRuns: 120 },
    );
  });
});

const deploymentMutations: [string, (d: J, n: number) => void, string, string][] = [
  [
    'negative replicas',
    (d, n) => {
      d.spec.replicas = -1 - n;
    },
    'spec.replicas',
    'Invalid',
  ],
  [
    'bad name',
    (d) => {
      d.metadata.name = `${d.metadata.name}_X`;
    },
    'metadata.name',
    'Invalid',
  ],
  [
    'duplicate container name',
    (d) => {
      const cs = d.spec.template.spec.containers;
      cs.push({ ...cs[0], ports: [] });
    },
    '', // the index depends on the generated length; checked below
    'Duplicate',
  ],
  [
    'selector mismatch',
    (d) => {
      const key = Object.keys(d.spec.selector.matchLabels)[0] as string;
      d.spec.template.metadata.labels[key] = `${d.spec.selector.matchLabels[key]}x`;
    },
    'spec.template.metadata.labels',
    'Invalid',
  ],
  [
    'port 0',
    (d) => {
      d.spec.template.spec.containers[0].ports = [{ containerPort: 0 }];
    },
    'spec.template.spec.containers[0].ports[0].containerPort',
    'Required',
  ],
  [
    'port 70000',
    (d, n) => {
      d.spec.template.spec.containers[0].ports = [{ containerPort: 65536 + n }];
    },
    'spec.template.spec.containers[0].ports[0].containerPort',
    'Invalid',
  ],
];

describe('targeted mutations of generated Deployments are rejected', () => {
  it.each(deploymentMutations)('%s', (_, mutate, field, type) => {
    fc.assert(
      fc.property(validDeployment, fc.nat(1000), (dep, n) => {
        const bad = structuredClone(dep) as J;
        mutate(bad, n);
        for (const candidate of [bad, applyDefaults(bad)]) {
          const got = validate(candidate);
          if (field) expect(fields(got)).toContain(`${field} ${type}`);
          else
            expect(got.some((e) => e.type === type && /containers\[\d+\]\.name$/.test(e.field))).toBe(true);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('a bad pod name is rejected for generated Pods', () => {
    fc.assert(
      fc.property(validPod, (pod) => {
        const bad = structuredClone(pod) as J;
        bad.metadata.name = `-${bad.metadata.name}`;
        expect(fields(validate(bad))).toContain('metadata.name Invalid');
      }),
      { numRuns: 50 },
    );
  });
});
