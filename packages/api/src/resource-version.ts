/**
 * Ordering resourceVersions. Kubernetes calls them opaque, but every Flotilla server (and etcd behind
 * Kubernetes) issues integers, and clients that must not move backwards — a reflector's resume point,
 * an agent keeping the newer of two copies of a pod — compare them as such. This runs on every watch
 * event of every informer: a digit loop and a length comparison, BigInt only for leading zeros.
 */

/** `a` vs `b` as integers (-1, 0, 1); `undefined` unless both are non-empty strings of ASCII digits. */
export function compareResourceVersions(a: string, b: string): -1 | 0 | 1 | undefined {
  if (!isDigits(a) || !isDigits(b)) return undefined;
  if (a[0] !== '0' && b[0] !== '0') {
    if (a.length !== b.length) return a.length < b.length ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  }
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
