import { describe, expect, it } from 'vitest';
import { main } from './main.js';
import { sizeOf } from './node-size-controller.js';

describe('custom controller example', () => {
  it.each([
    { cpu: 2_000, want: 'small' },
    { cpu: 7_999, want: 'small' },
    { cpu: 8_000, want: 'large' },
  ])('sizeOf($cpu) = $want', ({ cpu, want }) => {
    expect(sizeOf(cpu)).toBe(want);
  });

  it('labels the nodes, so that the built-in scheduler places every pod on the large one', async () => {
    const lines: string[] = [];
    const placement = await main((line) => lines.push(line));
    // The user's controller runs next to every built-in one.
    expect(lines[0]).toMatch(/^controllers: deployment, replicaset, .*node-size$/);
    expect(Object.values(placement)).toEqual(['large-1', 'large-1', 'large-1']);
    expect(lines).toContain('node small-1: example.com/size=small');
  });
});
