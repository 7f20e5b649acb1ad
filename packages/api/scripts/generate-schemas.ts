/**
 * Generates `src/generated/schemas.generated.ts`: a TypeScript interface and a strict zod schema for
 * every Kubernetes type reachable from the kinds Flotilla serves.
 *
 * Source of truth: `@kubernetes/client-node` (a devDependency; models generated from Kubernetes'
 * OpenAPI). Each model class has a static `attributeTypeMap` (field name, JSON name, type, format);
 * its `.d.ts` marks required fields (no `?`) and carries the field descriptions.
 *
 * Run from the repository root: `npx tsx packages/api/scripts/generate-schemas.ts`
 * (`--check` fails when the committed output is stale; `--no-verify` skips the type proof).
 * Output is deterministic.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Attribute {
  name: string;
  baseName: string;
  type: string;
  format: string;
}
interface ModelClass {
  attributeTypeMap: Attribute[];
}

/** The kinds Flotilla serves: client-node model, apiVersion, kind. Lists are generated for each. */
const ROOT_KINDS: ReadonlyArray<{ model: string; apiVersion: string; kind: string }> = [
  { model: 'V1Namespace', apiVersion: 'v1', kind: 'Namespace' },
  { model: 'V1Node', apiVersion: 'v1', kind: 'Node' },
  { model: 'V1Pod', apiVersion: 'v1', kind: 'Pod' },
  { model: 'V1Service', apiVersion: 'v1', kind: 'Service' },
  { model: 'V1Endpoints', apiVersion: 'v1', kind: 'Endpoints' },
  { model: 'CoreV1Event', apiVersion: 'v1', kind: 'Event' },
  { model: 'V1ConfigMap', apiVersion: 'v1', kind: 'ConfigMap' },
  { model: 'V1Secret', apiVersion: 'v1', kind: 'Secret' },
  { model: 'V1ServiceAccount', apiVersion: 'v1', kind: 'ServiceAccount' },
  { model: 'V1PersistentVolume', apiVersion: 'v1', kind: 'PersistentVolume' },
  { model: 'V1PersistentVolumeClaim', apiVersion: 'v1', kind: 'PersistentVolumeClaim' },
  { model: 'V1ReplicaSet', apiVersion: 'apps/v1', kind: 'ReplicaSet' },
  { model: 'V1Deployment', apiVersion: 'apps/v1', kind: 'Deployment' },
  { model: 'V1DaemonSet', apiVersion: 'apps/v1', kind: 'DaemonSet' },
  { model: 'V1StatefulSet', apiVersion: 'apps/v1', kind: 'StatefulSet' },
  { model: 'V1ControllerRevision', apiVersion: 'apps/v1', kind: 'ControllerRevision' },
  { model: 'V1Job', apiVersion: 'batch/v1', kind: 'Job' },
  { model: 'V1CronJob', apiVersion: 'batch/v1', kind: 'CronJob' },
  { model: 'V1EndpointSlice', apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice' },
  { model: 'EventsV1Event', apiVersion: 'events.k8s.io/v1', kind: 'Event' },
  { model: 'V1Lease', apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' },
];

const ROOT_MODELS: ReadonlySet<string> = new Set(ROOT_KINDS.map((r) => r.model));

/**
 * Fields whose Go type is `resource.Quantity` (alone or as map values). The OpenAPI data of
 * client-node flattens Quantity to `string`, so they are listed here; the generator fails when a
 * listed field disappears, and warns about string fields whose description mentions a quantity.
 */
const QUANTITY_FIELDS: ReadonlySet<string> = new Set([
  'V1ContainerStatus.allocatedResources',
  'V1EmptyDirVolumeSource.sizeLimit',
  'V1NodeAllocatableResourceClaimStatus.resources',
  'V1NodeStatus.allocatable',
  'V1NodeStatus.capacity',
  'V1PersistentVolumeClaimStatus.allocatedResources',
  'V1PersistentVolumeClaimStatus.capacity',
  'V1PersistentVolumeSpec.capacity',
  'V1PodSpec.overhead',
  'V1ResourceFieldSelector.divisor',
  'V1ResourceRequirements.limits',
  'V1ResourceRequirements.requests',
  'V1VolumeResourceRequirements.limits',
  'V1VolumeResourceRequirements.requests',
]);
/**
 * String fields that are Go enums Flotilla's own packages rely on (`metav1.LabelSelectorOperator`,
 * shared with `@flotilla/labels`). A value outside the list is `Unsupported value`, as Kubernetes'
 * validation says. Other Kubernetes enums stay strings and are checked by validation.
 */
const ENUM_FIELDS: ReadonlyMap<string, readonly string[]> = new Map([
  ['V1LabelSelectorRequirement.operator', ['DoesNotExist', 'Exists', 'In', 'NotIn']],
]);

/** String fields whose description mentions quantities but which are not `resource.Quantity`. */
const NOT_QUANTITY_FIELDS: ReadonlySet<string> = new Set<string>([]);

const here = dirname(fileURLToPath(import.meta.url));
const outFile = join(here, '..', 'src', 'generated', 'schemas.generated.ts');
const require = createRequire(import.meta.url);
const clientPackageJson = require.resolve('@kubernetes/client-node/package.json');
const clientRoot = dirname(clientPackageJson);
const clientVersion = (JSON.parse(readFileSync(clientPackageJson, 'utf8')) as { version: string }).version;
const modelsDir = join(clientRoot, 'dist', 'gen', 'models');

interface FieldDoc {
  required: boolean;
  doc: string | undefined;
}
interface ModelInfo {
  model: string;
  name: string;
  doc: string | undefined;
  attributes: Attribute[];
  fields: Map<string, FieldDoc>;
}

async function loadModel(model: string): Promise<ModelInfo> {
  const mod = (await import(join(modelsDir, `${model}.js`))) as Record<string, ModelClass | undefined>;
  const cls = mod[model];
  if (!cls || !Array.isArray(cls.attributeTypeMap)) throw new Error(`client-node has no model ${model}`);
  const dts = readFileSync(join(modelsDir, `${model}.d.ts`), 'utf8');
  return { model, name: tsName(model), attributes: cls.attributeTypeMap, ...parseDts(dts) };
}

/** Reads the class description and, per field, whether it is required and its description. */
function parseDts(dts: string): { doc: string | undefined; fields: Map<string, FieldDoc> } {
  const fields = new Map<string, FieldDoc>();
  let classDoc: string | undefined;
  let pending: string | undefined;
  const lines = dts.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const trimmed = line.trim();
    if (trimmed.startsWith('/**')) {
      const body: string[] = [];
      let j = i;
      for (; j < lines.length; j++) {
        const l = (lines[j] ?? '').trim();
        const text = l
          .replace(/^\/\*\*/, '')
          .replace(/\*\/$/, '')
          .replace(/^\*\s?/, '')
          .trim();
        if (text) body.push(text);
        if (l.endsWith('*/')) break;
      }
      i = j;
      pending = body.join(' ').replaceAll("\\'", "'").replaceAll('\\"', '"').trim() || undefined;
      continue;
    }
    if (trimmed.startsWith('export declare class')) {
      classDoc = pending;
      pending = undefined;
      continue;
    }
    const field = /^ {4}'([^']+)'(\?)?:/.exec(line);
    if (field?.[1]) {
      fields.set(field[1], { required: field[2] !== '?', doc: pending });
      pending = undefined;
      continue;
    }
    if (trimmed && !trimmed.startsWith('import')) pending = undefined;
  }
  return { doc: classDoc, fields };
}

