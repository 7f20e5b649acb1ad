/**
 * The keys of a map in sorted order, maintained lazily: adds and removes are O(1); the sorted array is
 * rebuilt on the next read by sorting only the keys added since (k log k) and merging (n). Keys added in
 * increasing order (generated names, sequential tests) append without a merge.
 *
 * The owner calls `add` after inserting a new key into its map and `remove` after deleting one;
 * `has` tells whether a key is present now, so stale entries are dropped during the merge.
 */
export class SortedKeys {
  private sorted: string[] = [];
  private added: string[] = [];
  private removed = 0;

  constructor(private readonly has: (key: string) => boolean) {}

  add(key: string): void {
    if (this.removed === 0 && this.added.length === 0) {
      const last = this.sorted[this.sorted.length - 1];
      if (last === undefined || key > last) {
        this.sorted.push(key);
        return;
      }
    }
    this.added.push(key);
  }

  remove(_key: string): void {
    this.removed++;
  }

  /** Every present key, ascending. The array is shared: do not modify it. */
  keys(): readonly string[] {
    if (this.added.length === 0 && this.removed === 0) return this.sorted;
    const added = this.added.sort(compare);
    const old = this.sorted;
    const out: string[] = [];
    let i = 0;
    let j = 0;
    let last: string | undefined;
    while (i < old.length || j < added.length) {
      const a = old[i];
      const b = added[j];
      let next: string;
      if (b === undefined || (a !== undefined && a <= b)) {
        next = a as string;
        i++;
      } else {
        next = b;
        j++;
      }
      if (next !== last && this.has(next)) {
        out.push(next);
        last = next;
      }
    }
    this.sorted = out;
    this.added = [];
    this.removed = 0;
    return out;
  }

  /** Index of the first key `>= key` in `keys()`. */
  lowerBound(key: string): number {
    return lowerBound(this.keys(), key);
  }
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Index of the first element `>= key` in an ascending array. */
export function lowerBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] as string) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element `> key` in an ascending array. */
export function upperBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] as string) <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
