/**
 * etcd backend benchmarks: `FLOTILLA_ETCD_ENDPOINTS=127.0.0.1:23790 pnpm --filter @flotilla/store-etcd
 * bench` (start etcd with `bash .ci/etcd.sh start`). Prints `BENCH <name> <value> <unit>` lines; the raw
 * etcd3 client is the baseline, measured against the same etcd in the same run. Without a reachable
 * etcd it prints `BENCH store-etcd.skipped 1 flag` and exits 0.
 */
import type { Pod } from '@flotilla/api';
import { VirtualClock } from '@flotilla/clock';
import { ObjectStore } from '@flotilla/store';
import { Etcd3 } from 'etcd3';
import { EtcdBackend } from '../src/index.js';

const endpoints = process.env.FLOTILLA_ETCD_ENDPOINTS ?? '127.0.0.1:23790';
const hosts = endpoints.split(',').map((h) => `http://${h}`);
const root = `/bench-${process.pid}-${Date.now().toString(36)}`;
const VALUE = JSON.stringify({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  spec: { holderIdentity: 'node-1' },
});

function report(name: string, value: number, unit: string): void {
  const digits = value >= 100 ? 0 : value >= 1 ? 2 : 3;
  console.log(`BENCH ${name} ${value.toFixed(digits)} ${unit}`);
}

/** Runs `n` operations with at most `inFlight` outstanding; milliseconds taken. */
async function time(n: number, inFlight: number, op: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next < n) await op(next++);
    }),
  );
  return performance.now() - start;
}

/** Operations per second of `n` operations with at most `inFlight` outstanding. */
async function rate(n: number, inFlight: number, op: (i: number) => Promise<unknown>): Promise<number> {
  return n / ((await time(n, inFlight, op)) / 1000);
}

function pod(i: number): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `pod-${i}`, namespace: 'default', labels: { app: `app-${i % 10}` } },
    spec: { containers: [{ name: 'main', image: 'registry.example.com/app:1.0' }] },
  };
}

async function reachable(): Promise<boolean> {
  const client = new Etcd3({ hosts, dialTimeout: 1_000 });
  try {
    await client.get('/flotilla-bench-ping').options({ deadline: new Date(Date.now() + 1_500) });
    return true;
  } catch {
    return false;
  } finally {
    client.close();
  }
}

