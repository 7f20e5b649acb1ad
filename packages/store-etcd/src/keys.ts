import type { KeyValue } from '@flotilla/store';
import type { IKeyValue } from 'etcd3';

/**
 * etcd's range end for every key starting with `prefix`: the prefix with its last byte below 0xff
 * incremented (trailing 0xff bytes dropped), or `\0` (every key) when there is none.
 */
export function prefixEnd(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if ((end[i] as number) < 0xff) {
      end[i] = (end[i] as number) + 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

/** The smallest key greater than `key`. */
export function keyAfter(key: Buffer): Buffer {
  return Buffer.concat([key, Buffer.from([0])]);
}

/** An int64 from etcd (a decimal string) as a number; revisions stay far below 2^53. */
export function int(value: string | number | undefined): number {
  const n = Number(value ?? 0);
  if (!Number.isSafeInteger(n)) throw new RangeError(`etcd returned ${value}, beyond 2^53`);
  return n;
}

/** Keys below the backend's root become the store's keys; `root` is stripped. */
export function toKv(kv: IKeyValue, rootLength: number): KeyValue {
  return {
    key: kv.key.subarray(rootLength).toString('utf8'),
    value: kv.value.toString('utf8'),
    createRevision: int(kv.create_revision),
    modRevision: int(kv.mod_revision),
    version: int(kv.version),
  };
}
