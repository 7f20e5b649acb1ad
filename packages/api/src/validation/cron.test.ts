import { describe, expect, it } from 'vitest';
import { cronScheduleError } from './cron.js';

describe('cronScheduleError', () => {
  it.each([
    '* * * * *',
    '*/5 * * * *',
    '0 0 1 1 *',
    '0-59/15 0-23 1-31 1-12 0-6',
    '30 4 * JAN-MAR mon,wed',
    '0 12 ? * SUN',
    '5 4 * * sun',
    '@hourly',
    '@daily',
    '@every 1h30m',
  ])('accepts %j', (schedule) => {
    expect(cronScheduleError(schedule)).toBeUndefined();
  });

  it.each([
    ['* * * *', 'expected exactly 5 fields, found 4: [* * * *]'],
    ['60 * * * *', 'end of range (60) above maximum (59): 60'],
    ['* 24 * * *', 'end of range (24) above maximum (23): 24'],
    ['* * 0 * *', 'beginning of range (0) below minimum (1): 0'],
    ['5-1 * * * *', 'beginning of range (5) beyond end of range (1): 5-1'],
    ['*/0 * * * *', 'step of range should be a positive number: */0'],
    ['1-2-3 * * * *', 'too many hyphens: 1-2-3'],
    ['x * * * *', 'failed to parse int from x: strconv.Atoi: parsing "x": invalid syntax'],
    ['@sometimes', 'unrecognized descriptor: @sometimes'],
    ['', 'empty spec string'],
  ])('rejects %j', (schedule, message) => {
    expect(cronScheduleError(schedule)).toBe(message);
  });
});
