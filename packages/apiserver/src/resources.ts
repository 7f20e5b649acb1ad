/**
 * The resource endpoints: get, list, watch, create, update, patch, delete and deletecollection for
 * every registered kind, plus the `status` and `scale` subresources, over an `ObjectStore`
 * (`pods/binding` is `binding.ts`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, applyDefaults, type KindInfo, validate, validateUpdate } from '@flotilla/api';
import { applyMergePatch } from '@flotilla/client';
import { type Clock, toRFC3339 } from '@flotilla/clock';
import { type LabelSelector, selectorFromLabelSelector } from '@flotilla/labels';
import type { ObjectStore, StoreObject } from '@flotilla/store';
import {
  APPLY_PATCH_TYPE,
  fieldManagerOf,
  forceOf,
  parseApplyBody,
  requireApplyManager,
  trackWrite,
} from './field-manager.js';
import { checkUnknownFields, parseFieldValidation } from './field-validation.js';
import {
  mediaType,
  methodNotAllowed,
  parseJson,
  parseJsonObject,
  readBody,
  sendJson,
  statusOf,
  wantsTable,
} from './http.js';
import { applyJsonPatch } from './patch/json-patch.js';
import { lastAppliedAllowance, serverSideApply } from './patch/server-side-apply.js';
import { applyStrategicMergePatch } from './patch/strategic-merge.js';
import { decodeKubernetesProtobuf, PROTOBUF_MEDIA_TYPE } from './protobuf/decode.js';
import { type IncludeObject, toTable } from './table.js';

export interface ResourceContext {
  readonly store: ObjectStore;
  readonly clock: Clock;
  /** Milliseconds between BOOKMARK events on watches that allow them. */
  readonly bookmarkIntervalMs: number;
  /** Registers an open watch's stop function; returns the unregister function. */
  readonly trackWatch: (stop: () => void) => () => void;
}

export interface ResourceRequest {
  readonly kind: KindInfo;
  readonly namespace: string | undefined;
  readonly name: string | undefined;
  readonly subresource: string | undefined;
  readonly query: URLSearchParams;
}

type Obj = StoreObject & Record<string, unknown>;
type Meta = Record<string, unknown>;

const typeOf = (kind: KindInfo) => ({ apiVersion: kind.apiVersion, kind: kind.kind });

