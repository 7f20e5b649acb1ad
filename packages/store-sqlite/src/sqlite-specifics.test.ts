import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isGone } from '@flotilla/api';
import { VirtualClock } from '@flotilla/clock';
import { Collector } from '@flotilla/store/testing';
import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { SqliteBackend } from './sqlite-backend.js';

const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'flotilla-sqlite-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = () => join(dir, `t-${n++}.sqlite`);

const open: SqliteBackend[] = [];
const backend = (options: ConstructorParameters<typeof SqliteBackend>[0]) => {
  const b = new SqliteBackend(options);
  open.push(b);
  return b;
};
afterEach(async () => {
  await Promise.all(open.splice(0).map((b) => b.close()));
});

const revs = (c: Collector<readonly { kv: { modRevision: number } }[]>) =>
  c.values.flat().map((e) => e.kv.modRevision);
const last = (c: Collector<readonly { kv: { modRevision: number } }[]>) => revs(c).at(-1) ?? 0;

describe('SqliteBackend durability', () => {
  it('keeps data, revisions and compaction across a reopen', async () => {
    const path = file();
    const a = new SqliteBackend({ path });
    const r1 = await a.create('/k/a', 'one');
    const r2 = await a.update('/k/a', 'two', r1);
    const r3 = await a.create('/k/b', 'b');
    await a.delete('/k/b', r3);
    await a.compact(r2);
    await a.close();
    const b = backend({ path });
    expect(await b.currentRevision()).toBe(4);
    expect(await b.compactedRevision()).toBe(r2);
    expect(await b.get('/k/a')).toEqual({
      key: '/k/a',
      value: 'two',
      createRevision: r1,
      modRevision: r2,
      version: 2,
    });
    expect(await b.create('/k/c', 'c')).toBe(5);
  });

  it('never reuses a revision, even when compaction deleted the newest rows', async () => {
    const path = file();
    const a = new SqliteBackend({ path });
    const r1 = await a.create('/k', 'v');
    const r2 = await a.delete('/k', r1);
    await a.compact(r2);
    await a.close();
    const b = backend({ path });
    expect(await b.currentRevision()).toBe(r2);
    expect(await b.create('/k', 'again')).toBe(r2 + 1);
  });

  it('compaction deletes superseded rows and tombstones, keeping every read at or after it', async () => {
    const path = file();
    const b = backend({ path });
    let rev = await b.create('/k/a', '0');
    for (let i = 1; i < 50; i++) rev = await b.update('/k/a', String(i), rev);
    const r = await b.create('/k/gone', 'x');
    await b.delete('/k/gone', r);
    const kept = await b.create('/k/z', 'z');
    await b.compact(kept);
    const db = new Database(path, { readonly: true });
    const rows = db.prepare('SELECT name, id FROM kv ORDER BY id').all();
    db.close();
    expect(rows).toEqual([
      { name: '/k/a', id: rev },
      { name: '/k/z', id: kept },
    ]);
    expect((await b.range('/k/', { revision: kept })).items.map((kv) => kv.value)).toEqual(['49', 'z']);
  });

  it('writers killed with SIGKILL lose no acknowledged write and leave nothing half-written', async () => {
    // Four writers at once (each pays ~2 s of start-up), each killed at its own point after its first ack.
    const runs = [1, 2, 3, 4].map((run) => ({ run, path: join(dir, `crash-${run}.sqlite`) }));
    const results = await Promise.all(runs.map(({ run, path }) => killedWriter(path, run, 20 + run * 70)));
    for (const [index, acked] of results.entries()) {
      const { run, path } = runs[index]!;
      expect(acked.length).toBeGreaterThan(0);
      const raw = new Database(path);
      expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
      raw.close();
      const b = backend({ path });
      let counter = 0;
      for (const { rev, key, i } of acked) {
        if (key === '/counter') {
          counter = Math.max(counter, i);
          continue;
        }
        expect(await b.get(key)).toMatchObject({ value: crashValue(i), modRevision: rev, version: 1 });
      }
      const current = await b.get('/counter');
      if (counter > 0) expect(JSON.parse(current?.value ?? '{}').i).toBeGreaterThanOrEqual(counter);
      // Every stored row is whole: its value is exactly what the writer produced for its index.
      const stored = [...(await b.range('/k/')).items, ...(current ? [current] : [])];
      expect(stored.length).toBeGreaterThanOrEqual(acked.filter((a) => a.key !== '/counter').length);
      for (const kv of stored) {
        const { i } = JSON.parse(kv.value) as { i: number };
        expect(kv.value).toBe(crashValue(i));
      }
      const maxAcked = Math.max(...acked.map((a) => a.rev));
      expect(await b.currentRevision()).toBeGreaterThanOrEqual(maxAcked);
      expect(await b.create(`/after/${run}`, 'ok')).toBeGreaterThan(maxAcked);
    }
  });
});

