/**
 * Cost of managedFields bookkeeping on the write path.
 * - In process: microseconds per `trackWrite` (defaulting + field-set diff) for a create and for a
 *   one-field update of a Deployment, next to the store's own create/update of the same objects.
 * - Over http: merge-patch PATCH throughput (C in flight) of Deployments that carry managedFields
 *   (created through the API server) against ones that do not (created in process: untracked, as
 *   Kubernetes leaves them), alternating the two and keeping each one's best of 3 rounds.
 * Run with `tsx --conditions=@flotilla/source bench/write.bench.ts`. Prints `BENCH <name> <value> <unit>`.
 */
import { Agent, request } from 'node:http';
import { SystemClock, toRFC3339 } from '@flotilla/clock';
import { MemoryBackend, ObjectStore } from '@flotilla/store';
import { trackWrite } from '../src/field-manager.js';
import { createApiServer } from '../src/index.js';

const TOTAL = Number(process.env.BENCH_PATCHES ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const ITER = Number(process.env.BENCH_ITER ?? 5000);
/** Field managers taking turns on the PATCHes (each write then moves fields between them). */
const MANAGERS = Number(process.env.BENCH_MANAGERS ?? 3);

function report(name: string, value: number, unit: string): void {
  const digits = value >= 100 ? 0 : value >= 1 ? 2 : 4;
  console.log(`BENCH ${name} ${value.toFixed(digits)} ${unit}`);
}

const deployment = (name: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'default', labels: { app: name } },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: {
        containers: [
          {
            name: 'web',
            image: 'nginx:1.7.9',
            ports: [{ containerPort: 80 }],
            env: [
              { name: 'A', value: '1' },
              { name: 'B', value: '2' },
            ],
          },
        ],
      },
    },
  },
});

const clock = new SystemClock();
const store = new ObjectStore({ backend: new MemoryBackend(), clock });

async function micros(n: number, fn: (i: number) => unknown): Promise<number> {
  for (let i = 0; i < Math.min(n, 500); i++) await fn(i);
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await fn(i);
  return Number(process.hrtime.bigint() - start) / 1e3 / n;
}

// In process.
const opts = { manager: 'bench', now: toRFC3339(clock.now()) };
const tracked = trackWrite(undefined, deployment('m'), opts);
const live = await store.create(tracked);
const next = { ...live, spec: { ...live.spec, replicas: 4 } };
const trackCreate = await micros(ITER, () => trackWrite(undefined, deployment('m'), opts));
const trackPut = await micros(ITER, () => trackWrite(live, next, opts));
const trackPatch = await micros(ITER, () => trackWrite(live, next, opts, false));
const storeCreate = await micros(ITER, (i) => store.create(deployment(`c-${i}-${Math.random()}`)));
let replicas = 0;
const storeUpdate = await micros(ITER, () =>
  store.guaranteedUpdate(
    { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'default', name: 'm' },
    (cur) => ({
      ...cur,
      spec: { ...(cur as typeof live).spec, replicas: (replicas++ % 5) + 1 },
    }),
  ),
);
console.log(`# in process, ${ITER} iterations each`);
report('apiserver.track_create', trackCreate, 'us');
report('apiserver.store_create', storeCreate, 'us');
report('apiserver.track_create_share_of_store_create', trackCreate / storeCreate, 'x');
report('apiserver.track_put', trackPut, 'us');
report('apiserver.track_patch', trackPatch, 'us');
report('apiserver.store_update', storeUpdate, 'us');
report('apiserver.track_patch_share_of_store_update', trackPatch / storeUpdate, 'x');

// Over http.
const server = await createApiServer({ store, clock, tls: false });
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
const base = `${server.url}/apis/apps/v1/namespaces/default/deployments`;

function send(method: string, url: string, type: string, body: unknown): Promise<number> {
  const text = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, agent, headers: { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

const NAMES = 16;
for (let i = 0; i < NAMES; i++) {
  await store.create(deployment(`untracked-${i}`));
  const code = await send(
    'POST',
    `${base}?fieldManager=bench`,
    'application/json',
    deployment(`tracked-${i}`),
  );
  if (code !== 201) throw new Error(`create: ${code}`);
}

let counter = 0;
/** CPU microseconds (this process: client and server) of the last `throughput` round, per request. */
let cpuPerRequest = 0;

async function throughput(prefix: string): Promise<number> {
  let done = 0;
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, w) => {
      while (done < TOTAL) {
        done++;
        const name = `${prefix}-${(w + done) % NAMES}`;
        const patch = {
          metadata: { labels: { n: String(counter++) } },
          spec: { replicas: (counter % 5) + 1 },
        };
        const code = await send(
          'PATCH',
          `${base}/${name}?fieldManager=bench-${counter % MANAGERS}`,
          'application/merge-patch+json',
          patch,
        );
        if (code !== 200) throw new Error(`PATCH ${name}: ${code}`);
      }
    }),
  );
  const used = process.cpuUsage(cpu);
  cpuPerRequest = (used.user + used.system) / TOTAL;
  return TOTAL / (Number(process.hrtime.bigint() - start) / 1e9);
}

// Alternate the two in back-to-back pairs (the machine's load changes between rounds, rarely within
// a pair); report the best of each and the median of the per-pair slowdowns.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
let untracked = 0;
let trackedRate = 0;
const slowdowns: number[] = [];
const cpuRatios: number[] = [];
const cpuU: number[] = [];
const cpuT: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  const u = await throughput('untracked');
  cpuU.push(cpuPerRequest);
  const t = await throughput('tracked');
  cpuT.push(cpuPerRequest);
  untracked = Math.max(untracked, u);
  trackedRate = Math.max(trackedRate, t);
  slowdowns.push(1 - t / u);
  cpuRatios.push((cpuT.at(-1) as number) / (cpuU.at(-1) as number) - 1);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
console.log(
  `# ${TOTAL} merge-patch PATCHes, ${CONCURRENCY} in flight, ${MANAGERS} managers, http on loopback, ${ROUNDS} alternating rounds`,
);
report('apiserver.patch_untracked_best', untracked, 'req/s');
report('apiserver.patch_with_managed_fields_best', trackedRate, 'req/s');
report('apiserver.patch_slowdown_of_bests', 1 - trackedRate / untracked, 'x');
report('apiserver.patch_slowdown_median_pair', median(slowdowns), 'x');
// CPU time is less disturbed by other processes on a shared machine than wall-clock throughput.
report('apiserver.patch_cpu_untracked_median', median(cpuU), 'us/req');
report('apiserver.patch_cpu_with_managed_fields_median', median(cpuT), 'us/req');
report('apiserver.patch_cpu_overhead_median_pair', median(cpuRatios), 'x');

agent.destroy();
await server.close();
store.close();
