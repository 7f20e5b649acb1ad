import { describe, expect, it } from 'vitest';
import { GreenEnergy } from './green-energy.js';
import { main } from './main.js';

describe('scheduler plugin example', () => {
  it.each([
    { labels: { 'example.com/energy': 'green' }, want: 100 },
    { labels: { 'example.com/energy': 'mixed' }, want: 50 },
    { labels: { 'example.com/energy': 'coal' }, want: 0 },
    { labels: {}, want: 0 },
  ])('scores $labels as $want', ({ labels, want }) => {
    const scorer = GreenEnergy.prepare({} as never, {} as never);
    expect(scorer?.score({ labels } as never)).toBe(want);
  });

  it('moves every pod to the green nodes, still spread among them', async () => {
    const { spread, green } = await main(() => undefined);
    expect(spread['coal-1']).toBeGreaterThan(0);
    expect(green).toEqual({ 'green-1': 3, 'green-2': 3, 'mixed-1': 0, 'coal-1': 0 });
  });
});