function checkVerb(kind: KindInfo, verb: string, method: string): void {
  if (!(kind.verbs as readonly string[]).includes(verb)) throw methodNotAllowed(method);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function intParam(query: URLSearchParams, name: string, min = 0): number | undefined {
  const text = query.get(name);
  if (text === null || text === '') return undefined;
  if (!/^-?\d+$/.test(text) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
    throw ApiError.badRequest(`${name}: Invalid value: "${text}": must be an integer >= ${min}`);
  }
  return Number(text);
}

function boolParam(query: URLSearchParams, name: string): boolean {
  const v = query.get(name);
  return v === '1' || v === 'true' || v === 'True';
}

function includeObjectOf(query: URLSearchParams): IncludeObject {
  const v = query.get('includeObject');
  if (v === null || v === '') return 'Metadata';
  if (v === 'None' || v === 'Metadata' || v === 'Object') return v;
  throw ApiError.badRequest(
    `includeObject: Unsupported value: "${v}": supported values: "None", "Metadata", "Object"`,
  );
}

/** Fills `apiVersion`/`kind` from the URL when absent; a different type is BadRequest. */
function typedBody(kind: KindInfo, body: Record<string, unknown>): Obj {
  const apiVersion = body.apiVersion ?? kind.apiVersion;
  const k = body.kind ?? kind.kind;
  if (apiVersion !== kind.apiVersion || k !== kind.kind) {
    throw ApiError.badRequest(
      `the API version in the data (${String(apiVersion)}) and kind (${String(k)}) do not match the request (${kind.apiVersion}, ${kind.kind})`,
    );
  }
  if (body.metadata !== undefined && !isObject(body.metadata)) {
    throw ApiError.badRequest('the body of the request was in an unknown format: metadata must be an object');
  }
  return { ...body, apiVersion, kind: k } as Obj;
}

/** `dryRun=All`: run every check, write nothing. Any other value is BadRequest. */
export function isDryRun(query: URLSearchParams): boolean {
  const values = query.getAll('dryRun');
  for (const v of values) {
    if (v !== 'All') throw ApiError.badRequest(`dryRun: Unsupported value: "${v}": supported values: "All"`);
  }
  return values.length > 0;
}

/** Defaults and validates `obj` as the store would, for a dry run; returns the object to show. */
function dryRunCheck(kind: KindInfo, obj: Obj, old: Obj | undefined): Obj {
  const next = applyDefaults(obj);
  const errors = old === undefined ? validate(next) : validateUpdate(next, old);
  if (errors.length > 0) {
    throw ApiError.invalid({ group: kind.group, kind: kind.kind }, String(metaOf(obj).name ?? ''), errors);
  }
  return next;
}

function withMeta(obj: Record<string, unknown>, changes: Meta): Obj {
  return { ...obj, metadata: { ...metaOf(obj), ...changes } } as unknown as Obj;
}

function metaOf(obj: { metadata?: unknown }): Meta {
  return isObject(obj.metadata) ? obj.metadata : {};
}

/** Sets the namespace from the URL; a different one in the body is BadRequest. */
function inNamespace(kind: KindInfo, obj: Obj, namespace: string | undefined): Obj {
  const meta = metaOf(obj);
  if (!kind.namespaced) {
    if (meta.namespace) {
      const { namespace: _ns, ...rest } = meta;
      return { ...obj, metadata: rest };
    }
    return obj;
  }
  if (meta.namespace !== undefined && meta.namespace !== '' && meta.namespace !== namespace) {
    throw ApiError.badRequest(
      'the namespace of the provided object does not match the namespace sent on the request',
    );
  }
  return { ...obj, metadata: { ...meta, namespace } };
}

function warningHeaders(warnings: readonly string[]): Record<string, string> {
  if (warnings.length === 0) return {};
  return { Warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ') };
}

function respond(
  res: ServerResponse,
  req: IncomingMessage,
  ctx: ResourceContext,
  q: ResourceRequest,
  code: number,
  obj: StoreObject,
  headers: Record<string, string> = {},
): void {
  if (wantsTable(req.headers.accept) && (obj as { kind?: string }).kind === q.kind.kind) {
    sendJson(
      res,
      code,
      toTable(
        typeOf(q.kind),
        [obj],
        { resourceVersion: obj.metadata?.resourceVersion ?? '' },
        ctx.clock.now(),
        includeObjectOf(q.query),
      ),
      headers,
    );
    return;
  }
  sendJson(res, code, obj, headers);
}

// -------------------------------------------------------------------------------------------------
// Scale

function selectorString(selector: unknown): string {
  if (!isObject(selector)) return '';
  try {
    return selectorFromLabelSelector(selector as LabelSelector).toString();
  } catch {
    return '';
  }
}

function toScale(obj: Obj) {
  const meta = metaOf(obj);
  const spec = isObject(obj.spec) ? obj.spec : {};
  const status = isObject(obj.status) ? obj.status : {};
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: meta.name,
      namespace: meta.namespace,
      uid: meta.uid,
      resourceVersion: meta.resourceVersion,
      creationTimestamp: meta.creationTimestamp,
    },
    spec: { replicas: typeof spec.replicas === 'number' ? spec.replicas : 0 },
    status: {
      replicas: typeof status.replicas === 'number' ? status.replicas : 0,
      selector: selectorString(spec.selector),
    },
  };
}

/** Applies a (patched or PUT) Scale to its object: only `spec.replicas`, checked like Kubernetes. */
function fromScale(kind: KindInfo, current: Obj, scale: unknown, name: string): Obj {
  if (!isObject(scale))
    throw ApiError.badRequest('the body of the request was in an unknown format: expected a Scale');
  const meta = metaOf(scale);
  if (meta.name !== undefined && meta.name !== name) {
    throw ApiError.badRequest(
      `the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`,
    );
  }
  const rv = meta.resourceVersion;
  if (rv !== undefined && rv !== '' && rv !== current.metadata?.resourceVersion) {
    throw ApiError.conflict({ group: kind.group, resource: kind.plural }, name);
  }
  const replicas = isObject(scale.spec) ? scale.spec.replicas : undefined;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0 || replicas > 2 ** 31 - 1) {
    throw ApiError.invalid({ group: 'autoscaling', kind: 'Scale' }, name, [
      {
        field: 'spec.replicas',
        type: 'Invalid',
        value: replicas as never,
        detail: 'must be greater than or equal to 0',
      },
    ]);
  }
  const spec = isObject(current.spec) ? current.spec : {};
  if (spec.replicas === replicas) return current;
  return { ...current, spec: { ...spec, replicas } };
}