/** Kubernetes Go type name: `V1PodSpec` → `PodSpec`, `CoreV1Event` → `Event`; group-prefixed names stay. */
function tsName(model: string): string {
  if (model.startsWith('CoreV1')) return model.slice('CoreV1'.length);
  const version = /^V\d+(?:(?:alpha|beta)\d+)?(?=[A-Z])/.exec(model);
  return version ? model.slice(version[0].length) : model;
}

const MODEL_REF = /^(?:V\d+(?:(?:alpha|beta)\d+)?|[A-Z][a-z]+V\d+(?:(?:alpha|beta)\d+)?)[A-Z]\w*$/;

/** The client-node model names a type string refers to. */
function referencedModels(type: string): string[] {
  const array = /^Array<(.+)>$/.exec(type);
  if (array?.[1]) return referencedModels(array[1]);
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map?.[1]) return referencedModels(map[1]);
  return MODEL_REF.test(type) && !SCALAR_MODELS.has(type) ? [type] : [];
}

/** client-node type names that stand for a JSON scalar rather than a model class. */
const SCALAR_MODELS: ReadonlySet<string> = new Set(['V1MicroTime']);

interface Rendered {
  ts: string;
  zod: string;
}

function render(type: string, format: string, quantity: boolean, where: string): Rendered {
  const array = /^Array<(.+)>$/.exec(type);
  if (array?.[1]) {
    const inner = render(array[1], format, quantity, where);
    return { ts: `Array<${inner.ts}>`, zod: `z.array(${inner.zod})` };
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map?.[1]) {
    const inner = render(map[1], format, quantity, where);
    return { ts: `{ [key: string]: ${inner.ts} }`, zod: `z.record(z.string(), ${inner.zod})` };
  }
  if (quantity) {
    if (type !== 'string') throw new Error(`${where}: quantity field of type ${type}`);
    return { ts: 'QuantityValue', zod: 'QuantityValueSchema' };
  }
  switch (type) {
    case 'string':
      if (format === 'byte') return { ts: 'Base64', zod: 'Base64Schema' };
      if (format === '') return { ts: 'string', zod: 'z.string()' };
      break;
    case 'boolean':
      return { ts: 'boolean', zod: 'z.boolean()' };
    case 'number':
      if (format === 'int32') return { ts: 'number', zod: 'z.int32()' };
      if (format === 'int64') return { ts: 'number', zod: 'z.int()' };
      if (format === 'double') return { ts: 'number', zod: 'z.number()' };
      break;
    case 'Date':
      return { ts: 'Time', zod: 'TimeSchema' };
    case 'V1MicroTime':
      return { ts: 'MicroTime', zod: 'MicroTimeSchema' };
    case 'IntOrString':
      return { ts: 'IntOrString', zod: 'IntOrStringSchema' };
    case 'any':
      return { ts: 'JsonValue', zod: 'JsonValueSchema' };
    default:
      if (MODEL_REF.test(type)) {
        // A kind embedded in another type (StatefulSet volumeClaimTemplates) keeps optional TypeMeta.
        const name = ROOT_MODELS.has(type) ? `Embedded${tsName(type)}` : tsName(type);
        return { ts: name, zod: `${name}Schema` };
      }
  }
  throw new Error(`${where}: unsupported type ${type} (format ${JSON.stringify(format)})`);
}

