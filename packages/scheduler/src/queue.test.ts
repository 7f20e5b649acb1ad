import { describe, expect, it } from 'vitest';
import { SchedulingQueue } from './queue.js';

function fakeClock(start = 1_000_000) {
  const clock = { t: start, now: () => clock.t };
  return clock;
}

describe('SchedulingQueue', () => {
  it('pops by priority, then by age', () => {
    const clock = fakeClock();
    const q = new SchedulingQueue<string>(clock);
    q.add('low-old', 'a', 0);
    clock.t += 10;
    q.add('high', 'b', 100);
    q.add('low-new', 'c', 0);
    q.add('high-new', 'd', 100);
    expect([q.pop()?.key, q.pop()?.key, q.pop()?.key, q.pop()?.key, q.pop()]).toEqual([
      'high',
      'high-new',
      'low-old',
      'low-new',
      undefined,
    ]);
  });

  it.each([
    { failures: 1, want: 1000 },
    { failures: 2, want: 2000 },
    { failures: 3, want: 4000 },
    { failures: 4, want: 8000 },
    { failures: 5, want: 10000 },
    { failures: 50, want: 10000 },
  ])('backs off $want ms after $failures failures', ({ failures, want }) => {
    const clock = fakeClock();
    const q = new SchedulingQueue<string>(clock);
    for (let i = 0; i < failures; i++) q.addUnschedulable('p', 'x', 0);
    expect(q.nextReadyAt()).toBe(clock.t + want);
    clock.t += want - 1;
    expect(q.pop()).toBeUndefined();
    clock.t += 1;
    expect(q.pop()).toEqual({ key: 'p', item: 'x', attempts: failures });
  });

  it('forget resets the back-off; add updates in place; delete removes', () => {
    const clock = fakeClock();
    const q = new SchedulingQueue<string>(clock);
    q.addUnschedulable('p', 'x', 0);
    q.addUnschedulable('p', 'x', 0);
    q.forget('p');
    q.addUnschedulable('p', 'x', 0);
    expect(q.nextReadyAt()).toBe(clock.t + 1000);
    q.add('a', 'v1', 0);
    q.add('a', 'v2', 5);
    expect(q.size).toBe(2);
    expect(q.pop()).toMatchObject({ key: 'a', item: 'v2' });
    expect(q.delete('p')).toBe(true);
    expect(q.size).toBe(0);
    expect(q.nextReadyAt()).toBeUndefined();
  });
});
