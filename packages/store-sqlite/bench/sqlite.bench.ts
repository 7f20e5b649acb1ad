/**
 * SQLite backend benchmarks: `pnpm --filter @flotilla/store-sqlite bench`. Prints `BENCH <name> <value>
 * <unit>` lines; each figure has its baseline measured in the same run, and the ratio on its own line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Pod } from '@flotilla/api';
import { VirtualClock } from '@flotilla/clock';
import { MemoryBackend, ObjectStore } from '@flotilla/store';
import Database from 'better-sqlite3';
import { SqliteBackend } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'flotilla-sqlite-bench-'));
let files = 0;
const file = () => join(dir, `b-${files++}.sqlite`);
const VALUE = JSON.stringify({
  apiVersion: 'coordination.k8s.io/v1',
  kind: 'Lease',
  spec: { holderIdentity: 'node-1' },
});

function report(name: string, value: number, unit: string): void {
  const digits = value >= 100 ? 0 : value >= 1 ? 2 : 3;
  console.log(`BENCH ${name} ${value.toFixed(digits)} ${unit}`);
}

/** Baseline: raw better-sqlite3, one autocommitted INSERT per write, same pragmas, no revision logic. */
function rawInserts(n: number): number {
  const db = new Database(file());
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE kv (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, value TEXT NOT NULL)');
  const insert = db.prepare('INSERT INTO kv (name, value) VALUES (?, ?)');
  const start = performance.now();
  for (let i = 0; i < n; i++) insert.run(`/registry/leases/l-${i}`, VALUE);
  const rate = n / ((performance.now() - start) / 1000);
  db.close();
  return rate;
}

async function backendCreates(n: number): Promise<number> {
  const b = new SqliteBackend({ path: file() });
  const start = performance.now();
  for (let i = 0; i < n; i++) await b.create(`/registry/leases/l-${i}`, VALUE);
  const rate = n / ((performance.now() - start) / 1000);
  await b.close();
  return rate;
}

async function backendUpdates(n: number): Promise<number> {
  const b = new SqliteBackend({ path: file() });
  const keys = 100;
  const revs: number[] = [];
  for (let k = 0; k < keys; k++) revs.push(await b.create(`/registry/leases/l-${k}`, VALUE));
  const start = performance.now();
  for (let i = 0; i < n; i++)
    revs[i % keys] = await b.update(`/registry/leases/l-${i % keys}`, VALUE, revs[i % keys]!);
  const rate = n / ((performance.now() - start) / 1000);
  await b.close();
  return rate;
}

function pod(i: number): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `pod-${i}`, namespace: 'default', labels: { app: `app-${i % 10}` } },
    spec: { containers: [{ name: 'main', image: 'registry.example.com/app:1.0' }] },
  };
}

async function podCreates(backend: MemoryBackend | SqliteBackend, n: number): Promise<number> {
  const store = new ObjectStore({ backend, clock: new VirtualClock() });
  for (let i = 0; i < 50; i++) await store.create(pod(1_000_000 + i));
  const start = performance.now();
  for (let i = 0; i < n; i++) await store.create(pod(i));
  const rate = n / ((performance.now() - start) / 1000);
  store.close();
  await backend.close();
  return rate;
}

async function watchLatency(n: number): Promise<{ p50: number; p99: number }> {
  const b = new SqliteBackend({ path: file() });
  const latencies: number[] = [];
  let resolveEvent: () => void = () => undefined;
  const sub = b.watch('/w/', await b.currentRevision()).subscribe(() => resolveEvent());
  for (let i = 0; i < n; i++) {
    const arrived = new Promise<void>((resolve) => {
      resolveEvent = resolve;
    });
    const t = performance.now();
    await b.create(`/w/${i}`, VALUE);
    await arrived;
    latencies.push(performance.now() - t);
  }
  sub.unsubscribe();
  await b.close();
  latencies.sort((x, y) => x - y);
  return { p50: latencies[Math.floor(n * 0.5)]!, p99: latencies[Math.floor(n * 0.99)]! };
}

async function main(): Promise<void> {
  const n = 20_000;
  rawInserts(2_000);
  await backendCreates(2_000);
  const raw = rawInserts(n);
  const ours = await backendCreates(n);
  report('store-sqlite.raw_insert_baseline', raw, 'writes/s');
  report('store-sqlite.backend_create', ours, 'writes/s');
  report('store-sqlite.backend_create_vs_raw_insert', ours / raw, 'ratio');
  report('store-sqlite.backend_update', await backendUpdates(n), 'writes/s');
  const memoryPods = await podCreates(new MemoryBackend(), 5_000);
  const sqlitePods = await podCreates(new SqliteBackend({ path: file() }), 5_000);
  report('store-sqlite.objectstore_pod_create_memory_baseline', memoryPods, 'creates/s');
  report('store-sqlite.objectstore_pod_create', sqlitePods, 'creates/s');
  report('store-sqlite.objectstore_pod_create_vs_memory', sqlitePods / memoryPods, 'ratio');
  const latency = await watchLatency(2_000);
  report('store-sqlite.watch_latency_p50', latency.p50 * 1000, 'us');
  report('store-sqlite.watch_latency_p99', latency.p99 * 1000, 'us');
}

try {
  await main();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
