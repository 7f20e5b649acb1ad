/**
 * The `pod-template-hash` label: Kubernetes' `controller.ComputeHash` — FNV-32a over the pod template
 * plus the Deployment's `collisionCount`, printed in decimal and re-spelled with `SafeEncodeString`'s
 * alphabet, so names look like `web-5d4f8c7b9`.
 *
 * Deviation, by necessity: Go hashes the template through `DeepHashObject` (a `spew` printout of the
 * Go struct), which a JSON object cannot reproduce byte for byte. We hash the template's canonical
 * JSON instead (keys sorted, `undefined` dropped). Hashes are therefore stable across Flotilla
 * versions and processes but differ from the ones a Kubernetes cluster would compute for the same
 * template; nothing compares them across systems (ReplicaSets are matched by template equality).
 */
import type { PodTemplateSpec } from './shapes.js';

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1a, 32 bits, continuing from `hash` (the offset basis by default). */
export function fnv32a(bytes: Uint8Array, hash: number = FNV_OFFSET): number {
  let h = hash >>> 0;
  for (const byte of bytes) {
    h ^= byte;
    h = Math.imul(h, FNV_PRIME) >>> 0;
  }
  return h;
}

/** JSON with object keys sorted at every level and `undefined` members dropped. */
export function canonicalJSON(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) {
    return `[${value.map((item) => (item === undefined ? 'null' : canonicalJSON(item))).join(',')}]`;
  }
  const record = value as Record<string, unknown>;
  const members: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const member = record[key];
    if (member === undefined) continue;
    members.push(`${JSON.stringify(key)}:${canonicalJSON(member)}`);
  }
  return `{${members.join(',')}}`;
}

/** Kubernetes' `rand.SafeEncodeString`: each character re-spelled from a vowel-free alphabet. */
export function safeEncodeString(text: string): string {
  let out = '';
  for (const ch of text) out += SAFE_ALPHABET[ch.codePointAt(0)! % SAFE_ALPHABET.length];
  return out;
}

const encoder = new TextEncoder();

/**
 * The `pod-template-hash` of a Deployment's template (without any hash label of its own) for a
 * given `status.collisionCount`: bumping the count yields a different name after a collision.
 */
export function computeHash(template: PodTemplateSpec, collisionCount?: number): string {
  let hash = fnv32a(encoder.encode(canonicalJSON(template)));
  if (collisionCount !== undefined) {
    // Go writes the count as a little-endian uint32 into an 8-byte buffer and hashes all 8 bytes.
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    hash = fnv32a(bytes, hash);
  }
  return safeEncodeString(String(hash));
}