/** A JSDoc block, wrapped at about 110 columns. */
function jsdoc(doc: string | undefined, indent: string): string {
  if (!doc) return '';
  const words = doc.replaceAll('*/', '*\\/').split(/\s+/);
  const width = 110 - indent.length - 3;
  if (doc.length <= width - 4) return `${indent}/** ${words.join(' ')} */\n`;
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return `${indent}/**\n${lines.map((l) => `${indent} * ${l}\n`).join('')}${indent} */\n`;
}

/** A single-quoted TypeScript string literal. */
const q = (s: string): string => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
const IDENT = /^[A-Za-z_$][\w$]*$/;
const key = (name: string): string => (IDENT.test(name) ? name : q(name));

async function main(): Promise<void> {
  const check = process.argv.includes('--check');
  const models = new Map<string, ModelInfo>();
  const order: string[] = [];
  const visiting = new Set<string>();

  // Depth-first post-order: a schema is emitted after every schema it references.
  async function visit(model: string, path: string[]): Promise<void> {
    if (models.has(model)) return;
    if (visiting.has(model)) throw new Error(`recursive type: ${[...path, model].join(' → ')}`);
    visiting.add(model);
    const info = await loadModel(model);
    const refs = [...new Set(info.attributes.flatMap((a) => referencedModels(a.type)))].sort();
    for (const ref of refs) await visit(ref, [...path, model]);
    visiting.delete(model);
    models.set(model, info);
    order.push(model);
  }
  for (const root of [...ROOT_KINDS.map((r) => r.model), 'V1ListMeta']) {
    await visit(root, []);
  }

  const byName = new Map<string, string>();
  for (const info of models.values()) {
    const other = byName.get(info.name);
    if (other) throw new Error(`name clash: ${other} and ${info.model} both map to ${info.name}`);
    byName.set(info.name, info.model);
  }
  const usedQuantity = new Set<string>();
  const usedEnums = new Set<string>();
  const embedded = new Set(
    [...models.values()]
      .flatMap((m) => m.attributes.flatMap((a) => referencedModels(a.type)))
      .filter((r) => ROOT_MODELS.has(r)),
  );
  const roots = new Map(ROOT_KINDS.map((r) => [r.model, r]));

  const out: string[] = [];
  out.push(
    `// Code generated by packages/api/scripts/generate-schemas.ts from @kubernetes/client-node ${clientVersion}`,
    '// (Kubernetes OpenAPI, see the model headers). DO NOT EDIT: change the generator and run',
    '// `npx tsx packages/api/scripts/generate-schemas.ts` from the repository root.',
    '//',
    '// Every type has an interface and a strict zod schema `<Name>Schema` (unknown fields are rejected).',
    '// Top-level kinds require their `apiVersion` and `kind`; list items may omit them and get them filled in.',
    '',
    "import { z } from 'zod';",
    'import {',
    '  type Base64,',
    '  Base64Schema,',
    '  type IntOrString,',
    '  IntOrStringSchema,',
    '  type JsonValue,',
    '  JsonValueSchema,',
    '  type MicroTime,',
    '  MicroTimeSchema,',
    '  type QuantityValue,',
    '  QuantityValueSchema,',
    '  type Time,',
    '  TimeSchema,',
    "} from '../schemas/primitives.js';",
    '',
  );

  for (const model of order) {
    const info = models.get(model);
    if (!info) throw new Error(`lost ${model}`);
    const root = roots.get(model);
    const attributes = [...info.attributes].sort(
      (a, b) =>
        fieldRank(a.baseName, root) - fieldRank(b.baseName, root) || a.baseName.localeCompare(b.baseName),
    );
    const iface: string[] = [];
    const shape: string[] = [];
    for (const attr of attributes) {
      const where = `${model}.${attr.name}`;
      const fieldDoc = info.fields.get(attr.name);
      if (!fieldDoc) throw new Error(`${where}: not found in the .d.ts`);
      const isQuantity = QUANTITY_FIELDS.has(where);
      if (isQuantity) usedQuantity.add(where);
      else if (
        /\bquantit(y|ies)\b/i.test(fieldDoc.doc ?? '') &&
        /string/.test(attr.type) &&
        !NOT_QUANTITY_FIELDS.has(where)
      ) {
        console.warn(
          `warning: ${where} mentions quantities; add it to QUANTITY_FIELDS or NOT_QUANTITY_FIELDS`,
        );
      }
      let rendered = render(attr.type, attr.format, isQuantity, where);
      const values = ENUM_FIELDS.get(where);
      if (values) {
        if (attr.type !== 'string') throw new Error(`${where}: enum field of type ${attr.type}`);
        usedEnums.add(where);
        rendered = { ts: values.map(q).join(' | '), zod: `z.enum([${values.map(q).join(', ')}])` };
      }
      let required = fieldDoc.required;
      if (root && (attr.baseName === 'apiVersion' || attr.baseName === 'kind')) {
        const literal = q(attr.baseName === 'apiVersion' ? root.apiVersion : root.kind);
        rendered = { ts: literal, zod: `z.literal(${literal})` };
        required = true;
      }
      iface.push(
        `${jsdoc(fieldDoc.doc, '  ')}  ${key(attr.baseName)}${required ? '' : '?'}: ${rendered.ts};`,
      );
      shape.push(`  ${key(attr.baseName)}: ${rendered.zod}${required ? '' : '.optional()'},`);
    }
    out.push(`${jsdoc(info.doc, '')}export interface ${info.name} {`, ...iface, '}');
    if (root) {
      // The fields without apiVersion/kind, shared by the kind's schema and its list items.
      out.push(
        `const ${info.name}Fields = {`,
        ...shape.filter((s) => !/^ {2}(apiVersion|kind):/.test(s)),
        '};',
      );
      const api = q(root.apiVersion);
      const kind = q(root.kind);
      out.push(
        `export const ${info.name}Schema: z.ZodType<${info.name}, ${info.name}> = z.strictObject({`,
        `  apiVersion: z.literal(${api}),`,
        `  kind: z.literal(${kind}),`,
        `  ...${info.name}Fields,`,
        '});',
      );
      if (embedded.has(model)) {
        const name = `Embedded${info.name}`;
        out.push(
          `/** A ${root.kind} embedded in another object (a template): apiVersion and kind are optional. */`,
          `export interface ${name} extends Omit<${info.name}, 'apiVersion' | 'kind'> {`,
          '  apiVersion?: string;',
          '  kind?: string;',
          '}',
          `export const ${name}Schema: z.ZodType<${name}, ${name}> = z.strictObject({`,
          '  apiVersion: z.string().optional(),',
          '  kind: z.string().optional(),',
          `  ...${info.name}Fields,`,
          '});',
        );
      }
    } else {
      out.push(
        `export const ${info.name}Schema: z.ZodType<${info.name}, ${info.name}> = z.strictObject({`,
        ...shape,
        '});',
      );
    }
    out.push('');
  }

  // List kinds. Items as the API server returns them carry no apiVersion/kind: accept that, fill them in.
  for (const root of ROOT_KINDS) {
    const name = tsName(root.model);
    const list = `${name}List`;
    const listModel = `${root.model}List`;
    const listInfo = await loadModel(listModel);
    const expected = ['apiVersion', 'items', 'kind', 'metadata'];
    const got = listInfo.attributes.map((a) => a.baseName).sort();
    if (got.join() !== expected.join()) throw new Error(`${listModel}: unexpected fields ${got.join()}`);
    const api = q(root.apiVersion);
    const kind = q(root.kind);
    out.push(
      `${jsdoc(listInfo.doc, '')}export interface ${list} {`,
      `  apiVersion: ${api};`,
      `  kind: ${q(`${root.kind}List`)};`,
      `${jsdoc(listInfo.fields.get('metadata')?.doc, '  ')}  metadata?: ListMeta;`,
      `${jsdoc(listInfo.fields.get('items')?.doc, '  ')}  items: Array<${name}>;`,
      '}',
      `const ${name}ListItemSchema: z.ZodType<${name}, unknown> = z.strictObject({`,
      `  apiVersion: z.literal(${api}).default(${api}),`,
      `  kind: z.literal(${kind}).default(${kind}),`,
      `  ...${name}Fields,`,
      '});',
      `export const ${list}Schema: z.ZodType<${list}, unknown> = z.strictObject({`,
      `  apiVersion: z.literal(${api}),`,
      `  kind: z.literal(${q(`${root.kind}List`)}),`,
      '  metadata: ListMetaSchema.optional(),',
      `  items: z.array(${name}ListItemSchema),`,
      '});',
      '',
    );
  }

  for (const field of ENUM_FIELDS.keys()) {
    if (!usedEnums.has(field)) throw new Error(`ENUM_FIELDS lists ${field}, which no generated type has`);
  }
  for (const field of QUANTITY_FIELDS) {
    if (!usedQuantity.has(field))
      throw new Error(`QUANTITY_FIELDS lists ${field}, which no generated type has`);
  }

  const checkedText = `${out.join('\n').trimEnd()}\n`;
  const text = uncheckedAnnotations(checkedText);
  if (check) {
    const current = readFileSync(outFile, 'utf8');
    if (current !== text) {
      console.error(`${outFile} is stale: run npx tsx packages/api/scripts/generate-schemas.ts`);
      process.exit(1);
    }
    console.log(`${outFile} is up to date (${order.length} types, ${ROOT_KINDS.length} kinds)`);
    return;
  }
  writeFileSync(outFile, text);
  console.log(`wrote ${outFile}: ${order.length} types, ${ROOT_KINDS.length} kinds with lists`);
  if (!process.argv.includes('--no-verify')) verifyTypes(checkedText);
}

