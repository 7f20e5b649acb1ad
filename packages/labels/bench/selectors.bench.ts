/**
 * Label selector benchmark: 100,000 labelled objects, selector `app=web,tier in (fe,be),!canary`.
 *
 * Prints, as `BENCH <name> <value> <unit>` lines:
 * - labels.index.query / labels.scan.query: the LabelIndex answer vs a full scan with the same compiled
 *   selector (the baseline), both producing the same Set, and labels.index.speedup (goal ≥ 50 x);
 * - labels.selector.matches: compiled-selector matches per second over the same objects (goal ≥ 5 M/s),
 *   with an interpreted per-requirement matcher (Kubernetes' own approach) as its baseline and the
 *   ratio; labels.selector.matches.all_requirements runs it where every object has app=web, so no
 *   requirement short-circuits;
 * - labels.parse and labels.index.build for context.
 *
 * Data are generated from a fixed seed: 500 apps (one is `web`), 4 tiers, 5 % canaries.
 */
import { LabelIndex, type Labels, parseSelector, type Requirement } from '@flotilla/labels';

const N = 100_000;
const SELECTOR = 'app=web,tier in (fe,be),!canary';

/** Deterministic LCG so every run sees the same objects. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const rand = lcg(42);
const TIERS = ['fe', 'be', 'db', 'cache'];
const objects: Array<[string, Labels]> = [];
for (let i = 0; i < N; i++) {
  const app = Math.floor(rand() * 500);
  const labels: Record<string, string> = {
    app: app === 0 ? 'web' : `app-${app}`,
    tier: TIERS[Math.floor(rand() * TIERS.length)]!,
    'pod-template-hash': `h${Math.floor(rand() * 5000)}`,
    'app.kubernetes.io/managed-by': 'flotilla',
  };
  if (rand() < 0.05) labels.canary = 'true';
  objects.push([`default/pod-${i}`, labels]);
}

function print(name: string, value: number, unit: string): void {
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : value >= 1 ? 2 : 3;
  console.log(`BENCH ${name} ${value.toFixed(digits)} ${unit}`);
}

/** Median wall time (ms) of `fn` over `runs` runs, after `warmup` runs. */
function timeMs(fn: () => void, runs: number, warmup = Math.max(3, runs / 5)): number {
  for (let i = 0; i < warmup; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

const selector = parseSelector(SELECTOR);

// Index build.
let index = new LabelIndex();
const buildMs = timeMs(
  () => {
    index = new LabelIndex();
    for (const [key, labels] of objects) index.set(key, labels);
  },
  5,
  1,
);

// Index query vs full scan (same compiled selector, same output). The two are timed in alternation,
// round by round, so that noise from other processes on the machine hits both alike.
let sink = 0;
let indexResult = new Set<string>();
let scanResult = new Set<string>();
function runQuery(): void {
  indexResult = index.query(selector);
  sink += indexResult.size;
}
function runScan(): void {
  const out = new Set<string>();
  const matches = selector.matches;
  for (let i = 0; i < objects.length; i++) {
    const o = objects[i]!;
    if (matches(o[1])) out.add(o[0]);
  }
  scanResult = out;
  sink += out.size;
}
const QUERIES_PER_ROUND = 20;
const queryTimes: number[] = [];
const scanTimes: number[] = [];
for (let round = 0; round < 60; round++) {
  let t0 = performance.now();
  for (let q = 0; q < QUERIES_PER_ROUND; q++) runQuery();
  const queryMs = (performance.now() - t0) / QUERIES_PER_ROUND;
  t0 = performance.now();
  runScan();
  const scanMs = performance.now() - t0;
  if (round >= 10) {
    queryTimes.push(queryMs);
    scanTimes.push(scanMs);
  }
}
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const queryMs = median(queryTimes);
const scanMs = median(scanTimes);
if (indexResult.size !== scanResult.size || [...indexResult].some((k) => !scanResult.has(k))) {
  throw new Error('index and scan disagree');
}

// Compiled matches per second, vs an interpreted matcher (one switch per requirement per call).
function interpretedMatches(reqs: readonly Requirement[], l: Labels): boolean {
  for (const r of reqs) {
    const has = Object.hasOwn(l, r.key);
    const v = l[r.key];
    switch (r.operator) {
      case '=':
      case '==':
      case 'in':
        if (!has || !r.values.includes(v!)) return false;
        break;
      case '!=':
      case 'notin':
        if (has && r.values.includes(v!)) return false;
        break;
      case 'exists':
        if (!has) return false;
        break;
      case '!':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

const labelsOnly = objects.map(([, l]) => l);
const ROUNDS = 20;
function matchesPerSecond(match: (l: Labels) => boolean): number {
  const ms = timeMs(() => {
    let count = 0;
    for (let r = 0; r < ROUNDS; r++) {
      for (let i = 0; i < labelsOnly.length; i++) if (match(labelsOnly[i]!)) count++;
    }
    sink += count;
  }, 7);
  return (ROUNDS * labelsOnly.length) / (ms / 1000);
}
const compiledRate = matchesPerSecond(selector.matches);
// Worst case for short-circuiting: every object is app=web, so all three requirements run.
const webOnly = labelsOnly.map((l) => ({ ...l, app: 'web' }));
const webRate = (() => {
  const ms = timeMs(() => {
    let count = 0;
    for (let r = 0; r < ROUNDS; r++) {
      for (let i = 0; i < webOnly.length; i++) if (selector.matches(webOnly[i]!)) count++;
    }
    sink += count;
  }, 7);
  return (ROUNDS * webOnly.length) / (ms / 1000);
})();
const reqs = selector.requirements;
const interpretedRate = matchesPerSecond((l) => interpretedMatches(reqs, l));

// Parse cost.
const PARSES = 20_000;
const parseMs = timeMs(() => {
  for (let i = 0; i < PARSES; i++) sink += parseSelector(SELECTOR).requirements.length;
}, 5);

console.log(
  `# ${N} objects, selector ${JSON.stringify(SELECTOR)}, ${indexResult.size} matches (sink ${sink > 0})`,
);
print('labels.index.build', buildMs, 'ms');
print('labels.index.query', queryMs, 'ms');
print('labels.scan.query', scanMs, 'ms');
print('labels.index.speedup', scanMs / queryMs, 'x');
print('labels.selector.matches', compiledRate / 1e6, 'M/s');
print('labels.selector.matches.all_requirements', webRate / 1e6, 'M/s');
print('labels.selector.interpreted', interpretedRate / 1e6, 'M/s');
print('labels.selector.speedup', compiledRate / interpretedRate, 'x');
print('labels.parse', (parseMs * 1000) / PARSES, 'us');
