import { VirtualClock } from '@flotilla/clock';
import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { Controller } from './controller.js';
import { ControllerManager } from './manager.js';
import { parseRequestKey, type Request, type Result, requestKey, TerminalError } from './reconciler.js';

function harness(reconcile: (r: Request, clock: VirtualClock) => Promise<Result | undefined>, workers = 1) {
  const clock = new VirtualClock({ start: 0 });
  const source = new Subject<Request>();
  const calls: string[] = [];
  const errors: unknown[] = [];
  const controller = new Controller({
    name: 'test',
    clock,
    workers,
    sources: [source],
    reconciler: {
      reconcile: async (r) => {
        calls.push(`${requestKey(r)}@${clock.now()}`);
        return reconcile(r, clock);
      },
    },
    onError: (e) => errors.push(e),
  });
  return { clock, source, calls, errors, controller };
}

describe('Controller', () => {
  it('reconciles each request from its sources', async () => {
    const h = harness(async () => undefined);
    h.controller.start();
    h.source.next({ namespace: 'default', name: 'a' });
    h.source.next({ namespace: '', name: 'node-1' });
    await h.clock.runUntilIdle();
    expect(h.calls).toEqual(['default/a@0', 'node-1@0']);
    await h.controller.stop();
  });

  it('requeues after the asked delay', async () => {
    let n = 0;
    const h = harness(async () => (n++ < 2 ? { requeueAfter: 1000 } : {}));
    h.controller.start();
    h.source.next({ namespace: 'ns', name: 'x' });
    await h.clock.runUntilIdle();
    expect(h.calls).toEqual(['ns/x@0', 'ns/x@1000', 'ns/x@2000']);
    expect(h.controller.stats.requeues).toBe(2);
    await h.controller.stop();
  });

  it('retries errors with back-off, and forgets the back-off on success', async () => {
    let n = 0;
    const h = harness(async () => {
      if (n++ < 3) throw new Error('flaky');
      return {};
    });
    h.controller.start();
    h.source.next({ namespace: 'ns', name: 'x' });
    await h.clock.runUntilIdle();
    expect(h.calls).toEqual(['ns/x@0', 'ns/x@5', 'ns/x@15', 'ns/x@35']);
    expect(h.errors).toHaveLength(3);
    await h.controller.stop();
  });

  it('does not retry a TerminalError', async () => {
    const h = harness(async () => {
      throw new TerminalError('bad object');
    });
    h.controller.start();
    h.source.next({ namespace: 'ns', name: 'x' });
    await h.clock.runUntilIdle();
    expect(h.calls).toHaveLength(1);
    expect(h.controller.pending).toBe(0);
    await h.controller.stop();
  });

  it('never runs one key on two workers at once, and reruns it when it changed meanwhile', async () => {
    const active = new Set<string>();
    let overlap = false;
    const h = harness(async (r, clock) => {
      const k = requestKey(r);
      if (active.has(k)) overlap = true;
      active.add(k);
      await clock.sleep(10);
      active.delete(k);
      return {};
    }, 4);
    h.controller.start();
    h.source.next({ namespace: 'a', name: 'x' });
    await h.clock.advance(1);
    h.source.next({ namespace: 'a', name: 'x' });
    h.source.next({ namespace: 'a', name: 'y' });
    await h.clock.runUntilIdle();
    expect(overlap).toBe(false);
    expect(h.calls).toEqual(['a/x@0', 'a/y@1', 'a/x@10']);
    await h.controller.stop();
  });

  it('stop waits for reconciles in flight and then ignores sources', async () => {
    let finished = 0;
    const h = harness(async (_r, clock) => {
      await clock.sleep(50);
      finished++;
      return {};
    });
    h.controller.start();
    h.source.next({ namespace: 'a', name: 'x' });
    await h.clock.advance(1);
    const stopping = h.controller.stop();
    await h.clock.runUntilIdle();
    await stopping;
    expect(finished).toBe(1);
    h.source.next({ namespace: 'a', name: 'z' });
    await h.clock.runUntilIdle();
    expect(h.calls).toEqual(['a/x@0']);
  });
});

describe('ControllerManager', () => {
  it('starts, reports idleness and stops every controller', async () => {
    const clock = new VirtualClock({ start: 0 });
    const source = new Subject<Request>();
    const seen: string[] = [];
    const manager = new ControllerManager();
    for (const name of ['one', 'two']) {
      manager.add({
        name,
        clock,
        sources: [source],
        reconciler: {
          reconcile: async (r) => {
            seen.push(`${name}:${r.name}`);
          },
        },
      });
    }
    expect(() =>
      manager.add({ name: 'one', clock, sources: [], reconciler: { reconcile: async () => {} } }),
    ).toThrow();
    manager.start();
    source.next({ namespace: '', name: 'n' });
    expect(manager.idle).toBe(false);
    await clock.runUntilIdle();
    expect(manager.idle).toBe(true);
    expect(seen.sort()).toEqual(['one:n', 'two:n']);
    await manager.stop();
  });
});

describe('request keys', () => {
  it.each([
    { r: { namespace: 'default', name: 'web' }, key: 'default/web' },
    { r: { namespace: '', name: 'node-1' }, key: 'node-1' },
  ])('$key', ({ r, key }) => {
    expect(requestKey(r)).toBe(key);
    expect(parseRequestKey(key)).toEqual(r);
  });
});
