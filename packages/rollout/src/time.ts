/**
 * Kubernetes' `metav1.Time` text (RFC 3339, second precision, UTC), from `@flotilla/clock`.
 */
import { parseRFC3339, toRFC3339 } from '@flotilla/clock';

/** `2024-05-01T10:00:00Z` for epoch milliseconds (fractions of a second are dropped, as in Go). */
export const formatTime = toRFC3339;

/** Epoch milliseconds of an RFC 3339 timestamp; `undefined` when absent or unparsable. */
export function parseTime(text: string | undefined): number | undefined {
  return text === undefined ? undefined : parseRFC3339(text);
}
