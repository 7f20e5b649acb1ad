/**
 * JSON Patch (RFC 6902), the `application/json-patch+json` of `kubectl patch --type json` and
 * `kubectl rollout undo`.
 *
 * - Operations apply in order to a copy; neither input is modified.
 * - A malformed patch document is BadRequest; an operation that cannot apply (missing path, failed
 *   `test`) is Invalid (422), as Kubernetes answers.
 */
import { ApiError, jsonEqual } from '@flotilla/api';

type Json = unknown;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

function unprocessable(message: string): ApiError {
  return new ApiError(
    'Invalid',
    `the server rejected our request due to an error in our request: ${message}`,
  );
}

/** `/a/b~1c/0` → `['a', 'b/c', '0']`. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/'))
    throw ApiError.badRequest(`invalid JSON pointer "${pointer}": must start with "/"`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function arrayIndex(arr: unknown[], token: string, forAdd: boolean): number {
  if (forAdd && token === '-') return arr.length;
  if (!/^(0|[1-9]\d*)$/.test(token)) throw unprocessable(`invalid array index "${token}"`);
  const i = Number(token);
  if (i > arr.length || (!forAdd && i === arr.length)) throw unprocessable(`array index ${i} out of bounds`);
  return i;
}

function getAt(doc: Json, tokens: readonly string[]): Json {
  let cur: Json = doc;
  for (const t of tokens) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(cur, t, false)];
    else if (isObject(cur) && Object.hasOwn(cur, t)) cur = cur[t];
    else throw unprocessable(`path "/${tokens.join('/')}" does not exist`);
  }
  return cur;
}

/** The parent container of the target and the last token; the parent must exist. */
function parentOf(doc: Json, tokens: readonly string[]): { parent: Json; last: string } {
  const last = tokens[tokens.length - 1] as string;
  return { parent: getAt(doc, tokens.slice(0, -1)), last };
}

function add(doc: Json, tokens: readonly string[], value: Json): Json {
  if (tokens.length === 0) return value;
  const { parent, last } = parentOf(doc, tokens);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, true), 0, value);
  else if (isObject(parent))
    Object.defineProperty(parent, last, { value, enumerable: true, writable: true, configurable: true });
  else throw unprocessable(`cannot add at "/${tokens.join('/')}": parent is not a container`);
  return doc;
}

function remove(doc: Json, tokens: readonly string[]): Json {
  if (tokens.length === 0) return undefined;
  const { parent, last } = parentOf(doc, tokens);
  if (Array.isArray(parent)) parent.splice(arrayIndex(parent, last, false), 1);
  else if (isObject(parent) && Object.hasOwn(parent, last)) delete parent[last];
  else throw unprocessable(`path "/${tokens.join('/')}" does not exist`);
  return doc;
}

/** Applies an RFC 6902 patch document (already parsed JSON) to `target`. */
export function applyJsonPatch(target: unknown, patch: unknown): unknown {
  if (!Array.isArray(patch)) throw ApiError.badRequest('json patch must be an array of operations');
  let doc = clone(target);
  for (const [i, op] of patch.entries()) {
    if (!isObject(op) || typeof op.op !== 'string' || typeof op.path !== 'string') {
      throw ApiError.badRequest(`json patch operation ${i}: must be an object with "op" and "path" strings`);
    }
    const tokens = parsePointer(op.path);
    const needValue = op.op === 'add' || op.op === 'replace' || op.op === 'test';
    if (needValue && !Object.hasOwn(op, 'value')) {
      throw ApiError.badRequest(`json patch operation ${i} (${op.op}): missing "value"`);
    }
    switch (op.op) {
      case 'add':
        doc = add(doc, tokens, clone(op.value));
        break;
      case 'remove':
        doc = remove(doc, tokens);
        break;
      case 'replace':
        getAt(doc, tokens);
        doc = add(remove(doc, tokens), tokens, clone(op.value));
        break;
      case 'move':
      case 'copy': {
        if (typeof op.from !== 'string')
          throw ApiError.badRequest(`json patch operation ${i} (${op.op}): missing "from"`);
        const from = parsePointer(op.from);
        const value = clone(getAt(doc, from));
        if (op.op === 'move') {
          if (op.path.startsWith(`${op.from}/`)) throw unprocessable(`cannot move "${op.from}" into itself`);
          doc = remove(doc, from);
        }
        doc = add(doc, tokens, value);
        break;
      }
      case 'test':
        if (!jsonEqual(getAt(doc, tokens), op.value))
          throw unprocessable(`test operation at "${op.path}" failed`);
        break;
      default:
        throw ApiError.badRequest(`json patch operation ${i}: unknown op "${op.op}"`);
    }
  }
  return doc;
}
