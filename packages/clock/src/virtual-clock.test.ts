import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ClockNotIdleError, DEFAULT_VIRTUAL_START, VirtualClock } from './virtual-clock.js';

describe('VirtualClock', () => {
  it('starts at a fixed instant and moves only when advanced', async () => {
    const clock = new VirtualClock();
    expect(clock.now()).toBe(DEFAULT_VIRTUAL_START);
    await clock.advance(1500);
    expect(clock.now()).toBe(DEFAULT_VIRTUAL_START + 1500);
  });

  it('fires due timers in time order, ties in creation order, with now() at each due time', async () => {
    const clock = new VirtualClock({ start: 0 });
    const seen: string[] = [];
    const at = (label: string) => () => seen.push(`${label}@${clock.now()}`);
    clock.setTimeout(at('c'), 30);
    clock.setTimeout(at('a'), 10);
    clock.setTimeout(at('b1'), 20);
    clock.setTimeout(at('b2'), 20);
    clock.setTimeout(at('late'), 100);
    await clock.advance(50);
    expect(seen).toEqual(['a@10', 'b1@20', 'b2@20', 'c@30']);
    expect(clock.now()).toBe(50);
    expect(clock.pendingTimers).toBe(1);
  });

  it('fires timers set by timers when they fall inside the window', async () => {
    const clock = new VirtualClock({ start: 0 });
    const seen: number[] = [];
    clock.setTimeout(() => {
      seen.push(clock.now());
      clock.setTimeout(() => seen.push(clock.now()), 5);
      clock.setTimeout(() => seen.push(clock.now()), 500);
    }, 10);
    await clock.advance(20);
    expect(seen).toEqual([10, 15]);
  });

  it('never fires a cleared timer', async () => {
    const clock = new VirtualClock({ start: 0 });
    let fired = false;
    const handle = clock.setTimeout(() => {
      fired = true;
    }, 10);
    clock.clearTimeout(handle);
    clock.clearTimeout(handle);
    await clock.advance(100);
    expect(fired).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });

  it('lets async chains of sleeps progress inside one advance', async () => {
    const clock = new VirtualClock({ start: 0 });
    const seen: number[] = [];
    const loop = async () => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(10);
        await Promise.resolve();
        seen.push(clock.now());
      }
    };
    const done = loop();
    await clock.advance(35);
    await done;
    expect(seen).toEqual([10, 20, 30]);
  });

  it('rejects sleep when the signal aborts and cancels its timer', async () => {
    const clock = new VirtualClock({ start: 0 });
    const controller = new AbortController();
    const sleeping = clock.sleep(1000, controller.signal);
    controller.abort(new Error('stop'));
    await expect(sleeping).rejects.toThrow('stop');
    expect(clock.pendingTimers).toBe(0);
  });

  it('runUntilIdle fires everything, and refuses to spin forever', async () => {
    const clock = new VirtualClock({ start: 0 });
    let n = 0;
    for (let i = 1; i <= 5; i++) clock.setTimeout(() => n++, i * 1000);
    expect(await clock.runUntilIdle()).toBe(5);
    expect(n).toBe(5);
    expect(clock.now()).toBe(5000);

    const tick = () => clock.setTimeout(tick, 1);
    tick();
    await expect(clock.runUntilIdle({ maxTimers: 100 })).rejects.toBeInstanceOf(ClockNotIdleError);
  });

  it('runUntilIdle stops before timers due after `until`', async () => {
    const clock = new VirtualClock({ start: 0 });
    const seen: number[] = [];
    for (const t of [10, 20, 30]) clock.setTimeout(() => seen.push(t), t);
    await clock.runUntilIdle({ until: 25 });
    expect(seen).toEqual([10, 20]);
    expect(clock.now()).toBe(25);
  });

  it('rejects going backwards', async () => {
    const clock = new VirtualClock({ start: 100 });
    await expect(clock.advance(-1)).rejects.toThrow(RangeError);
    await expect(clock.advanceTo(50)).rejects.toThrow(RangeError);
  });

  it('property: any set of timers fires in (due, creation) order, each exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ delay: fc.integer({ min: 0, max: 1000 }), cancel: fc.boolean() }), {
          maxLength: 40,
        }),
        fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 5 }),
        async (timers, steps) => {
          const clock = new VirtualClock({ start: 0 });
          const fired: number[] = [];
          const handles = timers.map((t, i) => clock.setTimeout(() => fired.push(i), t.delay));
          timers.forEach((t, i) => {
            if (t.cancel) clock.clearTimeout(handles[i]!);
          });
          for (const step of steps) await clock.advance(step);
          await clock.runUntilIdle();
          const expected = timers
            .map((t, i) => ({ ...t, i }))
            .filter((t) => !t.cancel)
            .sort((a, b) => a.delay - b.delay || a.i - b.i)
            .map((t) => t.i);
          expect(fired).toEqual(expected);
        },
      ),
      { numRuns: 100 },
    );
  });

  describe('lanes', () => {
    it('a lane view shares time and timer order with its clock', async () => {
      const clock = new VirtualClock({ start: 0 });
      const lane = clock.lane('beat');
      expect(clock.lane('beat')).toBe(lane);
      expect(() => clock.lane('')).toThrow(RangeError);
      const seen: string[] = [];
      clock.setTimeout(() => seen.push(`plain@${clock.now()}`), 20);
      lane.setTimeout(() => seen.push(`lane@${lane.now()}`), 10);
      lane.setTimeout(() => seen.push(`lane2@${lane.now()}`), 20);
      const cleared = lane.setTimeout(() => seen.push('cleared'), 5);
      lane.clearTimeout(cleared);
      const slept = lane.sleep(15).then(() => seen.push(`slept@${clock.now()}`));
      await clock.advance(30);
      await slept;
      expect(seen).toEqual(['lane@10', 'slept@15', 'plain@20', 'lane2@20']);
    });

    it('held lanes do not fire until released; then their due timers fire once each, late, lane by lane', async () => {
      const clock = new VirtualClock({ start: 0 });
      const a = clock.lane('a');
      const b = clock.lane('b');
      const seen: string[] = [];
      const every = (clk: typeof a, label: string, period: number) => {
        const tick = () => {
          seen.push(`${label}@${clock.now()}`);
          clk.setTimeout(tick, period);
        };
        clk.setTimeout(tick, period);
      };
      every(b, 'b', 7);
      every(a, 'a', 10);
      clock.setTimeout(() => seen.push(`plain@${clock.now()}`), 25);
      const gone = a.setTimeout(() => seen.push('gone'), 3);
      clock.holdLanes(['a']);
      clock.holdLanes(['a', 'b']);
      expect(clock.holding).toBe(true);
      expect(clock.heldLanes).toEqual(['a', 'b']);
      expect(clock.nextTimerAt()).toBe(25);
      a.clearTimeout(gone);
      b.setTimeout(() => seen.push(`b-late@${clock.now()}`), 1);
      await clock.advance(40);
      expect(seen).toEqual(['plain@25']);
      expect(clock.pendingTimers).toBe(3);
      expect(await clock.releaseLanes()).toBe(3);
      expect(clock.holding).toBe(false);
      expect(clock.heldLanes).toEqual([]);
      // Lane order first (a before b), then due time within the lane; each fired timer re-armed once.
      expect(seen).toEqual(['plain@25', 'a@40', 'b-late@40', 'b@40']);
      seen.length = 0;
      await clock.advance(10);
      expect(seen).toEqual(['b@47', 'a@50']);
      expect(await clock.releaseLanes()).toBe(0);
    });

    it('timers not yet due when released fire at their own time; a clock that never holds is unchanged', async () => {
      const clock = new VirtualClock({ start: 0 });
      const lane = clock.lane('x');
      const seen: number[] = [];
      lane.setTimeout(() => seen.push(clock.now()), 100);
      clock.holdLanes(['x']);
      await clock.runUntilIdle();
      expect(seen).toEqual([]);
      expect(await clock.releaseLanes()).toBe(0);
      await clock.runUntilIdle();
      expect(seen).toEqual([100]);
    });
  });
});
