import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { FileLog, parseCriLine } from './file-log.js';
import { LineSplitter, MemoryLog, streamLogs } from './logs.js';
import { collect } from './testing/index.js';

describe('LineSplitter', () => {
  it('yields the same lines however the text is chunked', () => {
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[a-z \r]{0,6}$/), { maxLength: 8 }),
        fc.array(fc.nat(30)),
        (ls, cuts) => {
          const text = ls.map((l) => `${l}\n`).join('');
          const got: string[] = [];
          const splitter = new LineSplitter((line) => got.push(line));
          let at = 0;
          for (const cut of cuts) {
            splitter.push(text.slice(at, at + cut));
            at += cut;
          }
          splitter.push(text.slice(at));
          splitter.flush();
          expect(got).toEqual(ls.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l)));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('flushes a last line without a newline', () => {
    const got: string[] = [];
    const splitter = new LineSplitter((line) => got.push(line));
    splitter.push('a\nb');
    expect(got).toEqual(['a']);
    splitter.flush();
    splitter.flush();
    expect(got).toEqual(['a', 'b']);
  });
});

describe('MemoryLog and streamLogs', () => {
  it('keeps the last maxLines in order and selects by tail and stream', async () => {
    const log = new MemoryLog(4);
    for (let i = 0; i < 6; i++) log.append(i, i % 2 ? 'stderr' : 'stdout', `l${i}`);
    expect(log.read().map((e) => e.line)).toEqual(['l2', 'l3', 'l4', 'l5']);
    expect((await collect(streamLogs(log, { stream: 'stdout' }))).map((e) => e.line)).toEqual(['l2', 'l4']);
    expect((await collect(streamLogs(log, { tail: 1 }))).map((e) => e.line)).toEqual(['l5']);
    expect(new MemoryLog(0).read()).toEqual([]);
  });

  it('a follower sees kept lines, then new ones, and finishes at end()', async () => {
    const log = new MemoryLog(10);
    log.append(1, 'stdout', 'old');
    const iterator = streamLogs(log, { follow: true });
    const first = await iterator.next();
    expect(first.value?.line).toBe('old');
    const pending = iterator.next();
    log.append(2, 'stdout', 'new');
    expect((await pending).value?.line).toBe('new');
    const last = iterator.next();
    log.end();
    expect((await last).done).toBe(true);
  });
});

describe('FileLog', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes CRI lines, rotates past maxBytes keeping one old file, and reads across both', () => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-filelog-'));
    const path = join(dir, '0.log');
    const log = new FileLog(path, 200);
    const t = Date.UTC(2024, 0, 1);
    for (let i = 0; i < 20; i++) log.append(t + i, 'stdout', `line ${i}`);
    expect(readdirSync(dir).sort()).toEqual(['0.log', '0.log.1']);
    const kept = log.read();
    expect(kept.at(-1)).toEqual({ time: t + 19, stream: 'stdout', line: 'line 19' });
    expect(kept.map((e) => Number(e.line.slice(5)))).toEqual(
      Array.from({ length: kept.length }, (_, i) => 20 - kept.length + i),
    );
    expect(kept.length).toBeLessThan(20);
    log.dispose(true);
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each([
    {
      text: '2024-01-01T00:00:00.000Z stdout F hello world',
      want: { time: Date.UTC(2024, 0, 1), stream: 'stdout', line: 'hello world' },
    },
    {
      text: '2024-01-01T00:00:00.000Z stderr P ',
      want: { time: Date.UTC(2024, 0, 1), stream: 'stderr', line: '' },
    },
    { text: '', want: undefined },
    { text: 'garbage stdout F x', want: undefined },
    { text: '2024-01-01T00:00:00.000Z stdin F x', want: undefined },
  ])('parseCriLine($text)', ({ text, want }) => {
    expect(parseCriLine(text)).toEqual(want);
  });
});
