/**
 * Kubernetes' `metav1.Time` text (RFC 3339, second precision, UTC). Kept local because rollout may
 * import only `@flotilla/api` and `@flotilla/labels`; the formats equal `@flotilla/clock`'s.
 */

/** `2024-05-01T10:00:00Z` for epoch milliseconds (fractions of a second are dropped, as in Go). */
export function formatTime(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/** Epoch milliseconds of an RFC 3339 timestamp; `undefined` when absent or unparsable. */
export function parseTime(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}
