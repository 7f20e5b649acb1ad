import type { Random } from '@flotilla/clock';

/** A UUID v4 string from a seeded `Random`: deterministic under a seed, unique enough for a simulation. */
export function uidFrom(random: Random): () => string {
  const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');
  const word = () => random.int(0x10000);
  return () => {
    const w = Array.from({ length: 8 }, word);
    const [a, b, c, d, e, f, g, h] = w as [number, number, number, number, number, number, number, number];
    return `${hex(a, 4)}${hex(b, 4)}-${hex(c, 4)}-${hex(0x4000 | (d & 0x0fff), 4)}-${hex(0x8000 | (e & 0x3fff), 4)}-${hex(f, 4)}${hex(g, 4)}${hex(h, 4)}`;
  };
}

/** Kubernetes' `utilrand.String` alphabet: no vowels (no words), no confusable characters. */
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** The 5-character suffix Kubernetes appends to `generateName`. */
export function nameSuffix(random: Random): string {
  let out = '';
  for (let i = 0; i < 5; i++) out += ALPHANUMS[random.int(ALPHANUMS.length)];
  return out;
}

/** Kubernetes caps the generated prefix so that prefix + suffix fits in 63 characters. */
export function generatedName(generateName: string, random: Random): string {
  const prefix = generateName.length > 58 ? generateName.slice(0, 58) : generateName;
  return prefix + nameSuffix(random);
}
