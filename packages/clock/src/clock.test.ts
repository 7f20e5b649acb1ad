import { describe, expect, it } from 'vitest';
import { parseRFC3339, toRFC3339, toRFC3339Micro } from './clock.js';
import { SystemClock } from './system-clock.js';

describe('timestamps', () => {
  it.each([
    { ms: Date.UTC(2024, 0, 1), want: '2024-01-01T00:00:00Z' },
    { ms: Date.UTC(2024, 4, 1, 10, 0, 0, 999), want: '2024-05-01T10:00:00Z' },
  ])('toRFC3339($ms) = $want', ({ ms, want }) => {
    expect(toRFC3339(ms)).toBe(want);
    expect(parseRFC3339(want)).toBe(Math.floor(ms / 1000) * 1000);
  });

  it('formats MicroTime', () => {
    expect(toRFC3339Micro(Date.UTC(2024, 0, 1, 0, 0, 0, 123))).toBe('2024-01-01T00:00:00.123000Z');
  });

  it.each(['', 'yesterday', '2024-01-01', '2024-13-45T99:00:00Z'])(
    'parseRFC3339(%j) is undefined',
    (text) => {
      expect(parseRFC3339(text)).toBeUndefined();
    },
  );
});

describe('SystemClock', () => {
  it('is monotonic and runs real timers', async () => {
    const clock = new SystemClock();
    const t0 = clock.now();
    await clock.sleep(5);
    expect(clock.now()).toBeGreaterThanOrEqual(t0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('clears timers', async () => {
    const clock = new SystemClock();
    let fired = false;
    const h = clock.setTimeout(() => {
      fired = true;
    }, 1);
    clock.clearTimeout(h);
    await new Promise((r) => setTimeout(r, 10));
    expect(fired).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });
});
