/**
 * Test-only fast-check arbitraries of valid Pods and Deployments (public arbitraries will live in
 * `@flotilla/testing`). Every generated object passes `validate`, before and after defaulting.
 */
import fc from 'fast-check';

const alnum = 'abcdefghijklmnopqrstuvwxyz0123456789'.split('');
const letters = 'abcdefghijklmnopqrstuvwxyz'.split('');

/** A DNS-1123 label of 1–20 characters. */
export const dnsLabel = fc
  .tuple(
    fc.constantFrom(...alnum),
    fc.array(fc.constantFrom(...alnum, '-'), { maxLength: 18 }),
    fc.constantFrom(...alnum),
  )
  .map(([a, mid, z]) => (mid.length === 0 ? a : `${a}${mid.join('')}${z}`));

/** An IANA service name: 1–15 characters, a letter first, no double dashes. */
export const portName = fc
  .tuple(fc.constantFrom(...letters), fc.array(fc.constantFrom(...alnum), { maxLength: 10 }))
  .map(([a, rest]) => `${a}${rest.join('')}`);

export const labelValue = fc
  .tuple(
    fc.constantFrom(...alnum, 'A', 'Z'),
    fc.array(fc.constantFrom(...alnum, '-', '_', '.'), { maxLength: 10 }),
    fc.constantFrom(...alnum),
  )
  .map(([a, mid, z]) => `${a}${mid.join('')}${z}`);

export const labels = fc.dictionary(dnsLabel, labelValue, { minKeys: 1, maxKeys: 4 });

const cpu = fc.integer({ min: 1, max: 4000 }).map((m) => ({ milli: m, text: `${m}m` }));
const memory = fc.integer({ min: 1, max: 4096 }).map((mi) => ({ mi, text: `${mi}Mi` }));

const resources = fc.option(
  fc.tuple(cpu, cpu, memory, memory).map(([c1, c2, m1, m2]) => ({
    requests: { cpu: c1.milli <= c2.milli ? c1.text : c2.text, memory: m1.mi <= m2.mi ? m1.text : m2.text },
    limits: { cpu: c1.milli <= c2.milli ? c2.text : c1.text, memory: m1.mi <= m2.mi ? m2.text : m1.text },
  })),
  { nil: undefined },
);

const probe = fc.option(
  fc.record({
    handler: fc.oneof(
      fc.record({
        httpGet: fc.record({ path: fc.constant('/healthz'), port: fc.integer({ min: 1, max: 65535 }) }),
      }),
      fc.record({ tcpSocket: fc.record({ port: fc.integer({ min: 1, max: 65535 }) }) }),
      fc.record({ exec: fc.record({ command: fc.constant(['true']) }) }),
    ),
    periodSeconds: fc.integer({ min: 1, max: 60 }),
    initialDelaySeconds: fc.integer({ min: 0, max: 60 }),
  }),
  { nil: undefined },
);

const container = (name: string) =>
  fc
    .record({
      image: fc.constantFrom('nginx', 'nginx:1.25', 'registry.k8s.io/pause:3.9', 'busybox@sha256:abcd'),
      ports: fc.uniqueArray(
        fc.record({ containerPort: fc.integer({ min: 1, max: 65535 }), name: portName }),
        {
          maxLength: 3,
          selector: (p) => p.name,
        },
      ),
      resources,
      readinessProbe: probe,
      imagePullPolicy: fc.option(fc.constantFrom('Always', 'IfNotPresent', 'Never'), { nil: undefined }),
    })
    .map(({ readinessProbe, ...c }) => {
      const out: Record<string, unknown> = { name, ...c };
      if (c.resources === undefined) delete out.resources;
      if (c.imagePullPolicy === undefined) delete out.imagePullPolicy;
      if (readinessProbe) {
        out.readinessProbe = {
          ...readinessProbe.handler,
          periodSeconds: readinessProbe.periodSeconds,
          initialDelaySeconds: readinessProbe.initialDelaySeconds,
        };
      }
      return out;
    });

/** A valid pod spec: 1–3 containers with distinct names. */
export const podSpec = (restartPolicies: readonly string[] = ['Always', 'OnFailure', 'Never']) =>
  fc
    .record({
      names: fc.uniqueArray(dnsLabel, { minLength: 1, maxLength: 3 }),
      restartPolicy: fc.option(fc.constantFrom(...restartPolicies), { nil: undefined }),
      dnsPolicy: fc.option(fc.constantFrom('ClusterFirst', 'Default'), { nil: undefined }),
      terminationGracePeriodSeconds: fc.option(fc.integer({ min: 0, max: 300 }), { nil: undefined }),
    })
    .chain(({ names, ...rest }) =>
      fc.tuple(...names.map(container)).map((containers) => {
        const spec: Record<string, unknown> = { containers };
        for (const [k, v] of Object.entries(rest)) if (v !== undefined) spec[k] = v;
        return spec;
      }),
    );

const meta = fc
  .record({ name: dnsLabel, namespace: dnsLabel, labels: fc.option(labels, { nil: undefined }) })
  .map((m) => {
    const out: Record<string, unknown> = { name: m.name, namespace: m.namespace };
    if (m.labels) out.labels = m.labels;
    return out;
  });

export const validPod = fc
  .record({ metadata: meta, spec: podSpec() })
  .map((p) => ({ apiVersion: 'v1', kind: 'Pod', ...p }));

export const validDeployment = fc
  .record({
    metadata: meta,
    selector: labels,
    extraLabels: fc.dictionary(dnsLabel, labelValue, { maxKeys: 2 }),
    replicas: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
    spec: podSpec(['Always']),
    strategy: fc.option(
      fc.oneof(
        fc.constant({ type: 'Recreate' }),
        fc.record({
          type: fc.constant('RollingUpdate'),
          rollingUpdate: fc.record({
            maxSurge: fc.oneof(
              fc.integer({ min: 1, max: 10 }),
              fc.integer({ min: 1, max: 100 }).map((n) => `${n}%`),
            ),
            maxUnavailable: fc.oneof(
              fc.integer({ min: 0, max: 10 }),
              fc.integer({ min: 0, max: 100 }).map((n) => `${n}%`),
            ),
          }),
        }),
      ),
      { nil: undefined },
    ),
  })
  .map(({ metadata, selector, extraLabels, replicas, spec, strategy }) => {
    const deploymentSpec: Record<string, unknown> = {
      selector: { matchLabels: selector },
      template: { metadata: { labels: { ...extraLabels, ...selector } }, spec },
    };
    if (replicas !== undefined) deploymentSpec.replicas = replicas;
    if (strategy !== undefined) deploymentSpec.strategy = strategy;
    return { apiVersion: 'apps/v1', kind: 'Deployment', metadata, spec: deploymentSpec };
  });