// -------------------------------------------------------------------------------------------------
// Patch

const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
];

function applyPatch(contentType: string, target: unknown, patch: unknown): unknown {
  switch (contentType) {
    case 'application/merge-patch+json':
      if (!isObject(patch)) throw ApiError.badRequest('merge patch must be a JSON object');
      return applyMergePatch(target, patch);
    case 'application/json-patch+json':
      return applyJsonPatch(target, patch);
    case 'application/strategic-merge-patch+json':
      return applyStrategicMergePatch(target, patch);
    default:
      throw new ApiError(
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(', ')}`,
      );
  }
}

// -------------------------------------------------------------------------------------------------
// Handlers

export async function handleResource(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: ResourceContext,
  q: ResourceRequest,
): Promise<void> {
  const method = req.method ?? 'GET';
  const { kind, name, subresource } = q;
  if (name === undefined) {
    switch (method) {
      case 'GET':
        if (boolParam(q.query, 'watch')) {
          checkVerb(kind, 'watch', method);
          return watch(req, res, ctx, q);
        }
        checkVerb(kind, 'list', method);
        return list(req, res, ctx, q);
      case 'POST':
        checkVerb(kind, 'create', method);
        if (kind.namespaced && q.namespace === undefined) throw methodNotAllowed(method);
        return create(req, res, ctx, q);
      case 'DELETE':
        checkVerb(kind, 'deletecollection', method);
        return deleteCollection(req, res, ctx, q);
      default:
        throw methodNotAllowed(method);
    }
  }
  if (subresource !== undefined && subresource !== 'status' && subresource !== 'scale') {
    throw new ApiError('NotFound', 'the server could not find the requested resource');
  }
  switch (method) {
    case 'GET': {
      if (boolParam(q.query, 'watch') && subresource === undefined) {
        checkVerb(kind, 'watch', method);
        return watch(req, res, ctx, q);
      }
      checkVerb(kind, 'get', method);
      const obj = (await ctx.store.get({ ...typeOf(kind), namespace: q.namespace, name })) as Obj;
      if (subresource === 'scale') return sendJson(res, 200, toScale(obj));
      return respond(res, req, ctx, q, 200, obj);
    }
    case 'PUT':
      checkVerb(kind, 'update', method);
      return update(req, res, ctx, q, name);
    case 'PATCH':
      checkVerb(kind, 'patch', method);
      return patch(req, res, ctx, q, name);
    case 'DELETE':
      if (subresource !== undefined) throw methodNotAllowed(method);
      checkVerb(kind, 'delete', method);
      return remove(req, res, ctx, q, name);
    default:
      throw methodNotAllowed(method);
  }
}

async function list(req: IncomingMessage, res: ServerResponse, ctx: ResourceContext, q: ResourceRequest) {
  const limit = intParam(q.query, 'limit');
  const include = includeObjectOf(q.query);
  const result = await ctx.store.list(typeOf(q.kind), {
    ...(q.namespace === undefined ? {} : { namespace: q.namespace }),
    ...(q.query.get('labelSelector') ? { labelSelector: q.query.get('labelSelector') as string } : {}),
    ...(q.query.get('fieldSelector') ? { fieldSelector: q.query.get('fieldSelector') as string } : {}),
    ...(limit === undefined ? {} : { limit }),
    ...(q.query.get('continue') ? { continue: q.query.get('continue') as string } : {}),
    ...(q.query.get('resourceVersion') !== null
      ? { resourceVersion: q.query.get('resourceVersion') as string }
      : {}),
  });
  if (wantsTable(req.headers.accept)) {
    sendJson(res, 200, toTable(typeOf(q.kind), result.items, result.metadata, ctx.clock.now(), include));
    return;
  }
  sendJson(res, 200, result);
}

async function namespaceMustExist(ctx: ResourceContext, namespace: string): Promise<void> {
  try {
    const ns = await ctx.store.get({ apiVersion: 'v1', kind: 'Namespace', name: namespace });
    if (ns.metadata?.deletionTimestamp) {
      throw ApiError.forbidden(
        { group: '', resource: 'namespaces' },
        namespace,
        `unable to create new content in namespace ${namespace} because it is being terminated`,
      );
    }
  } catch (error) {
    if ((error as ApiError).reason === 'NotFound') {
      throw ApiError.notFound({ group: '', resource: 'namespaces' }, namespace);
    }
    throw error;
  }
}

async function create(req: IncomingMessage, res: ServerResponse, ctx: ResourceContext, q: ResourceRequest) {
  const body = await jsonBody(req);
  let obj = inNamespace(q.kind, typedBody(q.kind, body), q.namespace);
  const checked = checkUnknownFields(obj, parseFieldValidation(q.query.get('fieldValidation')));
  obj = trackWrite(undefined, checked.object, writeOptions(req, ctx, q));
  if (q.kind.namespaced) await namespaceMustExist(ctx, q.namespace as string);
  if (isDryRun(q.query)) {
    const name = String(metaOf(obj).name ?? '');
    if (name) {
      try {
        await ctx.store.get({ ...typeOf(q.kind), namespace: q.namespace, name });
        throw ApiError.alreadyExists({ group: q.kind.group, resource: q.kind.plural }, name);
      } catch (error) {
        if ((error as ApiError).reason !== 'NotFound') throw error;
      }
    }
    const shown = { ...obj, metadata: { ...metaOf(obj), creationTimestamp: toRFC3339(ctx.clock.now()) } };
    return respond(
      res,
      req,
      ctx,
      q,
      201,
      dryRunCheck(q.kind, shown, undefined),
      warningHeaders(checked.warnings),
    );
  }
  const created = await ctx.store.create(obj);
  respond(res, req, ctx, q, 201, created, warningHeaders(checked.warnings));
}

/** A create/update body: JSON, or Kubernetes protobuf (what kubectl 1.32's typed clients send). */
export async function jsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const type = mediaType(req.headers['content-type']);
  if (type === PROTOBUF_MEDIA_TYPE) return decodeKubernetesProtobuf(await readBody(req));
  if (type !== '' && type !== 'application/json' && type !== '*/*') {
    await readBody(req);
    throw new ApiError(
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json, ${PROTOBUF_MEDIA_TYPE}`,
    );
  }
  return parseJsonObject(await readBody(req));
}

