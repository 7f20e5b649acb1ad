import { describe, expect, it } from 'vitest';
import { runDemo } from './main.js';

describe('the README demo', () => {
  it('rolls web v1 out, v2 in, back to v1, scales to 5, and every pod answers over HTTP', async () => {
    const result = await runDemo();
    expect(result.v1).toHaveLength(3);
    expect(result.v1.every((a) => a.startsWith('web v1 '))).toBe(true);
    expect(result.v2).toHaveLength(3);
    expect(result.v2.every((a) => a.startsWith('web v2 '))).toBe(true);
    expect(result.rolledBack.every((a) => a.startsWith('web v1 '))).toBe(true);
    expect(result.scaled).toBe(5);
  }, 180_000);
});
