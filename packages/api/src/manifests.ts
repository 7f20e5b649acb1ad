/**
 * Manifests: multi-document YAML or JSON text (what `kubectl apply -f` reads) to typed objects.
 *
 * Guarantees:
 * - YAML is read as Kubernetes reads it (YAML 1.1 scalars: `0644` is octal, `yes` is true;
 *   timestamps stay strings); JSON is YAML, so JSON text works too. Duplicate keys are errors.
 * - Each document is checked against its kind's strict schema: every problem of every document is
 *   reported, with the document's index and line, its apiVersion/kind/name and a Kubernetes field
 *   path (`unknown field "spec.replica"`, `spec.template.spec.containers[0].image: Required value`).
 * - Empty documents (only comments, or nothing between `---`) are skipped; they still count for
 *   document indexes, which are 0-based positions in the text.
 * - `kind: List` (and typed lists such as `PodList`) are flattened into their items, as kubectl does.
 * - `null` fields are treated as absent, as Kubernetes' decoder does (`creationTimestamp: null`).
 * - Objects come back as Kubernetes' JSON: values are kept as written (`cpu: 1` stays a number).
 */
import { type Document, LineCounter, parseAllDocuments } from 'yaml';
import { type FieldError, formatFieldError } from './field-errors.js';
import { type KubeObject, kinds, lookupKind } from './kinds.js';
import { dropNullFields, schemaErrorsToFieldErrors } from './schemas/schema-errors.js';

/** One problem found in a manifest. */
export interface ManifestProblem {
  /** 0-based index of the YAML document in the text (empty documents count). */
  readonly document: number;
  /** 1-based line where the document starts, when known. */
  readonly line?: number;
  readonly apiVersion?: string;
  readonly kind?: string;
  /** `metadata.name` (or `generateName`) of the object, when it has one. */
  readonly name?: string;
  /** What is wrong; `field` is `''` for problems of the whole document (YAML syntax, not an object). */
  readonly error: FieldError;
}

/** Thrown by `parseManifests`: every problem of every document. */
export class ManifestError extends Error {
  override readonly name = 'ManifestError';
  constructor(readonly problems: readonly ManifestProblem[]) {
    super(problems.map(formatManifestProblem).join('\n'));
  }
}

/** True for a `ManifestError`, also across package copies (checks `name`, not only the class). */
export function isManifestError(error: unknown): error is ManifestError {
  return (
    error instanceof ManifestError ||
    (error instanceof Error &&
      error.name === 'ManifestError' &&
      Array.isArray((error as ManifestError).problems))
  );
}

/** `document 0 (line 1, apps/v1 Deployment "nginx"): unknown field "spec.replica"`. */
export function formatManifestProblem(problem: ManifestProblem): string {
  const where = [
    problem.line === undefined ? undefined : `line ${problem.line}`,
    problem.apiVersion !== undefined || problem.kind !== undefined
      ? [problem.apiVersion, problem.kind].filter((s) => s !== undefined).join(' ')
      : undefined,
  ]
    .filter((s) => s !== undefined)
    .join(', ');
  const name = problem.name === undefined ? '' : ` ${JSON.stringify(problem.name)}`;
  const head = `document ${problem.document}${where ? ` (${where}${name})` : name ? ` (${name.trim()})` : ''}`;
  const body = problem.error.field ? formatFieldError(problem.error) : problem.error.detail;
  return `${head}: ${body}`;
}

/** The objects that parsed and the problems of those that did not. */
export interface ManifestResult {
  readonly objects: KubeObject[];
  readonly problems: ManifestProblem[];
}

// Kubernetes reads YAML 1.1 (go-yaml) but keeps timestamps as strings.
const YAML_OPTIONS = {
  version: '1.1',
  customTags: (tags: unknown[]) =>
    tags.filter((t) => (t as { tag?: string }).tag !== 'tag:yaml.org,2002:timestamp'),
} as const;

/**
 * Parses every document and returns the valid objects together with all problems; never throws
 * for bad input.
 */
export function tryParseManifests(text: string): ManifestResult {
  const objects: KubeObject[] = [];
  const problems: ManifestProblem[] = [];
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { ...YAML_OPTIONS, lineCounter } as Parameters<
    typeof parseAllDocuments
  >[1]);
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((doc: Document.Parsed | Document, index) => {
    const start = doc.contents?.range?.[0] ?? doc.range?.[0];
    const line = start === undefined ? undefined : lineCounter.linePos(start).line;
    const at = { document: index, ...(line === undefined ? {} : { line }) };
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        problems.push({
          ...at,
          error: {
            field: '',
            type: 'Invalid',
            detail: `yaml: ${(e.message.split('\n')[0] ?? '').replace(/:$/, '')}`,
          },
        });
      }
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      problems.push({
        ...at,
        error: { field: '', type: 'Invalid', detail: `yaml: ${(e as Error).message}` },
      });
      return;
    }
    if (value === null || value === undefined) return;
    decodeInto(value, at, '', objects, problems);
  });
  return { objects, problems };
}

