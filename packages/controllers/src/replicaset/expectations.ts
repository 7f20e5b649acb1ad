/**
 * Kubernetes' `ControllerExpectations`: after asking for N creations and M deletions, a controller
 * waits until its informer has seen them before it trusts the cache again — otherwise watch lag
 * would make it create the same pods twice. Expectations expire (default 5 min, as Kubernetes) so a
 * lost event can't wedge a controller forever.
 */
export const EXPECTATIONS_TTL_MS = 5 * 60 * 1000;

interface Expectation {
  adds: number;
  deletes: number;
  /** Epoch ms of the last `expect`. */
  at: number;
  /** Uids whose deletion is expected (deletions are matched by uid, as Kubernetes' UIDTrackingExpectations). */
  readonly deleting: Set<string>;
}

export class Expectations {
  private readonly entries = new Map<string, Expectation>();

  constructor(private readonly ttlMs = EXPECTATIONS_TTL_MS) {}

  /** Records that the controller of `key` asked for `adds` creations and the deletion of `deleteUids`. */
  expect(key: string, now: number, adds: number, deleteUids: readonly string[] = []): void {
    const e = this.entries.get(key) ?? { adds: 0, deletes: 0, at: now, deleting: new Set<string>() };
    e.adds += adds;
    for (const uid of deleteUids) {
      if (!e.deleting.has(uid)) {
        e.deleting.add(uid);
        e.deletes++;
      }
    }
    e.at = now;
    this.entries.set(key, e);
  }

  /** An expected creation was observed (or will never happen because the create failed). */
  creationObserved(key: string): void {
    const e = this.entries.get(key);
    if (e && e.adds > 0) e.adds--;
  }

  /** A deletion was observed (or the delete failed) for the pod with `uid`. */
  deletionObserved(key: string, uid: string): void {
    const e = this.entries.get(key);
    if (e?.deleting.delete(uid)) e.deletes--;
  }

  /** True when every expected change was observed, nothing is recorded, or the record expired. */
  satisfied(key: string, now: number): boolean {
    const e = this.entries.get(key);
    if (!e) return true;
    if ((e.adds <= 0 && e.deletes <= 0) || now - e.at > this.ttlMs) {
      this.entries.delete(key);
      return true;
    }
    return false;
  }

  /** Forgets `key` (its owner was deleted). */
  delete(key: string): void {
    this.entries.delete(key);
  }
}