describe('SqliteBackend sharing one file', () => {
  it('a second backend sees the first one’s writes on its poll, driven by its clock', async () => {
    const path = file();
    const clock = new VirtualClock();
    const writer = backend({ path });
    const reader = backend({ path, clock, pollIntervalMs: 50 });
    const w = new Collector(reader.watch('/s/', await reader.currentRevision()));
    const r1 = await writer.create('/s/1', 'x');
    await new Promise((resolve) => setImmediate(resolve));
    expect(w.values).toEqual([]);
    await clock.advance(50);
    await w.until(() => last(w) >= r1);
    const r2 = await writer.create('/s/2', 'y');
    await clock.advance(50);
    await w.until(() => last(w) >= r2);
    expect(revs(w)).toEqual([r1, r2]);
    expect(await reader.get('/s/2')).toMatchObject({ value: 'y', modRevision: r2 });
    w.unsubscribe();
    expect(clock.pendingTimers).toBe(0);
  });

  it('conditional writes from two backends on one file: exactly one wins', async () => {
    const path = file();
    const a = backend({ path });
    const b = backend({ path });
    const r = await a.create('/race', 'start');
    const results = await Promise.allSettled([a.update('/race', 'a', r), b.update('/race', 'b', r)]);
    expect(results.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
    expect(await b.get('/race')).toMatchObject({ version: 2 });
  });

  it('a watcher of another backend that fell behind a compaction ends with Gone', async () => {
    const path = file();
    const clock = new VirtualClock();
    const a = backend({ path });
    const b = backend({ path, clock, pollIntervalMs: 10 });
    const w = new Collector(b.watch('/g/', await b.currentRevision()));
    let rev = await a.create('/g/k', '0');
    for (let i = 1; i < 5; i++) rev = await a.update('/g/k', String(i), rev);
    await a.compact(rev);
    await clock.advance(10);
    await w.ended();
    expect(isGone(w.error)).toBe(true);
  });

  it('a local watcher behind a compaction still receives everything', async () => {
    const b = backend({ path: file() });
    const w = new Collector(b.watch('/l/', 0));
    const writes: Promise<number>[] = [];
    // All writes and the compaction run before the watcher's first delivery.
    let rev = await b.create('/l/k', '0');
    for (let i = 1; i < 10; i++) writes.push(b.update('/l/k', String(i), rev + i - 1));
    const all = [rev, ...(await Promise.all(writes))];
    rev = all.at(-1)!;
    await b.compact(rev);
    await w.until(() => last(w) >= rev);
    expect(revs(w)).toEqual(all);
    expect(await b.compactedRevision()).toBe(rev);
    expect(isGone(await b.range('/l/', { revision: rev - 1 }).catch((e: unknown) => e))).toBe(true);
  });
});

describe('SqliteBackend options', () => {
  it.each([
    { name: 'pollIntervalMs 0', options: { pollIntervalMs: 0 }, want: /pollIntervalMs/ },
    { name: 'busyTimeoutMs -1', options: { busyTimeoutMs: -1 }, want: /busyTimeoutMs/ },
    { name: 'synchronous off', options: { synchronous: 'off' as 'full' }, want: /synchronous/ },
  ])('rejects $name', ({ options, want }) => {
    expect(() => new SqliteBackend({ path: ':memory:', ...options })).toThrow(want);
  });

  it.each(['normal', 'full'] as const)('runs in WAL mode with synchronous=%s', (synchronous) => {
    const path = file();
    const b = backend({ path, synchronous });
    const db = (b as unknown as { db: Database.Database }).db;
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(synchronous === 'normal' ? 1 : 2);
  });
});

function crashValue(i: number): string {
  const n = 100 + ((i * 7919) % 65_000);
  return JSON.stringify({ i, n, pad: 'x'.repeat(n) });
}

/** Starts the crash writer, kills it with SIGKILL `delayMs` after its first acknowledgement. */
function killedWriter(path: string, run: number, delayMs: number) {
  return new Promise<{ rev: number; key: string; i: number }[]>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--conditions=@flotilla/source',
        '--import',
        'tsx',
        join(here, 'crash-writer.test-support.ts'),
        path,
        String(run),
      ],
      { cwd: join(here, '..'), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const acked: { rev: number; key: string; i: number }[] = [];
    let buffer = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const line of lines) {
        const [, rev, key, i] = line.split(' ');
        acked.push({ rev: Number(rev), key: key as string, i: Number(i) });
      }
      timer ??= setTimeout(() => child.kill('SIGKILL'), delayMs);
    });
    // Never leave a writer running, even when it fails to start or to print.
    const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(guard);
      // A line cut in half by the kill was never fully acknowledged.
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`writer exited with ${code}: ${stderr}`));
    });
  });
}