/** Parses manifests; throws a `ManifestError` listing every problem when any document is invalid. */
export function parseManifests(text: string): KubeObject[] {
  const { objects, problems } = tryParseManifests(text);
  if (problems.length > 0) throw new ManifestError(problems);
  return objects;
}

/**
 * Checks one already-parsed JSON value (an HTTP body, say) against its kind's schema; throws a
 * `ManifestError` (document 0) when it is not a valid object of a known kind. Lists are rejected;
 * use `parseManifests` for them.
 */
export function decodeObject(value: unknown): KubeObject {
  const objects: KubeObject[] = [];
  const problems: ManifestProblem[] = [];
  decodeOne(value, { document: 0 }, '', objects, problems);
  if (problems.length > 0) throw new ManifestError(problems);
  const [object] = objects;
  if (!object)
    throw new ManifestError([{ document: 0, error: { field: '', type: 'Invalid', detail: 'no object' } }]);
  return object;
}

interface At {
  readonly document: number;
  readonly line?: number;
}

function decodeInto(
  value: unknown,
  at: At,
  prefix: string,
  objects: KubeObject[],
  problems: ManifestProblem[],
): void {
  const meta = typeMeta(value);
  const itemKind = meta.kind?.endsWith('List') ? meta.kind.slice(0, -'List'.length) : undefined;
  const isList =
    isRecord(value) &&
    itemKind !== undefined &&
    (meta.kind === 'List' || lookupKind({ apiVersion: meta.apiVersion, kind: itemKind }) !== undefined);
  if (!isList) {
    decodeOne(value, at, prefix, objects, problems);
    return;
  }
  const items = value.items ?? [];
  if (!Array.isArray(items)) {
    problems.push({
      ...at,
      ...meta,
      error: {
        field: join(prefix, 'items'),
        type: 'TypeInvalid',
        value: items,
        detail: 'must be of type array',
      },
    });
    return;
  }
  for (const key of Object.keys(value)) {
    if (!['apiVersion', 'kind', 'metadata', 'items'].includes(key)) {
      problems.push({
        ...at,
        ...meta,
        error: { field: join(prefix, key), type: 'UnknownField', detail: '' },
      });
    }
  }
  items.forEach((item: unknown, i) => {
    // Items of a typed list may omit their TypeMeta, as the API server sends them.
    const filled =
      meta.kind !== 'List' && isRecord(item) && item.apiVersion === undefined && item.kind === undefined
        ? { apiVersion: meta.apiVersion, kind: itemKind, ...item }
        : item;
    decodeInto(filled, at, `${prefix}items[${i}]`, objects, problems);
  });
}

function decodeOne(
  value: unknown,
  at: At,
  prefix: string,
  objects: KubeObject[],
  problems: ManifestProblem[],
): void {
  if (!isRecord(value)) {
    problems.push({
      ...at,
      error: {
        field: prefix,
        type: 'TypeInvalid',
        value,
        detail: 'a Kubernetes object must be a JSON object',
      },
    });
    return;
  }
  const meta = typeMeta(value);
  const where = { ...at, ...meta };
  if (meta.apiVersion === undefined || meta.kind === undefined) {
    for (const key of ['apiVersion', 'kind'] as const) {
      if (typeof value[key] !== 'string' || value[key] === '') {
        problems.push({
          ...where,
          error: { field: join(prefix, key), type: 'Required', detail: `${key} not set` },
        });
      }
    }
    return;
  }
  const info = lookupKind(meta);
  if (!info) {
    const versions = kinds.filter((k) => k.kind === meta.kind).map((k) => JSON.stringify(k.apiVersion));
    const hint = versions.length > 0 ? `; known versions: ${versions.join(', ')}` : '';
    problems.push({
      ...where,
      error: {
        field: join(prefix, 'kind'),
        type: 'NotSupported',
        value: meta.kind,
        detail: `no matches for kind ${JSON.stringify(meta.kind)} in version ${JSON.stringify(meta.apiVersion)}${hint}`,
      },
    });
    return;
  }
  const input = dropNullFields(info.schema, value);
  const result = info.schema.safeParse(input);
  if (result.success) {
    objects.push(result.data);
    return;
  }
  for (const error of schemaErrorsToFieldErrors(result.error, {
    input,
    schema: info.schema,
    ...(prefix ? { prefix } : {}),
  })) {
    problems.push({ ...where, error });
  }
}

function typeMeta(value: unknown): { apiVersion?: string; kind?: string; name?: string } {
  if (!isRecord(value)) return {};
  const out: { apiVersion?: string; kind?: string; name?: string } = {};
  if (typeof value.apiVersion === 'string' && value.apiVersion) out.apiVersion = value.apiVersion;
  if (typeof value.kind === 'string' && value.kind) out.kind = value.kind;
  const metadata = value.metadata;
  if (isRecord(metadata)) {
    const name = typeof metadata.name === 'string' ? metadata.name : metadata.generateName;
    if (typeof name === 'string' && name) out.name = name;
  }
  return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(prefix: string, field: string): string {
  return prefix ? `${prefix}.${field}` : field;
}
