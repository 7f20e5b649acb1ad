/**
 * Store benchmarks. Run with `pnpm --filter @flotilla/store bench` (tsx --expose-gc). Prints
 * `BENCH <name> <value> <unit>` lines; each figure has its baseline measured in the same run and the
 * ratio on its own line.
 */
import { applyDefaults, lookupKind, type Pod, validate } from '@flotilla/api';
import { VirtualClock } from '@flotilla/clock';
import { parseSelector } from '@flotilla/labels';
import { MemoryBackend, ObjectStore, type Scheme } from '../src/index.js';

const POD = { apiVersion: 'v1', kind: 'Pod' } as const;

function report(name: string, value: number, unit: string): void {
  const digits = value >= 100 ? 0 : value >= 1 ? 2 : 4;
  console.log(`BENCH ${name} ${value.toFixed(digits)} ${unit}`);
}

function gc(): void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) {
    g();
    g();
  }
}

function podOf(i: number): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `pod-${String(i).padStart(6, '0')}`,
      namespace: `ns-${i % 10}`,
      labels: { app: `app-${i % 1000}`, tier: ['fe', 'be', 'db'][i % 3]!, 'pod-template-hash': `h${i % 97}` },
    },
    spec: {
      containers: [
        {
          name: 'main',
          image: 'registry.example.com/team/app:1.2.3',
          ports: [{ containerPort: 8080, protocol: 'TCP' }],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
        },
      ],
    },
  };
}

/** Sequential writers: each write awaited, as one client driving the backend. */
async function backendWrites(watchers: number, writes: number): Promise<number> {
  const backend = new MemoryBackend();
  const keys = 1000;
  const revs = new Array<number>(keys);
  for (let k = 0; k < keys; k++) revs[k] = await backend.create(`/registry/core/leases/ns/l-${k}`, '{"v":0}');
  let received = 0;
  const subs = Array.from({ length: watchers }, () =>
    backend.watch('/registry/core/leases/', revs[keys - 1]!).subscribe((batch) => {
      received += batch.length;
    }),
  );
  const value = '{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","spec":{"holderIdentity":"node-1"}}';
  const start = performance.now();
  for (let i = 0; i < writes; i++) {
    const k = i % keys;
    revs[k] = await backend.update(`/registry/core/leases/ns/l-${k}`, value, revs[k]!);
  }
  while (received < writes * watchers) await new Promise<void>((r) => setImmediate(r));
  const seconds = (performance.now() - start) / 1000;
  for (const s of subs) s.unsubscribe();
  await backend.close();
  return writes / seconds;
}

function mapSetBaseline(writes: number): number {
  const map = new Map<string, { value: string; rev: number }>();
  const value = '{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","spec":{"holderIdentity":"node-1"}}';
  const start = performance.now();
  for (let i = 0; i < writes; i++) map.set(`/registry/core/leases/ns/l-${i % 1000}`, { value, rev: i });
  return writes / ((performance.now() - start) / 1000);
}

const noValidation: Scheme = {
  lookupKind: (type) => lookupKind(type),
  applyDefaults: (obj) => obj,
  validate: () => [],
  validateUpdate: () => [],
};

async function podCreates(
  n: number,
): Promise<{ store: number; raw: number; unvalidated: number; validateOnly: number }> {
  const pods = Array.from({ length: n }, (_, i) => podOf(i));
  // Warm up the validation and defaulting code paths.
  const warm = new ObjectStore({ backend: new MemoryBackend(), clock: new VirtualClock() });
  for (let i = 0; i < 500; i++) await warm.create(podOf(i));

  const store = new ObjectStore({ backend: new MemoryBackend(), clock: new VirtualClock() });
  let start = performance.now();
  for (const p of pods) await store.create(p);
  const storeRate = n / ((performance.now() - start) / 1000);

  const backend = new MemoryBackend();
  start = performance.now();
  for (const p of pods) {
    await backend.create(
      `/registry/core/pods/${p.metadata!.namespace}/${p.metadata!.name}`,
      JSON.stringify(p),
    );
  }
  const rawRate = n / ((performance.now() - start) / 1000);

  const plain = new ObjectStore({
    backend: new MemoryBackend(),
    clock: new VirtualClock(),
    scheme: noValidation,
  });
  start = performance.now();
  for (const p of pods) await plain.create(p);
  const unvalidated = n / ((performance.now() - start) / 1000);

  start = performance.now();
  for (const p of pods) if (validate(applyDefaults(p)).length > 0) throw new Error('invalid bench pod');
  const validateOnly = n / ((performance.now() - start) / 1000);
  store.close();
  plain.close();
  return { store: storeRate, raw: rawRate, unvalidated, validateOnly };
}

