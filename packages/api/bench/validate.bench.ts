/**
 * Throughput of `applyDefaults` + `validate` on varied Pods, against a JSON deep clone of the same
 * Pods measured in the same run (the cheapest thing a store does with every object it accepts).
 *
 * Prints `BENCH api.pod.validate_default <n> ops/s`, `BENCH api.baseline.json_clone <n> ops/s` and
 * the ratio `BENCH api.pod.validate_default.vs_clone <r> x` (how many clones one validation costs).
 */
import { applyDefaults, validate } from '@flotilla/api';

const COUNT = Number(process.env.BENCH_PODS ?? 50_000);

function makePod(i: number) {
  const containers = Array.from({ length: 1 + (i % 3) }, (_, c) => ({
    name: `c${c}`,
    image: c === 0 ? `registry.example.com/app-${i % 17}:v${i % 5}` : 'busybox',
    ports: [{ containerPort: 8000 + c, name: `http-${c}` }],
    env: [{ name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
    resources: {
      requests: { cpu: `${100 + (i % 400)}m`, memory: `${64 + (i % 64)}Mi` },
      limits: { cpu: '1', memory: '512Mi' },
    },
    readinessProbe:
      i % 2 === 0 ? { httpGet: { path: '/ready', port: 8000 + c } } : { tcpSocket: { port: 8000 + c } },
  }));
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `pod-${i}`,
      namespace: `ns-${i % 10}`,
      labels: { app: `app-${i % 17}`, 'pod-template-hash': `h${i % 1000}`, tier: i % 2 ? 'web' : 'db' },
      annotations: { 'example.com/index': String(i) },
    },
    spec: {
      containers,
      volumes: [{ name: 'data', emptyDir: {} }],
      nodeSelector: { 'kubernetes.io/os': 'linux' },
      tolerations: [
        {
          key: 'node.kubernetes.io/not-ready',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 300,
        },
      ],
    },
  };
}

const pods = Array.from({ length: COUNT }, (_, i) => makePod(i));

function measure(label: string, fn: (pod: (typeof pods)[number]) => unknown): number {
  // Warm up on a slice, then time a full pass.
  for (let i = 0; i < Math.min(2000, pods.length); i++) fn(pods[i]!);
  const start = process.hrtime.bigint();
  let sink = 0;
  for (const pod of pods) sink += fn(pod) ? 1 : 0;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (sink < 0) console.log(label);
  return pods.length / seconds;
}

let invalid = 0;
const validateDefault = measure('validate', (pod) => {
  const errs = validate(applyDefaults(pod));
  if (errs.length) invalid++;
  return errs;
});
const clone = measure('clone', (pod) => JSON.parse(JSON.stringify(pod)));
if (invalid > 0) throw new Error(`${invalid} benchmark pods were invalid`);

console.log(`BENCH api.pod.validate_default ${Math.round(validateDefault)} ops/s`);
console.log(`BENCH api.baseline.json_clone ${Math.round(clone)} ops/s`);
console.log(`BENCH api.pod.validate_default.vs_clone ${(validateDefault / clone).toFixed(3)} x`);
