import fc from 'fast-check';
import { expect } from 'vitest';
import type { Backend, BackendEvent, KeyValue } from '../backend.js';
import { Collector } from './collector.js';

/**
 * Model-based test of a Backend: fast-check generates sequences of operations, each runs against the
 * backend and against a plain Map, and every answer must agree. Afterwards a watch opened before the
 * run, and one opened from a random past revision, must replay to the final state.
 */

interface ModelEntry {
  readonly value: string;
  readonly createRevision: number;
  readonly modRevision: number;
  readonly version: number;
}

interface Model {
  data: Map<string, ModelEntry>;
  /** Revision of the last successful write, as the backend reported it. */
  revision: number;
  compacted: number;
  /** The state after each successful write: `[revision, snapshot]`, oldest first. */
  snapshots: [number, Map<string, ModelEntry>][];
  writes: number;
}

interface Real {
  readonly backend: Backend;
}

type Cmd = fc.AsyncCommand<Model, Real>;

const KEYS = ['/m/a', '/m/ab', '/m/b', '/m/b/c', '/n/b'] as const;
const PREFIXES = ['/', '/m/', '/m/a', '/m/b/', '/n/', '/x/'] as const;

function code(error: unknown): string {
  return typeof error === 'object' && error !== null && 'reason' in error
    ? String((error as { reason: unknown }).reason)
    : `unexpected ${String(error)}`;
}

async function failure(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return code(error);
  }
  return 'success';
}

function recordWrite(m: Model, revision: number): void {
  expect(revision).toBeGreaterThan(m.revision);
  m.revision = revision;
  m.writes++;
  m.snapshots.push([revision, new Map(m.data)]);
}

function toKv(key: string, e: ModelEntry): KeyValue {
  return { key, ...e };
}

class CreateCmd implements Cmd {
  constructor(
    readonly key: string,
    readonly value: string,
  ) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    if (m.data.has(this.key)) {
      expect(await failure(r.backend.create(this.key, this.value))).toBe('AlreadyExists');
      return;
    }
    const revision = await r.backend.create(this.key, this.value);
    m.data.set(this.key, { value: this.value, createRevision: revision, modRevision: revision, version: 1 });
    recordWrite(m, revision);
  }
  toString = () => `create(${this.key}, ${JSON.stringify(this.value)})`;
}

class UpdateCmd implements Cmd {
  constructor(
    readonly key: string,
    readonly value: string,
    readonly stale: boolean,
  ) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const current = m.data.get(this.key);
    if (current === undefined) {
      expect(await failure(r.backend.update(this.key, this.value, m.revision))).toBe('NotFound');
      return;
    }
    if (this.stale) {
      expect(await failure(r.backend.update(this.key, this.value, current.modRevision - 1))).toBe('Conflict');
      return;
    }
    const revision = await r.backend.update(this.key, this.value, current.modRevision);
    m.data.set(this.key, {
      value: this.value,
      createRevision: current.createRevision,
      modRevision: revision,
      version: current.version + 1,
    });
    recordWrite(m, revision);
  }
  toString = () => `update(${this.key}, ${JSON.stringify(this.value)}${this.stale ? ', stale' : ''})`;
}

class DeleteCmd implements Cmd {
  constructor(
    readonly key: string,
    readonly mode: 'unconditional' | 'current' | 'stale',
  ) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const current = m.data.get(this.key);
    if (current === undefined) {
      expect(await failure(r.backend.delete(this.key))).toBe('NotFound');
      return;
    }
    if (this.mode === 'stale') {
      expect(await failure(r.backend.delete(this.key, current.modRevision - 1))).toBe('Conflict');
      return;
    }
    const expected = this.mode === 'current' ? current.modRevision : undefined;
    const revision = await r.backend.delete(this.key, expected);
    m.data.delete(this.key);
    recordWrite(m, revision);
  }
  toString = () => `delete(${this.key}, ${this.mode})`;
}

class GetCmd implements Cmd {
  constructor(readonly key: string) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const current = m.data.get(this.key);
    expect(await r.backend.get(this.key)).toEqual(current && toKv(this.key, current));
  }
  toString = () => `get(${this.key})`;
}

class RangeCmd implements Cmd {
  constructor(
    readonly prefix: string,
    readonly limit: number | undefined,
    /** Which past state to read: 0 = current, otherwise an index into the snapshots from the end. */
    readonly back: number,
  ) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const snapshot = m.snapshots[m.snapshots.length - 1 - this.back];
    if (this.back === 0 || snapshot === undefined) {
      this.compare(m.data, m.revision, await r.backend.range(this.prefix, this.options()));
      return;
    }
    const [revision, state] = snapshot;
    if (revision < m.compacted) {
      expect(await failure(r.backend.range(this.prefix, { ...this.options(), revision }))).toBe('Gone');
      return;
    }
    this.compare(state, revision, await r.backend.range(this.prefix, { ...this.options(), revision }));
  }
  private options() {
    return this.limit === undefined ? {} : { limit: this.limit };
  }
  private compare(
    state: Map<string, ModelEntry>,
    revision: number,
    got: { items: readonly KeyValue[]; revision: number; more: boolean },
  ): void {
    const all = [...state.entries()]
      .filter(([key]) => key.startsWith(this.prefix))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([key, e]) => toKv(key, e));
    const want = this.limit === undefined ? all : all.slice(0, this.limit);
    expect(got.items).toEqual(want);
    expect(got.more).toBe(want.length < all.length);
    if (this.back !== 0) expect(got.revision).toBe(revision);
    else expect(got.revision).toBeGreaterThanOrEqual(revision);
  }
  toString = () => `range(${this.prefix}, limit=${this.limit}, back=${this.back})`;
}