/** Writes `n` stored Pods straight into a backend (as a restarted server would find them). */
async function loadPods(backend: MemoryBackend, n: number): Promise<void> {
  const stamp = (p: Pod, i: number): Pod => ({
    ...p,
    metadata: {
      ...p.metadata,
      uid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      creationTimestamp: '2024-01-01T00:00:00Z',
      generation: 1,
    },
  });
  for (let i = 0; i < n; i++) {
    const p = stamp(podOf(i), i);
    await backend.create(
      `/registry/core/pods/${p.metadata!.namespace}/${p.metadata!.name}`,
      JSON.stringify(p),
    );
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

async function listBySelector(n: number): Promise<{ indexed: number; scan: number; matched: number }> {
  const backend = new MemoryBackend();
  await loadPods(backend, n);
  const store = new ObjectStore({ backend, clock: new VirtualClock() });
  await store.list(POD, { limit: 1 });
  const selector = 'app=app-7,tier=db';
  const parsed = parseSelector(selector);
  const indexed: number[] = [];
  const scan: number[] = [];
  let matched = 0;
  for (let run = 0; run < 30; run++) {
    let t = performance.now();
    const list = await store.list(POD, { labelSelector: selector });
    indexed.push(performance.now() - t);
    matched = list.items.length;
    // Baseline: what a store without label indexes does, a full scan of the cache checking each object.
    t = performance.now();
    const all = await store.list(POD, { resourceVersion: '0' });
    const hits = all.items.filter((p) => parsed.matches(p.metadata?.labels ?? {}));
    scan.push(performance.now() - t);
    if (hits.length !== matched) throw new Error(`index ${matched} != scan ${hits.length}`);
  }
  store.close();
  return { indexed: median(indexed), scan: median(scan), matched };
}

async function memoryPer(n: number): Promise<{ total: number; backendOnly: number }> {
  gc();
  const before = process.memoryUsage().heapUsed;
  const backend = new MemoryBackend();
  await loadPods(backend, n);
  gc();
  const afterBackend = process.memoryUsage().heapUsed;
  const store = new ObjectStore({ backend, clock: new VirtualClock() });
  await store.list(POD, { limit: 1 });
  gc();
  const after = process.memoryUsage().heapUsed;
  const mb = (bytes: number) => bytes / (1024 * 1024);
  const result = { total: mb(after - before), backendOnly: mb(afterBackend - before) };
  store.close();
  return result;
}

async function main(): Promise<void> {
  if (!(globalThis as { gc?: unknown }).gc) console.error('note: run with --expose-gc for memory figures');
  const writes = 200_000;
  const baseline = mapSetBaseline(writes * 5);
  report('map_set_baseline', baseline, 'ops/s');
  let tenWatchers = 0;
  for (const watchers of [0, 10, 100]) {
    const rate = await backendWrites(watchers, watchers === 100 ? writes / 4 : writes);
    if (watchers === 10) tenWatchers = rate;
    report(`backend_writes_${watchers}_watchers`, rate, 'writes/s');
  }
  report('backend_writes_10_watchers_vs_map_set', tenWatchers / baseline, 'ratio');

  const creates = await podCreates(20_000);
  report('objectstore_pod_creates', creates.store, 'creates/s');
  report('backend_raw_pod_creates_baseline', creates.raw, 'creates/s');
  report('objectstore_pod_creates_vs_raw', creates.store / creates.raw, 'ratio');
  report('objectstore_pod_creates_without_validation', creates.unvalidated, 'creates/s');
  report('api_defaults_and_validate_only', creates.validateOnly, 'pods/s');

  const list = await listBySelector(100_000);
  report('list_label_selector_100k_pods', list.indexed, 'ms');
  report('list_full_scan_100k_pods_baseline', list.scan, 'ms');
  report('list_label_selector_speedup', list.scan / list.indexed, 'x');
  report('list_label_selector_matched', list.matched, 'pods');

  const memory = await memoryPer(100_000);
  report('memory_100k_pods', memory.total, 'MB');
  report('memory_100k_pods_backend_only', memory.backendOnly, 'MB');
}

await main();
