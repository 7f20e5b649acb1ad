import type { Backend, BackendEvent } from '@flotilla/store';
import type { Subscription } from 'rxjs';

/** One backend write, as recorded: the revision, `put` or `delete`, the key and the value written. */
export interface HistoryEntry {
  readonly revision: number;
  readonly type: 'put' | 'delete';
  readonly key: string;
  /** The JSON text written ('' for a delete). */
  readonly value: string;
}

/** How much of the history a simulation keeps: every entry, only the digest, or nothing. */
export type HistoryMode = 'full' | 'digest' | 'off';

/** One line of the history's text form: `<revision> <type> <key> <value>`. */
export const historyLine = (e: HistoryEntry): string => `${e.revision} ${e.type} ${e.key} ${e.value}`;

/**
 * Records every write of a backend from revision 0 by watching all keys. Two runs are the same run
 * exactly when their histories are equal; `digest` (64-bit FNV-1a of the text form, as 16 hex digits)
 * compares them without keeping the entries.
 */
export class HistoryRecorder {
  private readonly items: HistoryEntry[] = [];
  private readonly subscription: Subscription;
  private h1 = 0x811c9dc5;
  private h2 = 0x050c5d1f;
  private writes = 0;

  constructor(
    backend: Backend,
    private readonly mode: HistoryMode,
    /** Told about every write (the simulation uses it to notice when the cluster stops changing). */
    private readonly onEvent?: (event: BackendEvent) => void,
  ) {
    this.subscription = backend.watch('', 0).subscribe({
      next: (batch) => {
        for (const event of batch) this.record(event);
      },
      error: () => undefined,
    });
  }

  private record(event: BackendEvent): void {
    this.writes++;
    this.onEvent?.(event);
    if (this.mode === 'off') return;
    const entry: HistoryEntry = {
      revision: event.kv.modRevision,
      type: event.type,
      key: event.kv.key,
      value: event.type === 'put' ? event.kv.value : '',
    };
    this.hash(historyLine(entry));
    this.hash('\n');
    if (this.mode === 'full') this.items.push(entry);
  }

  private hash(text: string): void {
    let a = this.h1;
    let b = this.h2;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      a = Math.imul(a ^ c, 0x01000193) >>> 0;
      b = Math.imul(b ^ c, 0x01000193 ^ 0x2545) >>> 0;
    }
    this.h1 = a;
    this.h2 = b;
  }

  /** Every write so far (empty unless the mode is `full`). */
  get entries(): readonly HistoryEntry[] {
    return this.items;
  }

  /** Number of writes seen, whatever the mode. */
  get length(): number {
    return this.writes;
  }

  /** The history as text, one `historyLine` per write (mode `full` only). */
  text(): string {
    if (this.mode !== 'full')
      throw new Error(`history text needs history mode 'full' (it is '${this.mode}')`);
    return this.items.map((e) => `${historyLine(e)}\n`).join('');
  }

  /** A digest of the text form (modes `full` and `digest`). */
  digest(): string {
    if (this.mode === 'off') throw new Error("history digest needs history mode 'full' or 'digest'");
    return this.h1.toString(16).padStart(8, '0') + this.h2.toString(16).padStart(8, '0');
  }

  stop(): void {
    this.subscription.unsubscribe();
  }
}
