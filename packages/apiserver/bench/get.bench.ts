/**
 * GET throughput over http on loopback: N GETs of one Deployment with C in flight, against a bare
 * node:http server answering a constant JSON body of the same size in the same run (the baseline).
 * Run with `pnpm --filter @flotilla/apiserver bench`. Prints `BENCH <name> <value> <unit>` lines.
 */
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SystemClock } from '@flotilla/clock';
import { MemoryBackend, ObjectStore } from '@flotilla/store';
import { createApiServer } from '../src/index.js';

const TOTAL = Number(process.env.BENCH_GETS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);

function report(name: string, value: number, unit: string): void {
  const digits = value >= 100 ? 0 : value >= 1 ? 2 : 4;
  console.log(`BENCH ${name} ${value.toFixed(digits)} ${unit}`);
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function get(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers: { Accept: 'application/json' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Requests per second for TOTAL GETs of `url` with CONCURRENCY in flight (after a warm-up). */
async function throughput(url: string): Promise<number> {
  for (let i = 0; i < 200; i++) await get(url);
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < TOTAL) {
        next++;
        const code = await get(url);
        if (code !== 200) throw new Error(`GET ${url}: ${code}`);
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return TOTAL / seconds;
}

const clock = new SystemClock();
const store = new ObjectStore({ backend: new MemoryBackend(), clock });
const server = await createApiServer({ store, clock, tls: false });
const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: 'web' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: { containers: [{ name: 'web', image: 'nginx:1.7.9', ports: [{ containerPort: 80 }] }] },
    },
  },
};
const stored = await store.create(deployment);
const constant = JSON.stringify(stored);

const bare = createServer((_req, res) => {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(constant) });
  res.end(constant);
});
await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`;

// Alternate the two targets and keep each one's best round, so JIT warm-up favours neither.
const apiUrl = `${server.url}/apis/apps/v1/namespaces/default/deployments/web`;
let baseline = 0;
let apiserver = 0;
for (let round = 0; round < 3; round++) {
  baseline = Math.max(baseline, await throughput(bareUrl));
  apiserver = Math.max(apiserver, await throughput(apiUrl));
}
console.log(`# ${TOTAL} GETs, ${CONCURRENCY} in flight, keep-alive, http on loopback, best of 3 rounds`);
report('apiserver.get_baseline_bare_node_http', baseline, 'req/s');
report('apiserver.get_deployment', apiserver, 'req/s');
report('apiserver.get_ratio_vs_baseline', apiserver / baseline, 'x');

agent.destroy();
bare.close();
await server.close();
store.close();