async function update(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: ResourceContext,
  q: ResourceRequest,
  name: string,
) {
  const body = await jsonBody(req);
  const ref = { ...typeOf(q.kind), namespace: q.namespace, name };
  if (q.subresource === 'scale') {
    const opts = writeOptions(req, ctx, q);
    const updated = await ctx.store.guaranteedUpdate<Obj>(ref, (current) =>
      trackWrite(current, fromScale(q.kind, current, body, name), opts, false),
    );
    return sendJson(res, 200, toScale(updated));
  }
  let obj = inNamespace(q.kind, typedBody(q.kind, body), q.namespace);
  const meta = metaOf(obj);
  if (meta.name !== undefined && meta.name !== name) {
    throw ApiError.badRequest(
      `the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`,
    );
  }
  obj = { ...obj, metadata: { ...meta, name } };
  const checked = checkUnknownFields(obj, parseFieldValidation(q.query.get('fieldValidation')));
  // The status subresource stores only `.status`, so its writes are not tracked in managedFields.
  const updated =
    q.subresource === 'status'
      ? await ctx.store.update(checked.object, { subresource: 'status' })
      : await updateTracked(ctx, q, ref, checked.object, writeOptions(req, ctx, q));
  respond(res, req, ctx, q, 200, updated, warningHeaders(checked.warnings));
}

