import { describe, expect, it } from 'vitest';
import { runDemo } from './main.js';

describe('demo', () => {
  it('finds every example manifest valid and shows how a broken one is reported', () => {
    const lines: string[] = [];
    const result = runDemo((line) => lines.push(line));
    expect(result.objects).toBeGreaterThanOrEqual(20);
    expect(result.invalid).toBe(0);
    const output = lines.join('\n');
    expect(output).toContain('nginx-deployment.yaml');
    expect(output).toContain('spec.replicas: Invalid value: -1: must be greater than or equal to 0');
  });
});
