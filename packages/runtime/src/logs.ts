import type { LogEntry, LogOptions, LogStream } from './types.js';

/**
 * Where a container's log lines live, plus live delivery for followers. `read()` and `subscribe()` are
 * synchronous, so a follower that reads and then subscribes in one turn never misses or repeats a line.
 */
export abstract class LogFeed {
  private listeners: Set<(entry: LogEntry) => void> | undefined;
  private enders: Set<() => void> | undefined;
  ended = false;

  /** Every line still kept, oldest first. */
  abstract read(): LogEntry[];
  protected abstract store(entry: LogEntry): void;

  append(time: number, stream: LogStream, line: string): void {
    const entry = { time, stream, line };
    this.store(entry);
    if (this.listeners) for (const listener of this.listeners) listener(entry);
  }

  /** No more lines will come (the container exited); followers finish. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.enders) for (const ender of this.enders) ender();
  }

  subscribe(onEntry: (entry: LogEntry) => void, onEnd: () => void): () => void {
    this.listeners ??= new Set();
    this.enders ??= new Set();
    this.listeners.add(onEntry);
    this.enders.add(onEnd);
    return () => {
      this.listeners?.delete(onEntry);
      this.enders?.delete(onEnd);
    };
  }
}

/** Lines in memory, keeping the last `maxLines` (a ring that only allocates once something is written). */
export class MemoryLog extends LogFeed {
  private lines: LogEntry[] | undefined;
  private start = 0;

  constructor(private readonly maxLines: number) {
    super();
  }

  read(): LogEntry[] {
    if (!this.lines) return [];
    return [...this.lines.slice(this.start), ...this.lines.slice(0, this.start)];
  }

  protected store(entry: LogEntry): void {
    if (this.maxLines <= 0) return;
    this.lines ??= [];
    if (this.lines.length < this.maxLines) this.lines.push(entry);
    else {
      this.lines[this.start] = entry;
      this.start = (this.start + 1) % this.maxLines;
    }
  }
}

/**
 * The lines of `feed` that `options` select. Without `follow` it yields what is kept and ends; with
 * `follow` it goes on with new lines until the feed ends or `options.signal` aborts.
 */
export async function* streamLogs(feed: LogFeed, options: LogOptions = {}): AsyncGenerator<LogEntry> {
  const wanted = (e: LogEntry) => options.stream === undefined || e.stream === options.stream;
  let kept = feed.read().filter(wanted);
  if (options.tail !== undefined) kept = options.tail > 0 ? kept.slice(-options.tail) : [];
  if (!options.follow) {
    yield* kept;
    return;
  }
  const queue = kept;
  let done = feed.ended;
  let wake: (() => void) | undefined;
  const unsubscribe = feed.subscribe(
    (entry) => {
      if (!wanted(entry)) return;
      queue.push(entry);
      wake?.();
    },
    () => {
      done = true;
      wake?.();
    },
  );
  const onAbort = () => {
    done = true;
    queue.length = 0;
    wake?.();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let next = 0;
    for (;;) {
      while (next < queue.length) {
        if (options.signal?.aborted) return;
        yield queue[next++]!;
      }
      queue.length = 0;
      next = 0;
      if (done || options.signal?.aborted) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
  } finally {
    unsubscribe();
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/** Splits a byte stream into lines; a trailing partial line waits for its newline or for `flush()`. */
export class LineSplitter {
  private partial = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: string): void {
    const text = this.partial + chunk;
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
  }

  flush(): void {
    if (this.partial !== '') this.onLine(this.partial);
    this.partial = '';
  }
}
