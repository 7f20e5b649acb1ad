/**
 * The package graph of ARCHITECTURE.md, enforced: every package declares and imports only the
 * Flotilla packages it is allowed to, nothing reaches into another package's files, the graph has no
 * cycle, and pure packages never touch wall time, global randomness, timers, the file system or the
 * network (those come in through a Clock, a seeded Random or an adapter).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..');

/** Allowed `@flotilla/*` dependencies per package (ARCHITECTURE.md's table). */
const ALLOWED: Record<string, readonly string[]> = {
  clock: [],
  labels: [],
  api: ['labels'],
  store: ['api', 'labels', 'clock'],
  client: ['api', 'labels', 'clock', 'store'],
  rollout: ['api', 'labels', 'clock'],
  scheduler: ['api', 'labels', 'clock', 'client'],
  controllers: ['api', 'labels', 'clock', 'client', 'rollout'],
  runtime: ['api', 'clock'],
  agent: ['api', 'clock', 'client', 'runtime'],
  testing: [
    'clock',
    'labels',
    'api',
    'store',
    'client',
    'rollout',
    'scheduler',
    'controllers',
    'runtime',
    'agent',
  ],
  host: [
    'clock',
    'labels',
    'api',
    'store',
    'client',
    'rollout',
    'scheduler',
    'controllers',
    'runtime',
    'agent',
  ],
  'store-sqlite': ['store', 'api', 'clock'],
  'store-etcd': ['store', 'api', 'clock'],
  apiserver: ['api', 'labels', 'store', 'client', 'clock'],
  cli: [
    'clock',
    'labels',
    'api',
    'store',
    'client',
    'rollout',
    'scheduler',
    'controllers',
    'runtime',
    'agent',
    'host',
    'apiserver',
    'store-sqlite',
    'store-etcd',
  ],
};

/** Packages whose job is effects (processes, files, sockets, wall time). Everything else is pure. */
const EFFECTFUL = new Set([
  'runtime',
  'agent',
  'host',
  'store-sqlite',
  'store-etcd',
  'apiserver',
  'cli',
  'testing',
]);

/** Files in pure packages that are the sanctioned doors to wall time. */
const EFFECT_DOORS = new Set(['packages/clock/src/system-clock.ts', 'packages/clock/src/virtual-clock.ts']);

const FORBIDDEN_IN_PURE: readonly [RegExp, string][] = [
  [/\bDate\.now\(/, 'Date.now() (use an injected Clock)'],
  [/\bnew Date\(\)/, 'new Date() (use an injected Clock)'],
  [/\bMath\.random\(/, 'Math.random() (use a seeded Random)'],
  // A call, not a method declaration such as `setTimeout(fn: () => void, ms: number)` in Clock.
  [
    /(?<![.\w])(setTimeout|setInterval|setImmediate)\((?!\w+\??:)|\bglobalThis\.set(Timeout|Interval|Immediate)\b/,
    'global timers (use an injected Clock)',
  ],
  [
    /from ['"](node:)?(fs|net|http|https|child_process|dgram)(\/promises)?['"]/,
    'I/O modules (use an adapter)',
  ],
];

const packages = readdirSync(join(root, 'packages')).filter((name) =>
  statSync(join(root, 'packages', name, 'package.json'), { throwIfNoEntry: false })?.isFile(),
);

function sourceFiles(dir: string): string[] {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

const isTestOrSupport = (file: string) =>
  /\.(test|integration\.test|test-support)\.ts$/.test(file) || file.includes('/testing/');

function importsOf(text: string): string[] {
  const found: string[] = [];
  // Top-level statements only (Biome puts them at column 0), so strings that mention `from '…'` don't count.
  for (const m of text.matchAll(
    /^(?:import|export)\s[^;'"]*?from\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm,
  )) {
    const spec = m[1] ?? m[2];
    if (spec) found.push(spec);
  }
  return found;
}

describe('architecture', () => {
  it('knows every package', () => {
    expect(packages.filter((p) => !(p in ALLOWED))).toEqual([]);
  });

  it.each(packages)('%s declares only allowed @flotilla dependencies', (name) => {
    const pkg = JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8'));
    const declared = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies })
      .filter((d) => d.startsWith('@flotilla/'))
      .map((d) => d.slice('@flotilla/'.length));
    expect(declared.filter((d) => !ALLOWED[name]?.includes(d))).toEqual([]);
  });

  it.each(packages)('%s imports only declared packages, through their public entry points', (name) => {
    const pkg = JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8'));
    const declared = new Set(
      Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.devDependencies }),
    );
    const problems: string[] = [];
    for (const file of sourceFiles(join(root, 'packages', name, 'src'))) {
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        const rel = relative(root, file);
        if (spec.startsWith('.') || spec.startsWith('node:')) continue;
        const base = spec.startsWith('@')
          ? spec.split('/').slice(0, 2).join('/')
          : (spec.split('/')[0] as string);
        if (['vitest', 'fast-check'].includes(base) && isTestOrSupport(file)) continue;
        if (!declared.has(base)) problems.push(`${rel}: imports undeclared ${spec}`);
        if (base.startsWith('@flotilla/') && spec !== base && !/^@flotilla\/[\w-]+\/testing$/.test(spec)) {
          problems.push(`${rel}: deep import ${spec}`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('the package graph has no cycle', () => {
    const state = new Map<string, 'visiting' | 'done'>();
    const visit = (p: string, path: string[]): void => {
      if (state.get(p) === 'done') return;
      if (state.get(p) === 'visiting') throw new Error(`cycle: ${[...path, p].join(' -> ')}`);
      state.set(p, 'visiting');
      for (const d of ALLOWED[p] ?? []) visit(d, [...path, p]);
      state.set(p, 'done');
    };
    for (const p of Object.keys(ALLOWED)) visit(p, []);
  });

  it.each(packages.filter((p) => !EFFECTFUL.has(p)))(
    '%s is pure: no wall time, global randomness, timers or I/O',
    (name) => {
      const problems: string[] = [];
      for (const file of sourceFiles(join(root, 'packages', name, 'src'))) {
        const rel = relative(root, file);
        if (isTestOrSupport(file) || EFFECT_DOORS.has(rel)) continue;
        const text = readFileSync(file, 'utf8');
        for (const [pattern, what] of FORBIDDEN_IN_PURE)
          if (pattern.test(text)) problems.push(`${rel}: ${what}`);
      }
      expect(problems).toEqual([]);
    },
  );
});