const ANNOTATED = /^((?:export )?const \w+): (z\.ZodType<[^=]+>) = (z\.strictObject\(\{[\s\S]*?\n\}\));$/gm;

/**
 * `const X: z.ZodType<T, T> = z.strictObject({…})` makes tsc prove the schema's output is `T`, which
 * costs ~6 s of type checking for 250 types on every typecheck of the workspace. The committed file
 * says `z.strictObject({…}) as unknown as z.ZodType<T, T>` instead (~1.5 s), and the generator proves
 * the annotated form once per run (`verifyTypes`).
 */
function uncheckedAnnotations(checked: string): string {
  let count = 0;
  const text = checked.replace(ANNOTATED, (_all, decl: string, type: string, expr: string) => {
    count++;
    return `${decl} = ${expr} as unknown as ${type};`;
  });
  if (count === 0) throw new Error('no schema annotations found');
  return text;
}

/** Type-checks the annotated form, proving every schema's output type is its interface. */
function verifyTypes(checked: string): void {
  const packageDir = join(here, '..');
  const verifyFile = join(packageDir, 'src', 'generated', 'schemas.verify.tmp.ts');
  const tsconfig = join(packageDir, 'tsconfig.verify.tmp.json');
  writeFileSync(verifyFile, checked);
  writeFileSync(
    tsconfig,
    JSON.stringify({
      extends: '../../tsconfig.base.json',
      compilerOptions: { noEmit: true, types: [] },
      files: ['src/generated/schemas.verify.tmp.ts'],
    }),
  );
  try {
    const tsc = require.resolve('typescript/bin/tsc');
    const result = spawnSync(process.execPath, [tsc, '-p', tsconfig], { encoding: 'utf8' });
    if (result.status !== 0) {
      console.error(result.stdout, result.stderr);
      throw new Error('the generated schemas do not match their interfaces (see tsc output above)');
    }
    console.log('verified: every schema parses to exactly its interface');
  } finally {
    rmSync(verifyFile, { force: true });
    rmSync(tsconfig, { force: true });
  }
}

/** Top-level kinds list apiVersion, kind, metadata first, as Kubernetes serializes them. */
function fieldRank(name: string, root: unknown): number {
  if (!root) return 0;
  return ['apiVersion', 'kind', 'metadata'].indexOf(name) + 1 || 4;
}

await main();