async function main(): Promise<void> {
  if (!(await reachable())) {
    console.log(`etcd is not reachable at ${endpoints}; start it with: bash .ci/etcd.sh start`);
    console.log('BENCH store-etcd.skipped 1 flag');
    return;
  }
  const raw = new Etcd3({ hosts });
  const backend = new EtcdBackend({ endpoints, prefix: root });
  try {
    // Warm both paths (connections, JIT).
    await rate(500, 16, (i) => raw.put(`${root}/warm/raw/${i}`).value(VALUE).exec());
    await rate(500, 16, (i) => backend.create(`/warm/ours/${i}`, VALUE));

    // Two baselines: a plain put (what the goal compares with), and the same conditional transaction
    // the backend sends (`create` must not overwrite), issued through the raw client.
    const rawTxn = (key: string) =>
      raw.kv.txn({
        compare: [{ key: Buffer.from(key), target: 'Create', result: 'Equal', create_revision: 0 }],
        success: [{ request_put: { key: Buffer.from(key), value: Buffer.from(VALUE) } }],
        failure: [],
      });
    // Interleaved rounds, so that etcd's state (database size, load from elsewhere) weighs on every
    // contender alike; each rate is total operations over total time.
    const contest = async (tag: string, rounds: number, n: number, inFlight: number) => {
      const total = { put: 0, txn: 0, ours: 0 };
      let k = 0;
      for (let r = 0; r < rounds; r++) {
        total.put += await time(n, inFlight, () =>
          raw.put(`${root}/raw-put/${tag}/${k++}`).value(VALUE).exec(),
        );
        total.txn += await time(n, inFlight, () => rawTxn(`${root}/raw-txn/${tag}/${k++}`));
        total.ours += await time(n, inFlight, () => backend.create(`/ours/${tag}/${k++}`, VALUE));
      }
      const ops = rounds * n * 1000;
      return { put: ops / total.put, txn: ops / total.txn, ours: ops / total.ours };
    };
    const seq = await contest('seq', 5, 300, 1);
    report('store-etcd.raw_put_sequential_baseline', seq.put, 'writes/s');
    report('store-etcd.raw_txn_create_sequential_baseline', seq.txn, 'writes/s');
    report('store-etcd.backend_create_sequential', seq.ours, 'writes/s');
    report('store-etcd.backend_create_sequential_vs_raw_put', seq.ours / seq.put, 'ratio');
    report('store-etcd.backend_create_sequential_vs_raw_txn', seq.ours / seq.txn, 'ratio');
    const par = await contest('par', 4, 1_000, 64);
    report('store-etcd.raw_put_64_in_flight_baseline', par.put, 'writes/s');
    report('store-etcd.raw_txn_create_64_in_flight_baseline', par.txn, 'writes/s');
    report('store-etcd.backend_create_64_in_flight', par.ours, 'writes/s');
    report('store-etcd.backend_create_64_in_flight_vs_raw_put', par.ours / par.put, 'ratio');
    report('store-etcd.backend_create_64_in_flight_vs_raw_txn', par.ours / par.txn, 'ratio');
    const rawPar = par.put;
    const parN = 4_000;

    // Updates carry a mod-revision compare, as every Kubernetes write of an existing object does.
    const keys = 64;
    const revs = await Promise.all(
      Array.from({ length: keys }, (_, k) => backend.create(`/upd/${k}`, VALUE)),
    );
    // One writer per key at a time (each update needs the revision the previous one returned).
    const chains = Array.from({ length: keys }, () => Promise.resolve());
    const oursUpd = await rate(parN, 64, (i) => {
      const k = i % keys;
      chains[k] = chains[k]!.then(async () => {
        revs[k] = await backend.update(`/upd/${k}`, VALUE, revs[k]!);
      });
      return chains[k]!;
    });
    report('store-etcd.backend_update_64_in_flight', oursUpd, 'writes/s');
    report('store-etcd.backend_update_64_in_flight_vs_raw_put', oursUpd / rawPar, 'ratio');

    const store = new ObjectStore({
      backend: new EtcdBackend({ endpoints, prefix: `${root}/objects` }),
      clock: new VirtualClock(),
    });
    await rate(50, 1, (i) => store.create(pod(1_000_000 + i)));
    report(
      'store-etcd.objectstore_pod_create_sequential',
      await rate(1_000, 1, (i) => store.create(pod(i))),
      'creates/s',
    );
    report(
      'store-etcd.objectstore_pod_create_64_in_flight',
      await rate(3_000, 64, (i) => store.create(pod(10_000 + i))),
      'creates/s',
    );
    store.close();

    const latencies: number[] = [];
    let arrived: () => void = () => undefined;
    const sub = backend.watch('/lat/', await backend.currentRevision()).subscribe(() => arrived());
    for (let i = 0; i < 1_000; i++) {
      const event = new Promise<void>((resolve) => {
        arrived = resolve;
      });
      const t = performance.now();
      await backend.create(`/lat/${i}`, VALUE);
      await event;
      latencies.push(performance.now() - t);
    }
    sub.unsubscribe();
    latencies.sort((x, y) => x - y);
    report('store-etcd.watch_latency_p50', latencies[500]! * 1000, 'us');
    report('store-etcd.watch_latency_p99', latencies[990]! * 1000, 'us');
  } finally {
    await raw
      .delete()
      .prefix(root)
      .catch(() => undefined);
    raw.close();
    await backend.close();
  }
}

await main();
