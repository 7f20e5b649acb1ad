import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { LogFeed } from './logs.js';
import type { LogEntry, LogStream } from './types.js';

/**
 * A container log file in the CRI format (`2024-01-01T00:00:00.000Z stdout F line`), rotated by size:
 * when a write would take the file past `maxBytes` it becomes `<path>.1` (replacing the previous one)
 * and a new file starts, so at most about 2 × `maxBytes` stay on disk.
 */
export class FileLog extends LogFeed {
  private fd: number;
  private size: number;

  constructor(
    readonly path: string,
    private readonly maxBytes: number,
  ) {
    super();
    this.fd = openSync(path, 'a');
    this.size = statSync(path).size;
  }

  protected store(entry: LogEntry): void {
    if (this.fd < 0) return;
    const text = `${new Date(entry.time).toISOString()} ${entry.stream} F ${entry.line}\n`;
    const bytes = Buffer.byteLength(text);
    if (this.size > 0 && this.size + bytes > this.maxBytes) {
      closeSync(this.fd);
      renameSync(this.path, `${this.path}.1`);
      this.fd = openSync(this.path, 'a');
      this.size = 0;
    }
    writeSync(this.fd, text);
    this.size += bytes;
  }

  read(): LogEntry[] {
    const out: LogEntry[] = [];
    for (const file of [`${this.path}.1`, this.path]) {
      if (!existsSync(file)) continue;
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        const entry = parseCriLine(line);
        if (entry) out.push(entry);
      }
    }
    return out;
  }

  /** Closes the file; with `remove`, deletes it and its rotated copy. */
  dispose(remove: boolean): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
    if (remove) for (const file of [this.path, `${this.path}.1`]) rmSync(file, { force: true });
  }
}

/** Parses one CRI log line; `undefined` for an empty or malformed one. */
export function parseCriLine(text: string): LogEntry | undefined {
  const m = /^(\S+) (stdout|stderr) [FP] (.*)$/.exec(text);
  if (!m) return undefined;
  const time = Date.parse(m[1]!);
  if (Number.isNaN(time)) return undefined;
  return { time, stream: m[2] as LogStream, line: m[3]! };
}
