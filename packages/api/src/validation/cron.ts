/**
 * Cron schedule checking with the rules and messages of robfig/cron's standard parser, which
 * Kubernetes' CronJob validation uses: five fields (minute, hour, day of month, month, day of week)
 * with `*`, `?`, lists, ranges, steps and month/day names, or a descriptor (`@hourly`, `@every 5m`).
 */

interface Bounds {
  readonly min: number;
  readonly max: number;
  readonly names?: Readonly<Record<string, number>>;
}

const MONTHS = {
  jan: 1,
  feb: 2,
  mar: 3,
  apr: 4,
  may: 5,
  jun: 6,
  jul: 7,
  aug: 8,
  sep: 9,
  oct: 10,
  nov: 11,
  dec: 12,
};
const DAYS = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const FIELDS: readonly Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS },
  { min: 0, max: 6, names: DAYS },
];
const DESCRIPTORS = new Set([
  '@yearly',
  '@annually',
  '@monthly',
  '@weekly',
  '@daily',
  '@midnight',
  '@hourly',
]);

function parseIntStrict(text: string): number | string {
  if (!/^[+-]?\d+$/.test(text))
    return `failed to parse int from ${text}: strconv.Atoi: parsing "${text}": invalid syntax`;
  return Number.parseInt(text, 10);
}

function value(text: string, bounds: Bounds): number | string {
  const named = bounds.names?.[text.toLowerCase() as keyof typeof bounds.names];
  if (named !== undefined) return named;
  return parseIntStrict(text);
}

function checkRange(expr: string, bounds: Bounds): string | undefined {
  const slashes = expr.split('/');
  if (slashes.length > 2) return `too many slashes: ${expr}`;
  const hyphens = (slashes[0] as string).split('-');
  if (hyphens.length > 2) return `too many hyphens: ${expr}`;
  let start: number;
  let end: number;
  const star = hyphens[0] === '*' || hyphens[0] === '?';
  if (star) {
    start = bounds.min;
    end = bounds.max;
  } else {
    const s = value(hyphens[0] as string, bounds);
    if (typeof s === 'string') return s;
    start = s;
    if (hyphens.length === 2) {
      const e = value(hyphens[1] as string, bounds);
      if (typeof e === 'string') return e;
      end = e;
    } else end = start;
  }
  if (slashes.length === 2) {
    const step = parseIntStrict(slashes[1] as string);
    if (typeof step === 'string') return step;
    if (step <= 0) return `step of range should be a positive number: ${expr}`;
    if (!star && hyphens.length === 1) end = bounds.max;
  }
  if (start < bounds.min) return `beginning of range (${start}) below minimum (${bounds.min}): ${expr}`;
  if (end > bounds.max) return `end of range (${end}) above maximum (${bounds.max}): ${expr}`;
  if (start > end) return `beginning of range (${start}) beyond end of range (${end}): ${expr}`;
  return undefined;
}

const GO_DURATION = /^([0-9]*(\.[0-9]*)?(ns|us|µs|ms|s|m|h))+$/;

/** The parser's error for `schedule`, or `undefined` when it is a valid standard cron spec. */
export function cronScheduleError(schedule: string): string | undefined {
  const spec = schedule.trim();
  if (spec.length === 0) return 'empty spec string';
  if (spec.startsWith('@')) {
    if (DESCRIPTORS.has(spec)) return undefined;
    if (spec.startsWith('@every ')) {
      const d = spec.slice('@every '.length);
      return GO_DURATION.test(d) && /\d/.test(d)
        ? undefined
        : `failed to parse duration ${spec}: time: invalid duration "${d}"`;
    }
    return `unrecognized descriptor: ${spec}`;
  }
  const fields = spec.split(/\s+/);
  if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`;
  for (let i = 0; i < 5; i++) {
    for (const expr of (fields[i] as string).split(',')) {
      const err = checkRange(expr, FIELDS[i] as Bounds);
      if (err) return err;
    }
  }
  return undefined;
}
