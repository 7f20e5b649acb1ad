import { ApiError } from '@flotilla/api';

/** What a continue token carries: the list's revision and the last key returned. Opaque to clients. */
export interface ContinueToken {
  readonly rv: number;
  readonly start: string;
}

const VERSION = 'flotilla.store/v1';

export function encodeContinue(token: ContinueToken): string {
  const json = JSON.stringify({ v: VERSION, rv: token.rv, start: token.start });
  return btoa(String.fromCharCode(...new TextEncoder().encode(json)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

/** Parses a token; anything malformed is a BadRequest naming the parameter, as Kubernetes says it. */
export function decodeContinue(text: string): ContinueToken {
  let parsed: unknown;
  try {
    const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw invalidContinue('not a valid continue token');
  }
  const p = parsed as { v?: unknown; rv?: unknown; start?: unknown };
  if (typeof p !== 'object' || p === null || p.v !== VERSION) throw invalidContinue('unknown token version');
  if (typeof p.rv !== 'number' || !Number.isSafeInteger(p.rv) || p.rv < 1) {
    throw invalidContinue('invalid resource version');
  }
  if (typeof p.start !== 'string' || p.start === '') throw invalidContinue('invalid start key');
  return { rv: p.rv, start: p.start };
}

function invalidContinue(why: string): ApiError {
  return ApiError.badRequest(`continue key is not valid: ${why}`);
}

/** Kubernetes' 410 for a continue token whose revision was compacted. */
export function continueTooOld(): ApiError {
  return new ApiError(
    'Gone',
    'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue value from the response to get a list with fresh data.',
  );
}
