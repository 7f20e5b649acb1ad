import { VirtualClock } from '@flotilla/clock';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WorkQueue } from './work-queue.js';

const newQueue = () => {
  const clock = new VirtualClock({ start: 0 });
  return { clock, queue: new WorkQueue<string>({ clock }) };
};

describe('WorkQueue', () => {
  it('de-duplicates keys while they wait and keeps first-add order', () => {
    const { queue } = newQueue();
    for (const k of ['a', 'b', 'a', 'c', 'b']) queue.add(k);
    expect(queue.length).toBe(3);
    expect([queue.tryGet(), queue.tryGet(), queue.tryGet(), queue.tryGet()]).toEqual([
      'a',
      'b',
      'c',
      undefined,
    ]);
  });

  it('re-queues a key added while it is processed, only after done', () => {
    const { queue } = newQueue();
    queue.add('a');
    expect(queue.tryGet()).toBe('a');
    queue.add('a');
    queue.add('a');
    expect(queue.tryGet()).toBeUndefined();
    queue.done('a');
    expect(queue.tryGet()).toBe('a');
    queue.done('a');
    expect(queue.length).toBe(0);
  });

  it('hands a key to a waiting getter', async () => {
    const { queue } = newQueue();
    const next = queue.get();
    queue.add('x');
    expect(await next).toBe('x');
    expect(queue.inFlight).toBe(1);
  });

  it('addAfter waits on the clock; the earlier time wins', async () => {
    const { clock, queue } = newQueue();
    queue.addAfter('a', 100);
    queue.addAfter('a', 50);
    queue.addAfter('a', 500);
    await clock.advance(49);
    expect(queue.length).toBe(0);
    await clock.advance(1);
    expect(queue.tryGet()).toBe('a');
    queue.done('a');
    await clock.advance(1000);
    expect(queue.length).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('rate-limits with 5 ms doubling back-off until forget', async () => {
    const { clock, queue } = newQueue();
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      const start = clock.now();
      queue.addRateLimited('k');
      await clock.runUntilIdle();
      delays.push(clock.now() - start);
      expect(queue.tryGet()).toBe('k');
      queue.done('k');
    }
    expect(delays).toEqual([5, 10, 20, 40]);
    expect(queue.numRequeues('k')).toBe(4);
    queue.forget('k');
    expect(queue.numRequeues('k')).toBe(0);
  });

  it('shutDown drops delayed keys, serves what is queued, then resolves undefined', async () => {
    const { clock, queue } = newQueue();
    queue.add('a');
    queue.addAfter('b', 10);
    queue.shutDown();
    queue.add('c');
    expect(clock.pendingTimers).toBe(0);
    expect(await queue.get()).toBe('a');
    expect(await queue.get()).toBeUndefined();
  });

  it('shutDown releases waiting getters', async () => {
    const { queue } = newQueue();
    const pending = queue.get();
    queue.shutDown();
    expect(await pending).toBeUndefined();
  });

  it('shutDownWithDrain waits for keys in flight', async () => {
    const { queue } = newQueue();
    queue.add('a');
    const key = queue.tryGet()!;
    let drained = false;
    const drain = queue.shutDownWithDrain().then(() => {
      drained = true;
    });
    await Promise.resolve();
    expect(drained).toBe(false);
    queue.done(key);
    await drain;
    expect(drained).toBe(true);
  });

  it('shutDownWithDrain resolves even when a key in flight was added again', async () => {
    const { queue } = newQueue();
    queue.add('a');
    const key = queue.tryGet()!;
    queue.add('a');
    const drain = queue.shutDownWithDrain();
    queue.done(key);
    await drain;
    expect(queue.inFlight).toBe(0);
  });

  type Op =
    | { kind: 'add'; key: string }
    | { kind: 'addAfter'; key: string; ms: number }
    | { kind: 'work'; worker: number }
    | { kind: 'finish'; worker: number }
    | { kind: 'tick'; ms: number };

  it('property: never two workers on one key, no key lost, no key processed more often than added', async () => {
    const key = fc.constantFrom('a', 'b', 'c', 'd');
    const worker = fc.integer({ min: 0, max: 2 });
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), key }),
      fc.record({ kind: fc.constant('addAfter' as const), key, ms: fc.integer({ min: 0, max: 50 }) }),
      fc.record({ kind: fc.constant('work' as const), worker }),
      fc.record({ kind: fc.constant('finish' as const), worker }),
      fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 1, max: 30 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 80 }), async (ops) => {
        const { clock, queue } = newQueue();
        const holding: (string | undefined)[] = [undefined, undefined, undefined];
        const added = new Map<string, number>();
        const processed = new Map<string, number>();
        // A key added after its last processing started must be processed again.
        const needsProcessing = new Set<string>();
        const modelWaiting = new Map<string, { at: number; timer: ReturnType<typeof clock.setTimeout> }>();
        const onAdd = (k: string) => {
          added.set(k, (added.get(k) ?? 0) + 1);
          needsProcessing.add(k);
        };
        const take = (w: number) => {
          if (holding[w] !== undefined) return;
          const k = queue.tryGet();
          if (k === undefined) return;
          expect(holding).not.toContain(k);
          holding[w] = k;
          processed.set(k, (processed.get(k) ?? 0) + 1);
          needsProcessing.delete(k);
        };
        for (const o of ops) {
          if (o.kind === 'add') {
            onAdd(o.key);
            queue.add(o.key);
          } else if (o.kind === 'addAfter') {
            queue.addAfter(o.key, o.ms);
            // The model of a delayed add: the earlier of two pending times wins.
            const k = o.key;
            const at = clock.now() + o.ms;
            const pending = modelWaiting.get(k);
            if (o.ms <= 0) onAdd(k);
            else if (!pending || pending.at > at) {
              if (pending) clock.clearTimeout(pending.timer);
              const timer = clock.setTimeout(() => {
                modelWaiting.delete(k);
                onAdd(k);
              }, o.ms);
              modelWaiting.set(k, { at, timer });
            }
          } else if (o.kind === 'work') take(o.worker);
          else if (o.kind === 'finish') {
            const k = holding[o.worker];
            if (k !== undefined) {
              holding[o.worker] = undefined;
              queue.done(k);
            }
          } else await clock.advance(o.ms);
        }
        // Drain: every worker finishes, timers fire, then one worker processes everything left.
        for (let w = 0; w < holding.length; w++) {
          const k = holding[w];
          if (k !== undefined) queue.done(k);
          holding[w] = undefined;
        }
        await clock.runUntilIdle();
        for (;;) {
          take(0);
          const k = holding[0];
          if (k === undefined) break;
          holding[0] = undefined;
          queue.done(k);
        }
        expect([...needsProcessing]).toEqual([]);
        for (const [k, n] of processed) expect(n).toBeLessThanOrEqual(added.get(k) ?? 0);
      }),
      { numRuns: 200 },
    );
  });
});
