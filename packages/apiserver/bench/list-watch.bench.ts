/**
 * List and watch latency over http on loopback: listing 10,000 Pods as JSON and as a kubectl Table
 * (p50/p99 of 30 lists each), and write → event latency seen by 100 concurrent watchers (p50/p99 over
 * 200 writes). Baselines in the same run: `JSON.stringify` of the same 10,000 Pods for the list, and the
 * store's own in-process watch for the event latency.
 */
import { request } from 'node:http';
import { SystemClock } from '@flotilla/clock';
import { MemoryBackend, ObjectStore } from '@flotilla/store';
import { createApiServer } from '../src/index.js';

const PODS = Number(process.env.BENCH_PODS ?? 10_000);
const WATCHERS = Number(process.env.BENCH_WATCHERS ?? 100);
const WRITES = 200;

const report = (name: string, value: number, unit: string) =>
  console.log(`BENCH ${name} ${value >= 100 ? value.toFixed(0) : value.toFixed(2)} ${unit}`);
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? 0;

function fetchBody(url: string, accept: string): Promise<string> {
  return new Promise((resolve, reject) => {
    request(url, { headers: { Accept: accept } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    })
      .on('error', reject)
      .end();
  });
}

const clock = new SystemClock();
const store = new ObjectStore({ backend: new MemoryBackend(), clock });
const server = await createApiServer({ store, clock, tls: false });
const pod = (i: number) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: `pod-${i}`, namespace: 'default', labels: { app: `app-${i % 100}` } },
  spec: { nodeName: `node-${i % 100}`, containers: [{ name: 'c', image: 'nginx:1.27' }] },
});
for (let i = 0; i < PODS; i++) await store.create(pod(i));
const url = `${server.url}/api/v1/namespaces/default/pods`;

const timeList = async (accept: string) => {
  const samples: number[] = [];
  for (let i = 0; i < 30; i++) {
    const t = performance.now();
    const body = await fetchBody(url, accept);
    samples.push(performance.now() - t);
    if (body.length < 1000) throw new Error(`short list body: ${body.slice(0, 200)}`);
  }
  return samples;
};
const json = await timeList('application/json');
const table = await timeList('application/json;as=Table;v=v1;g=meta.k8s.io,application/json');
const items = (await store.list({ apiVersion: 'v1', kind: 'Pod' })).items;
const stringify: number[] = [];
for (let i = 0; i < 30; i++) {
  const t = performance.now();
  JSON.stringify({ kind: 'PodList', items });
  stringify.push(performance.now() - t);
}
report(`apiserver.list_${PODS}_pods.json.p50`, pct(json, 0.5), 'ms');
report(`apiserver.list_${PODS}_pods.json.p99`, pct(json, 0.99), 'ms');
report(`apiserver.list_${PODS}_pods.table.p50`, pct(table, 0.5), 'ms');
report(`apiserver.list_${PODS}_pods.table.p99`, pct(table, 0.99), 'ms');
report('apiserver.baseline.json_stringify_list.p50', pct(stringify, 0.5), 'ms');
report('apiserver.list_json.vs_stringify', pct(json, 0.5) / pct(stringify, 0.5), 'x');

// Watch: 100 HTTP watchers on ConfigMaps; each write's latency is taken when the last watcher sees it.
const cmUrl = `${server.url}/api/v1/namespaces/default/configmaps?watch=1`;
const seen = new Map<string, number>();
const written = new Map<string, number>();
const latencies: number[] = [];
const watchers = Array.from(
  { length: WATCHERS },
  () =>
    new Promise<() => void>((ready) => {
      const req = request(cmUrl, (res) => {
        let buf = '';
        res.on('data', (c: Buffer) => {
          buf += c.toString('utf8');
          let nl = buf.indexOf('\n');
          while (nl >= 0) {
            const line = buf.slice(0, nl);
            buf = buf.slice(nl + 1);
            nl = buf.indexOf('\n');
            const name =
              (JSON.parse(line) as { object?: { metadata?: { name?: string } } }).object?.metadata?.name ??
              '';
            const n = (seen.get(name) ?? 0) + 1;
            seen.set(name, n);
            if (n === WATCHERS) latencies.push(performance.now() - (written.get(name) ?? 0));
          }
        });
        ready(() => req.destroy());
      });
      req.end();
    }),
);
const closers = await Promise.all(watchers);
await new Promise((r) => setTimeout(r, 200));
for (let i = 0; i < WRITES; i++) {
  const name = `cm-${i}`;
  written.set(name, performance.now());
  await store.create({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace: 'default' },
    data: { i: String(i) },
  });
  await new Promise((r) => setTimeout(r, 2));
}
while (latencies.length < WRITES) await new Promise((r) => setTimeout(r, 10));
// Baseline: the store's in-process watch, one subscriber, same writes.
const direct: number[] = [];
const t0 = new Map<string, number>();
const s = store.watch({ apiVersion: 'v1', kind: 'Secret' }).subscribe((e) => {
  const at = t0.get(e.object.metadata?.name ?? '');
  if (at !== undefined) direct.push(performance.now() - at);
});
for (let i = 0; i < WRITES; i++) {
  const name = `s-${i}`;
  t0.set(name, performance.now());
  await store.create({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'default' } });
}
while (direct.length < WRITES) await new Promise((r) => setTimeout(r, 10));
s.unsubscribe();
report(`apiserver.watch_${WATCHERS}_watchers.write_to_event.p50`, pct(latencies, 0.5), 'ms');
report(`apiserver.watch_${WATCHERS}_watchers.write_to_event.p99`, pct(latencies, 0.99), 'ms');
report('apiserver.baseline.store_watch.write_to_event.p99', pct(direct, 0.99), 'ms');
for (const close of closers) close();
await server.close();
store.close();
process.exit(0);