async function patch(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: ResourceContext,
  q: ResourceRequest,
  name: string,
) {
  const type = mediaType(req.headers['content-type']);
  const raw = await readBody(req);
  if (type === APPLY_PATCH_TYPE) return apply(req, res, ctx, q, name, raw);
  if (!PATCH_TYPES.includes(type)) applyPatch(type, undefined, undefined);
  const patchBody = parseJson(raw);
  const ref = { ...typeOf(q.kind), namespace: q.namespace, name };
  const gr = { group: q.kind.group, resource: q.kind.plural };
  const dryRun = isDryRun(q.query);
  const opts = writeOptions(req, ctx, q);
  if (q.subresource === 'scale') {
    const scaled = (current: Obj) =>
      trackWrite(
        current,
        fromScale(q.kind, current, applyPatch(type, toScale(current), patchBody), name),
        opts,
        false,
      );
    const updated = dryRun
      ? scaled((await ctx.store.get(ref)) as Obj)
      : await ctx.store.guaranteedUpdate<Obj>(ref, scaled);
    return sendJson(res, 200, toScale(updated));
  }
  const mode = parseFieldValidation(q.query.get('fieldValidation'));
  let warnings: string[] = [];
  const patchOf = (current: Obj): Obj => {
    const patched = applyPatch(type, current, patchBody);
    if (!isObject(patched)) throw ApiError.badRequest('the patched object must be a JSON object');
    if (patched.apiVersion !== current.apiVersion || patched.kind !== current.kind) {
      throw ApiError.badRequest('a patch cannot change the apiVersion or kind of an object');
    }
    const meta = metaOf(patched);
    const curMeta = metaOf(current);
    if (meta.name !== curMeta.name) {
      throw ApiError.badRequest(
        `the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`,
      );
    }
    if (q.kind.namespaced && meta.namespace !== curMeta.namespace) {
      throw ApiError.badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    if (meta.resourceVersion !== undefined && meta.resourceVersion !== curMeta.resourceVersion) {
      throw ApiError.conflict(gr, name);
    }
    // managedFields the patch left as stored need no unknown-field check (it would walk them all).
    const kept = meta.managedFields !== undefined && meta.managedFields === curMeta.managedFields;
    const checked = checkUnknownFields(
      kept ? withMeta(patched, { managedFields: undefined }) : (patched as Obj),
      mode,
    );
    warnings = checked.warnings;
    const object = kept ? withMeta(checked.object, { managedFields: meta.managedFields }) : checked.object;
    return q.subresource === 'status' ? object : trackWrite(current, object, opts, false);
  };
  if (dryRun) {
    const current = (await ctx.store.get(ref)) as Obj;
    return respond(
      res,
      req,
      ctx,
      q,
      200,
      dryRunCheck(q.kind, patchOf(current), current),
      warningHeaders(warnings),
    );
  }
  const updated = await ctx.store.guaranteedUpdate<Obj>(
    ref,
    patchOf,
    q.subresource === 'status' ? { subresource: 'status' } : {},
  );
  respond(res, req, ctx, q, 200, updated, warningHeaders(warnings));
}

// -------------------------------------------------------------------------------------------------
// Field management and server-side apply

function writeOptions(req: IncomingMessage, ctx: ResourceContext, q: ResourceRequest) {
  return {
    manager: fieldManagerOf(q.query, req),
    now: toRFC3339(ctx.clock.now()),
    ...(q.subresource === undefined ? {} : { subresource: q.subresource }),
  };
}

/** PUT of the main resource: the store's update, with the managedFields of this write. */
function updateTracked(
  ctx: ResourceContext,
  q: ResourceRequest,
  ref: { apiVersion: string; kind: string; namespace: string | undefined; name: string },
  obj: Obj,
  opts: ReturnType<typeof writeOptions>,
): Promise<Obj> {
  const rv = metaOf(obj).resourceVersion;
  return ctx.store.guaranteedUpdate<Obj>(ref, (current) => {
    if (rv !== undefined && rv !== '' && rv !== current.metadata?.resourceVersion) {
      throw ApiError.conflict({ group: q.kind.group, resource: q.kind.plural }, ref.name);
    }
    return trackWrite(current, obj, opts);
  });
}

/** PATCH with `application/apply-patch+yaml`: server-side apply, creating the object if missing. */
async function apply(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: ResourceContext,
  q: ResourceRequest,
  name: string,
  raw: Buffer,
) {
  if (q.subresource !== undefined) {
    throw new ApiError(
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(', ')}`,
    );
  }
  const manager = requireApplyManager(q.query);
  const force = forceOf(q.query);
  const dryRun = isDryRun(q.query);
  let config = inNamespace(q.kind, typedBody(q.kind, parseApplyBody(raw)), q.namespace);
  const meta = metaOf(config);
  if (meta.name !== undefined && meta.name !== name) {
    throw ApiError.badRequest(
      `the name of the object (${String(meta.name)}) does not match the name on the URL (${name})`,
    );
  }
  if (meta.managedFields !== undefined && meta.managedFields !== null) {
    throw ApiError.badRequest('metadata.managedFields must be nil');
  }
  config = { ...config, metadata: { ...meta, name } };
  const checked = checkUnknownFields(config, parseFieldValidation(q.query.get('fieldValidation')));
  config = checked.object;
  const warnings = warningHeaders(checked.warnings);
  const gr = { group: q.kind.group, resource: q.kind.plural };
  const rv = metaOf(config).resourceVersion;
  const now = toRFC3339(ctx.clock.now());
  const ref = { ...typeOf(q.kind), namespace: q.namespace, name };
  const applyTo = (current: Obj | undefined) => {
    if (rv !== undefined && rv !== '' && rv !== current?.metadata?.resourceVersion) {
      throw current === undefined ? ApiError.notFound(gr, name) : ApiError.conflict(gr, name);
    }
    const allowance =
      current !== undefined && manager === 'kubectl' ? lastAppliedAllowance(current) : undefined;
    return serverSideApply(current, config, {
      manager,
      force,
      now,
      syncLastApplied: manager === 'kubectl',
      ...(allowance === undefined ? {} : { allowedConflicts: allowance }),
    });
  };
  let current: Obj | undefined;
  try {
    current = (await ctx.store.get(ref)) as Obj;
  } catch (error) {
    if ((error as ApiError).reason !== 'NotFound') throw error;
  }
  if (current === undefined) {
    if (q.kind.namespaced) await namespaceMustExist(ctx, q.namespace as string);
    const obj = applyTo(undefined).object as Obj;
    if (dryRun) {
      const shown = { ...obj, metadata: { ...metaOf(obj), creationTimestamp: now } };
      return respond(res, req, ctx, q, 201, dryRunCheck(q.kind, shown, undefined), warnings);
    }
    try {
      return respond(res, req, ctx, q, 201, await ctx.store.create(obj), warnings);
    } catch (error) {
      // Created meanwhile: apply to it instead.
      if ((error as ApiError).reason !== 'AlreadyExists') throw error;
    }
  }
  if (dryRun) {
    const live = (await ctx.store.get(ref)) as Obj;
    return respond(res, req, ctx, q, 200, dryRunCheck(q.kind, applyTo(live).object as Obj, live), warnings);
  }
  const updated = await ctx.store.guaranteedUpdate<Obj>(ref, (live) => {
    const result = applyTo(live);
    return result.changed ? (result.object as Obj) : live;
  });
  respond(res, req, ctx, q, 200, updated, warnings);
}

interface DeleteBody {
  dryRun?: boolean;
  gracePeriodSeconds?: number;
  propagationPolicy?: string;
  preconditions?: { uid?: string; resourceVersion?: string };
}

async function deleteOptions(req: IncomingMessage, query: URLSearchParams): Promise<DeleteBody> {
  const raw = await readBody(req);
  const text = raw.toString('utf8').trim();
  const body: Record<string, unknown> = text === '' ? {} : parseJsonObject(raw);
  const grace = intParam(query, 'gracePeriodSeconds') ?? body.gracePeriodSeconds;
  if (
    grace !== undefined &&
    grace !== null &&
    !(typeof grace === 'number' && Number.isInteger(grace) && grace >= 0)
  ) {
    throw ApiError.badRequest(
      `gracePeriodSeconds: Invalid value: ${JSON.stringify(grace)}: must be a non-negative integer`,
    );
  }
  // The deprecated orphanDependents flag maps onto a policy, as in Kubernetes.
  const orphan = query.get('orphanDependents') ?? body.orphanDependents;
  const legacy =
    orphan === true || orphan === 'true'
      ? 'Orphan'
      : orphan === false || orphan === 'false'
        ? 'Background'
        : undefined;
  const policy = query.get('propagationPolicy') ?? body.propagationPolicy ?? legacy;
  if (
    policy !== undefined &&
    policy !== null &&
    !['Orphan', 'Background', 'Foreground'].includes(policy as string)
  ) {
    throw ApiError.badRequest(
      `propagationPolicy: Unsupported value: ${JSON.stringify(policy)}: supported values: "Foreground", "Background", "Orphan"`,
    );
  }
  const pre = body.preconditions;
  if (pre !== undefined && pre !== null && !isObject(pre))
    throw ApiError.badRequest('preconditions must be an object');
  const preconditions: { uid?: string; resourceVersion?: string } = {};
  if (isObject(pre)) {
    if (typeof pre.uid === 'string') preconditions.uid = pre.uid;
    if (typeof pre.resourceVersion === 'string') preconditions.resourceVersion = pre.resourceVersion;
  }
  const dry = body.dryRun;
  if (dry !== undefined && dry !== null && !(Array.isArray(dry) && dry.every((d) => d === 'All'))) {
    throw ApiError.badRequest(`dryRun: Unsupported value: ${JSON.stringify(dry)}: supported values: "All"`);
  }
  return {
    ...(Array.isArray(dry) && dry.length > 0 ? { dryRun: true } : {}),
    ...(typeof grace === 'number' ? { gracePeriodSeconds: grace } : {}),
    ...(typeof policy === 'string' ? { propagationPolicy: policy } : {}),
    ...(Object.keys(preconditions).length ? { preconditions } : {}),
  };
}

async function deleteOne(
  ctx: ResourceContext,
  kind: KindInfo,
  namespace: string | undefined,
  name: string,
  opts: DeleteBody,
) {
  const ref = { ...typeOf(kind), namespace, name };
  let grace = opts.gracePeriodSeconds;
  if (grace === undefined && kind.kind === 'Pod' && kind.group === '') {
    // Kubernetes' default: the pod's own terminationGracePeriodSeconds (30 when unset).
    const pod = (await ctx.store.get(ref)) as Obj;
    const spec = isObject(pod.spec) ? pod.spec : {};
    grace = typeof spec.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : 30;
  }
  return ctx.store.delete(ref, {
    ...(grace === undefined ? {} : { gracePeriodSeconds: grace }),
    ...(opts.preconditions ? { preconditions: opts.preconditions } : {}),
    // Validated above: the store sets the garbage collector's foregroundDeletion/orphan finalizers.
    ...(opts.propagationPolicy
      ? { propagationPolicy: opts.propagationPolicy as 'Foreground' | 'Background' | 'Orphan' }
      : {}),
  });
}

async function remove(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: ResourceContext,
  q: ResourceRequest,
  name: string,
) {
  const opts = await deleteOptions(req, q.query);
  if (isDryRun(q.query) || opts.dryRun) {
    return respond(
      res,
      req,
      ctx,
      q,
      200,
      await ctx.store.get({ ...typeOf(q.kind), namespace: q.namespace, name }),
    );
  }
  const deleted = await deleteOne(ctx, q.kind, q.namespace, name, opts);
  respond(res, req, ctx, q, 200, deleted);
}

async function deleteCollection(
  req: IncomingMessage,
  res: ServerResponse,
  ctx: ResourceContext,
  q: ResourceRequest,
) {
  const opts = await deleteOptions(req, q.query);
  const items = await ctx.store.list(typeOf(q.kind), {
    ...(q.namespace === undefined ? {} : { namespace: q.namespace }),
    ...(q.query.get('labelSelector') ? { labelSelector: q.query.get('labelSelector') as string } : {}),
    ...(q.query.get('fieldSelector') ? { fieldSelector: q.query.get('fieldSelector') as string } : {}),
  });
  if (isDryRun(q.query) || opts.dryRun) return sendJson(res, 200, items);
  const deleted: StoreObject[] = [];
  for (const item of items.items) {
    try {
      deleted.push(await deleteOne(ctx, q.kind, item.metadata?.namespace, item.metadata?.name ?? '', opts));
    } catch (error) {
      if ((error as ApiError).reason !== 'NotFound') throw error;
    }
  }
  sendJson(res, 200, { ...items, items: deleted });
}

// -------------------------------------------------------------------------------------------------
// Watch

async function watch(req: IncomingMessage, res: ServerResponse, ctx: ResourceContext, q: ResourceRequest) {
  const type = typeOf(q.kind);
  const timeoutSeconds = intParam(q.query, 'timeoutSeconds');
  const bookmarks = boolParam(q.query, 'allowWatchBookmarks');
  const table = wantsTable(req.headers.accept);
  const include = includeObjectOf(q.query);
  const rv = q.query.get('resourceVersion') ?? '';
  if (rv !== '' && !/^\d+$/.test(rv))
    throw ApiError.badRequest(`resourceVersion: Invalid value: "${rv}": must be a non-negative integer`);
  const fieldSelectors = [q.query.get('fieldSelector') ?? ''];
  if (q.name !== undefined) fieldSelectors.push(`metadata.name=${q.name}`);
  const fieldSelector = fieldSelectors.filter((s) => s !== '').join(',');
  const labelSelector = q.query.get('labelSelector') ?? '';
  const filter = {
    ...(q.namespace === undefined ? {} : { namespace: q.namespace }),
    ...(labelSelector ? { labelSelector } : {}),
    ...(fieldSelector ? { fieldSelector } : {}),
  };
  // Validates the selectors (a 400 before the stream starts) and gives the current revision.
  const probe = await ctx.store.list(type, { ...filter, limit: 1, resourceVersion: '0' });
  let lastRV = rv === '' || rv === '0' ? probe.metadata.resourceVersion : rv;

  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Transfer-Encoding': 'chunked',
    'Cache-Control': 'no-cache',
  });
  res.flushHeaders();
  let done = false;
  let first = true;
  const write = (eventType: string, object: unknown) => {
    if (done) return;
    let out = object;
    if (table && eventType !== 'ERROR' && eventType !== 'BOOKMARK') {
      out = toTable(
        type,
        [object as StoreObject],
        { resourceVersion: lastRV },
        ctx.clock.now(),
        include,
        first,
      );
      first = false;
    }
    res.write(`${JSON.stringify({ type: eventType, object: out })}\n`);
  };
  const bookmark = () =>
    write('BOOKMARK', {
      kind: type.kind,
      apiVersion: type.apiVersion,
      metadata: { resourceVersion: lastRV },
    });

  let timeout: ReturnType<Clock['setTimeout']> | undefined;
  let tick: ReturnType<Clock['setTimeout']> | undefined;
  const scheduleBookmark = () => {
    tick = ctx.clock.setTimeout(() => {
      bookmark();
      scheduleBookmark();
    }, ctx.bookmarkIntervalMs);
  };
  const stop = () => {
    if (done) return;
    if (bookmarks && timeout !== undefined) bookmark();
    done = true;
    subscription.unsubscribe();
    if (timeout !== undefined) ctx.clock.clearTimeout(timeout);
    if (tick !== undefined) ctx.clock.clearTimeout(tick);
    untrack();
    res.end();
  };
  const untrack = ctx.trackWatch(() => {
    timeout = undefined;
    stop();
  });
  const subscription = ctx.store
    .watch(type, { ...filter, ...(rv === '' ? {} : { resourceVersion: rv }) })
    .subscribe({
      next: (event) => {
        const eventRV = event.object.metadata?.resourceVersion;
        if (eventRV) lastRV = eventRV;
        write(event.type, event.object);
      },
      error: (error: unknown) => {
        write('ERROR', statusOf(error));
        timeout = undefined;
        stop();
      },
    });
  if (timeoutSeconds !== undefined && timeoutSeconds > 0)
    timeout = ctx.clock.setTimeout(stop, timeoutSeconds * 1000);
  if (bookmarks) scheduleBookmark();
  res.on('close', () => {
    timeout = undefined;
    stop();
  });
  req.on('error', () => {
    timeout = undefined;
    stop();
  });
}
