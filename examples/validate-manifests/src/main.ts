/**
 * Read every manifest in examples/manifests,
 * check it against Kubernetes' schemas and validation rules, apply Kubernetes' defaults, and print what
 * was found — then show how a broken manifest is reported.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  applyDefaults,
  formatFieldError,
  type KubeObject,
  lookupKind,
  parseManifests,
  validate,
} from '@flotilla/api';

const manifestsDir = join(import.meta.dirname, '..', '..', 'manifests');

export interface DemoResult {
  readonly objects: number;
  readonly invalid: number;
}

export function runDemo(log: (line: string) => void = console.log): DemoResult {
  const files = readdirSync(manifestsDir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort();
  log(`Checking ${files.length} manifest files in examples/manifests\n`);
  log(pad(['FILE', 'KIND', 'NAMESPACE/NAME', 'RESULT', 'DEFAULTS ADDED']));
  let objects = 0;
  let invalid = 0;
  for (const file of files) {
    for (const parsed of parseManifests(readFileSync(join(manifestsDir, file), 'utf8'))) {
      objects++;
      const kind = lookupKind(parsed);
      const object = inDefaultNamespace(parsed, kind?.namespaced ?? false);
      const meta = object.metadata ?? {};
      const name = `${kind?.namespaced ? `${meta.namespace ?? 'default'}/` : ''}${meta.name ?? meta.generateName ?? '?'}`;
      const errors = validate(object);
      if (errors.length > 0) invalid++;
      const added = countLeaves(applyDefaults(object)) - countLeaves(object);
      log(
        pad([
          file,
          object.kind,
          name,
          errors.length ? `${errors.length} error(s)` : 'valid',
          `${added} fields`,
        ]),
      );
      for (const e of errors) log(`    ${formatFieldError(e)}`);
    }
  }
  log(`\n${objects} objects, ${objects - invalid} valid, ${invalid} invalid.`);

  log('\nA broken Deployment is reported the way Kubernetes reports it:');
  const [broken] = parseManifests(`
apiVersion: apps/v1
kind: Deployment
metadata: { name: Web }
spec:
  replicas: -1
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: api } }
    spec:
      containers: [{ name: web, image: "nginx:1.27", ports: [{ containerPort: 70000 }] }]
`);
  if (broken) for (const e of validate(inDefaultNamespace(broken, true))) log(`  ${formatFieldError(e)}`);
  return { objects, invalid };
}

/** kubectl sends namespaced objects to the current namespace when the manifest names none. */
function inDefaultNamespace<T extends KubeObject>(object: T, namespaced: boolean): T {
  if (!namespaced || object.metadata?.namespace) return object;
  return { ...object, metadata: { ...object.metadata, namespace: 'default' } };
}

function pad(cells: readonly string[]): string {
  const widths = [32, 22, 36, 12];
  return cells.map((c, i) => (i < widths.length ? c.padEnd(widths[i] as number) : c)).join(' ');
}

function countLeaves(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + countLeaves(v), 0);
  if (value !== null && typeof value === 'object')
    return Object.values(value).reduce((n: number, v) => n + countLeaves(v), 0);
  return 1;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { invalid } = runDemo();
  process.exitCode = invalid > 0 ? 1 : 0;
}