class CompactCmd implements Cmd {
  constructor(readonly back: number) {}
  check = (m: Readonly<Model>) => m.snapshots.length > 0;
  async run(m: Model, r: Real): Promise<void> {
    const snapshot = m.snapshots[Math.max(0, m.snapshots.length - 1 - this.back)];
    if (snapshot === undefined) return;
    const [revision] = snapshot;
    await r.backend.compact(revision);
    if (revision > m.compacted) m.compacted = revision;
    expect(await r.backend.compactedRevision()).toBe(m.compacted);
  }
  toString = () => `compact(back=${this.back})`;
}

const key = fc.constantFrom(...KEYS);
const value = fc.oneof(fc.constantFrom('', 'x', '{"a":1}'), fc.string({ maxLength: 12 }));

export const backendCommands: fc.Arbitrary<Cmd>[] = [
  fc.tuple(key, value).map(([k, v]) => new CreateCmd(k, v)),
  fc.tuple(key, value, fc.boolean()).map(([k, v, s]) => new UpdateCmd(k, v, s)),
  fc
    .tuple(key, fc.constantFrom('unconditional', 'current', 'stale') as fc.Arbitrary<DeleteCmd['mode']>)
    .map(([k, mode]) => new DeleteCmd(k, mode)),
  key.map((k) => new GetCmd(k)),
  fc
    .tuple(
      fc.constantFrom(...PREFIXES),
      fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
      fc.nat(6),
    )
    .map(([p, l, b]) => new RangeCmd(p, l, b)),
  fc.nat(8).map((b) => new CompactCmd(b)),
];

const SENTINEL = '/zz/sentinel';

async function writeSentinel(backend: Backend, model: Model): Promise<number> {
  const revision = await backend.create(SENTINEL, '');
  expect(revision).toBeGreaterThan(model.revision);
  return revision;
}

function replay(start: Map<string, KeyValue>, batches: readonly (readonly BackendEvent[])[]) {
  const state = new Map(start);
  let last = 0;
  for (const batch of batches) {
    for (const event of batch) {
      expect(event.kv.modRevision).toBeGreaterThan(last);
      last = event.kv.modRevision;
      if (event.type === 'put') state.set(event.kv.key, event.kv);
      else state.delete(event.kv.key);
    }
  }
  return state;
}

function lastRevision(batches: readonly (readonly BackendEvent[])[]): number {
  const batch = batches[batches.length - 1];
  return batch?.[batch.length - 1]?.kv.modRevision ?? 0;
}

/** Runs the model-based property; each run gets a fresh backend from `createBackend`. */
export async function runBackendModel(
  createBackend: () => Backend | Promise<Backend>,
  numRuns: number,
): Promise<void> {
  await fc.assert(
    fc.asyncProperty(
      fc.commands(backendCommands, { maxCommands: 60, size: 'medium' }),
      fc.nat(40),
      async (cmds, replayFrom) => {
        const backend = await createBackend();
        try {
          const base = await backend.currentRevision();
          const full = new Collector(backend.watch('/', base));
          const model: Model = {
            data: new Map(),
            revision: base,
            compacted: 0,
            snapshots: [[base, new Map()]],
            writes: 0,
          };
          await fc.asyncModelRun(() => ({ model, real: { backend } }), cmds);
          const finalState = new Map([...model.data].map(([k, e]) => [k, toKv(k, e)]));

          // The watch opened before the run saw every successful write, in order, exactly once. A
          // sentinel written last marks the end: once it arrived, everything before it has too.
          const sentinel = await writeSentinel(backend, model);
          await full.until((batches) => lastRevision(batches) >= sentinel);
          const events = full.values.flat();
          expect(events.pop()?.kv.key).toBe(SENTINEL);
          expect(events.length).toBe(model.writes);
          expect(replay(new Map(), [events])).toEqual(finalState);
          full.unsubscribe();

          // A watch from any retained past revision, applied to the state at that revision, also does.
          const pick = model.snapshots[replayFrom % model.snapshots.length];
          if (pick !== undefined && model.writes > 0) {
            const [from, state] = pick;
            const partial = new Collector(backend.watch('/', from));
            if (from < model.compacted - 1) {
              await partial.ended();
              expect(code(partial.error)).toBe('Gone');
            } else {
              await partial.until((batches) => lastRevision(batches) >= sentinel);
              const start = new Map([...state].map(([k, e]) => [k, toKv(k, e)]));
              const tail = partial.values.flat();
              expect(tail.pop()?.kv.key).toBe(SENTINEL);
              expect(replay(start, [tail])).toEqual(finalState);
            }
            partial.unsubscribe();
          }
        } finally {
          await backend.close();
        }
      },
    ),
    { numRuns },
  );
}
