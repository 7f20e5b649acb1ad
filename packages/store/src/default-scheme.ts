import { applyDefaults, lookupKind, validate, validateStatusUpdate, validateUpdate } from '@flotilla/api';
import type { Scheme } from './types.js';

/** `@flotilla/api`'s kinds, defaulting and validation. */
export const defaultScheme: Scheme = {
  lookupKind: (type) => lookupKind(type),
  applyDefaults: <T>(obj: T): T => applyDefaults(obj as never) as T,
  validate: (obj) => validate(obj),
  validateUpdate: (next, prev) => validateUpdate(next, prev),
  validateStatusUpdate: (next, prev) => validateStatusUpdate(next, prev),
};
