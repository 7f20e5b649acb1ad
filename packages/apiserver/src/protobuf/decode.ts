/**
 * Kubernetes protobuf request bodies (`application/vnd.kubernetes.protobuf`) → the JSON object the
 * same request would have sent: the `k8s\0` magic, a `runtime.Unknown` envelope, then the kind's own
 * message, decoded with protobufjs' reflection over our schema (`schema.ts`).
 */
import { ApiError } from '@flotilla/api';
import protobuf from 'protobufjs';
import { INLINE, K8S_PROTO, KIND_MESSAGES, POINTER } from './schema.js';

export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

/** The schema's root, resolved (for tests and encoding samples). */
export const k8sRoot: protobuf.Root = protobuf.parse(K8S_PROTO, { keepCase: true }).root;
k8sRoot.resolveAll();

function messageType(name: string): protobuf.Type {
  return k8sRoot.lookupType(`flotilla.k8s.${name}`);
}

type Json = Record<string, unknown>;

function unknownFormat(why: string): ApiError {
  return ApiError.badRequest(`the body of the request was in an unknown format: ${why}`);
}

/** An int64 as protobufjs hands it over (a number, or a Long without precision loss up to 2^53). */
function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  return Number(String(value));
}

function isZero(value: unknown): boolean {
  return value === '' || value === 0 || value === false;
}

function rfc3339(time: Json): string | undefined {
  const seconds = time.seconds === undefined ? 0 : toNumber(time.seconds);
  const nanos = time.nanos === undefined ? 0 : toNumber(time.nanos);
  if (seconds === 0 && nanos === 0) return undefined;
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime())) throw unknownFormat(`invalid time ${seconds}`);
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A message-typed value: the special apimachinery types, or a nested object. */
function messageValue(type: protobuf.Type, value: Json): unknown {
  switch (type.name) {
    case 'Time':
      return rfc3339(value);
    case 'Quantity':
      return typeof value.value === 'string' ? value.value : '';
    case 'IntOrString':
      if (value.type !== undefined && toNumber(value.type) === 1)
        return typeof value.strVal === 'string' ? value.strVal : '';
      return value.intVal === undefined ? 0 : toNumber(value.intVal);
    default:
      return toJson(type, value);
  }
}

function scalarValue(protoType: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (protoType === 'int64' || protoType === 'uint64' || protoType === 'sint64') return toNumber(value);
  return value;
}

function fieldValue(field: protobuf.Field, value: unknown): unknown {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return messageValue(resolved, value as Json);
  return scalarValue(field.type, value);
}

/** A decoded message → its Kubernetes JSON form (see `POINTER` and `INLINE` in schema.ts). */
function toJson(type: protobuf.Type, message: Json): Json {
  const out: Json = {};
  for (const field of type.fieldsArray) {
    if (!Object.hasOwn(message, field.name)) continue;
    const raw = message[field.name];
    const key = `${type.name}.${field.name}`;
    let value: unknown;
    if (field instanceof protobuf.MapField) {
      const entries = Object.entries(raw as Json);
      if (entries.length === 0) continue;
      value = Object.fromEntries(entries.map(([k, v]) => [k, fieldValue(field, v)]));
    } else if (field.repeated) {
      const items = raw as unknown[];
      if (items.length === 0) continue;
      value = items.map((item) => fieldValue(field, item));
    } else {
      value = fieldValue(field, raw);
      if (value === undefined || (!POINTER.has(key) && isZero(value))) continue;
    }
    if (INLINE.has(key) && typeof value === 'object' && value !== null) Object.assign(out, value);
    else out[field.name] = value;
  }
  return out;
}

/** The message for `apiVersion/kind`, or a 415 for kinds we have no schema for. */
function kindType(apiVersion: string, kind: string): protobuf.Type {
  const name = KIND_MESSAGES.get(`${apiVersion}/${kind}`);
  if (name === undefined) {
    throw new ApiError(
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - ${PROTOBUF_MEDIA_TYPE} is not supported for ${apiVersion}, Kind=${kind}; accepted media types include: application/json`,
    );
  }
  return messageType(name);
}

/**
 * Decodes a Kubernetes protobuf body into the object's JSON form (with `apiVersion` and `kind` from
 * the envelope). Malformed bodies are 400 BadRequest, kinds without a schema 415.
 */
export function decodeKubernetesProtobuf(body: Buffer): Json {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw unknownFormat('missing the protobuf "k8s\\x00" prefix');
  }
  let envelope: Json;
  try {
    envelope = messageType('Unknown').decode(body.subarray(MAGIC.length)) as unknown as Json;
  } catch (error) {
    throw unknownFormat(error instanceof Error ? error.message : String(error));
  }
  const typeMeta = (envelope.typeMeta ?? {}) as Json;
  const apiVersion = typeof typeMeta.apiVersion === 'string' ? typeMeta.apiVersion : '';
  const kind = typeof typeMeta.kind === 'string' ? typeMeta.kind : '';
  if (apiVersion === '' || kind === '')
    throw unknownFormat('the protobuf envelope has no apiVersion and kind');
  const encoding = typeof envelope.contentEncoding === 'string' ? envelope.contentEncoding : '';
  if (encoding !== '') {
    throw new ApiError(
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - content encoding ${JSON.stringify(encoding)} is not supported`,
    );
  }
  const type = kindType(apiVersion, kind);
  const raw = envelope.raw instanceof Uint8Array ? envelope.raw : new Uint8Array();
  let message: Json;
  try {
    message = type.decode(raw) as unknown as Json;
  } catch (error) {
    throw unknownFormat(error instanceof Error ? error.message : String(error));
  }
  return { apiVersion, kind, ...toJson(type, message) };
}

/**
 * The reverse, for tests: a JSON-shaped object (in our schema's field names, with Time, Quantity and
 * IntOrString as messages) → `k8s\0` + Unknown, as client-go sends it.
 */
export function encodeKubernetesProtobuf(apiVersion: string, kind: string, object: Json): Buffer {
  const type = kindType(apiVersion, kind);
  const raw = type.encode(type.fromObject(object)).finish();
  const envelope = messageType('Unknown');
  const bytes = envelope
    .encode(
      envelope.fromObject({ typeMeta: { apiVersion, kind }, raw, contentEncoding: '', contentType: '' }),
    )
    .finish();
  return Buffer.concat([MAGIC, bytes]);
}
