/**
 * The command line as data: `parseCommandLine(argv, context)` turns `flotilla …` arguments into a typed
 * command or the list of everything wrong with them. Pure: paths are resolved against `context.cwd`,
 * nothing touches the file system, the environment or the process.
 */
import { isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

/** Where state lives. */
export type StoreSpec =
  | { readonly type: 'memory' }
  | { readonly type: 'sqlite'; readonly path: string }
  | { readonly type: 'etcd'; readonly endpoints: readonly string[] };

export type RuntimeName = 'simulated' | 'process';

/** Everything `flotilla up` needs, validated, with absolute paths. */
export interface UpConfig {
  readonly nodes: number;
  readonly runtime: RuntimeName;
  readonly store: StoreSpec;
  /** 0 picks a free port. */
  readonly port: number;
  /** Absolute path of the kubeconfig to write. */
  readonly kubeconfig: string;
  /** Absolute path of the local image directory (used by the process runtime only). */
  readonly imageDir: string | undefined;
  /** Print every error a component retries. */
  readonly verbose: boolean;
}

export type Command =
  | { readonly command: 'help'; readonly text: string }
  | { readonly command: 'version' }
  | { readonly command: 'up'; readonly config: UpConfig };

export type ParseResult =
  | { readonly ok: true; readonly value: Command }
  /** `errors` are one line each; `usage` names the help to read (`flotilla up --help`). */
  | { readonly ok: false; readonly errors: readonly string[]; readonly usage: string };

export interface ParseContext {
  /** Relative paths resolve against this directory. */
  readonly cwd: string;
  /** `$HOME`, for the default kubeconfig; undefined when unset. */
  readonly home: string | undefined;
  /** The image directory used when `--image-dir` is absent (the repository's examples/images). */
  readonly defaultImageDir: string | undefined;
}

export const MAX_NODES = 1000;
/** Keys of a cluster in etcd live under this prefix (`/flotilla/registry/…`). */
export const ETCD_PREFIX = '/flotilla';
export const DEFAULT_NODES = 3;
export const DEFAULT_ETCD_PORT = 2379;

export const ROOT_HELP = `flotilla runs a Kubernetes-compatible control plane from TypeScript libraries.

Usage:
  flotilla <command> [flags]

Commands:
  up        Start an embedded cluster with an API server that kubectl can use
  version   Print the version
  help      Help about a command

Flags:
  -h, --help      help for flotilla
      --version   print the version

Run 'flotilla <command> --help' for more about a command.
`;

export const UP_HELP = `Start an embedded cluster — store, controllers, scheduler, N nodes — with an API server, write a
kubeconfig for it and run until interrupted (Ctrl-C or SIGTERM), then stop everything.

Usage:
  flotilla up [flags]

Examples:
  flotilla up
  flotilla up --nodes 5 --store sqlite:./cluster.db --port 6443
  flotilla up --runtime process --image-dir ./images

Flags:
      --nodes N             number of nodes, node-1 … node-N (1-${MAX_NODES}, default ${DEFAULT_NODES})
      --runtime NAME        how containers run: simulated (any image, no processes) or process (real
                            local processes from --image-dir) (default simulated)
      --store SPEC          memory, sqlite:PATH (a database file, created when missing) or
                            etcd:URL[,URL…] (keys under ${ETCD_PREFIX}/) (default memory)
      --port P              API server port on 127.0.0.1; 0 picks a free port (default 0)
      --kubeconfig PATH     kubeconfig to write, mode 0600, removed on stop if unchanged
                            (default $HOME/.flotilla/kubeconfig; never ~/.kube/config)
      --image-dir DIR       local images, <DIR>/<name>/<tag>/image.json, for --runtime process
                            (default: the repository's examples/images when run from the workspace)
  -v, --verbose             print every error a component retries
  -h, --help                help for up
`;

export const VERSION_HELP = `Print the version of flotilla and of the Kubernetes API it serves.

Usage:
  flotilla version
`;

const HELPS: Readonly<Record<string, string>> = { up: UP_HELP, version: VERSION_HELP };

/** apimachinery's `field.Invalid` wording. */
const invalid = (flag: string, value: string, detail: string) =>
  `--${flag}: Invalid value: ${JSON.stringify(value)}: ${detail}`;
/** apimachinery's `field.Required` wording. */
const required = (flag: string, detail: string) => `--${flag}: Required value: ${detail}`;
/** apimachinery's `field.NotSupported` wording. */
const unsupported = (flag: string, value: string, supported: readonly string[]) =>
  `--${flag}: Unsupported value: ${JSON.stringify(value)}: supported values: ${supported.map((s) => JSON.stringify(s)).join(', ')}`;

interface FlagSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
}

const UP_FLAGS: Readonly<Record<string, FlagSpec>> = {
  nodes: { type: 'string' },
  runtime: { type: 'string' },
  store: { type: 'string' },
  port: { type: 'string' },
  kubeconfig: { type: 'string' },
  'image-dir': { type: 'string' },
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
};
const HELP_ONLY: Readonly<Record<string, FlagSpec>> = { help: { type: 'boolean', short: 'h' } };
const ROOT_FLAGS: Readonly<Record<string, FlagSpec>> = { ...HELP_ONLY, version: { type: 'boolean' } };

interface Scanned {
  readonly flags: Map<string, string | boolean>;
  readonly positionals: string[];
  readonly errors: string[];
}

/**
 * Reads flags the way pflag does (`--flag value`, `--flag=value`, `-h`; the last occurrence wins) and
 * reports unknown flags and missing values in cobra's words instead of throwing.
 */
function scan(args: readonly string[], specs: Readonly<Record<string, FlagSpec>>): Scanned {
  const shortToLong = new Map(
    Object.entries(specs).flatMap(([name, s]) => (s.short ? [[s.short, name] as const] : [])),
  );
  const options = Object.fromEntries(
    Object.entries(specs).map(([name, s]) => [
      name,
      { type: s.type, ...(s.short ? { short: s.short } : {}) },
    ]),
  );
  const flags = new Map<string, string | boolean>();
  const positionals: string[] = [];
  const errors: string[] = [];
  // parseArgs takes `--store --port` as `--store=--port`; pflag sees two flags. On that, start over
  // right after `--store` so that `--port` is read as a flag.
  let start = 0;
  scanning: while (start < args.length) {
    const { tokens } = parseArgs({
      args: args.slice(start),
      options,
      strict: false,
      allowPositionals: true,
      tokens: true,
    });
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      if (token.kind === 'positional') {
        positionals.push(token.value);
        continue;
      }
      if (token.kind === 'option-terminator') continue;
      const name = token.rawName.startsWith('--') ? token.name : (shortToLong.get(token.name) ?? token.name);
      const spec = specs[name];
      if (!spec) {
        errors.push(`unknown flag: ${token.rawName}`);
        // `--unknown value`: the value belongs to the flag, not a command of its own.
        if (token.value === undefined && tokens[i + 1]?.kind === 'positional') i++;
        continue;
      }
      if (spec.type === 'boolean') {
        if (token.value === undefined || !token.inlineValue) flags.set(name, true);
        else if (token.value === 'true' || token.value === 'false') flags.set(name, token.value === 'true');
        else errors.push(invalid(name, token.value, 'must be true or false (a flag without a value)'));
        continue;
      }
      if (token.value === undefined) {
        errors.push(`flag needs an argument: ${token.rawName}`);
        continue;
      }
      // A string flag followed by another flag (not a negative number) has no value, as pflag sees it.
      if (!token.inlineValue && /^-(-|[a-zA-Z])/.test(token.value)) {
        errors.push(`flag needs an argument: ${token.rawName}`);
        start += token.index + 1;
        continue scanning;
      }
      flags.set(name, token.value);
    }
    break;
  }
  return { flags, positionals, errors };
}

function integerIn(
  flag: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
  errors: string[],
): number {
  if (raw === undefined) return fallback;
  if (!/^[+-]?\d+$/.test(raw)) {
    errors.push(invalid(flag, raw, `must be an integer between ${min} and ${max}`));
    return fallback;
  }
  const n = Number(raw);
  if (n < min || n > max) {
    errors.push(invalid(flag, raw, `must be between ${min} and ${max}`));
    return fallback;
  }
  return n;
}

/** `host:port` or `http://host:port` (port 2379 when absent) → `http://host:port`. */
function etcdEndpoint(raw: string): string | string[] {
  const withScheme = raw.includes('://') ? raw : `http://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return ['must be host:port or http://host:port'];
  }
  if (url.protocol === 'https:') return ['https (client certificates) is not supported; use http://'];
  if (url.protocol !== 'http:') return ['must be host:port or http://host:port'];
  if (url.hostname === '') return ['must name a host'];
  if ((url.pathname !== '' && url.pathname !== '/') || url.search || url.hash || url.username)
    return ['must be host:port or http://host:port, without a path, query or credentials'];
  return `http://${url.hostname}:${url.port || DEFAULT_ETCD_PORT}`;
}

const STORE_FORMS = ['memory', 'sqlite:PATH', 'etcd:URL'];

function storeSpec(raw: string | undefined, cwd: string, errors: string[]): StoreSpec {
  if (raw === undefined || raw === 'memory') return { type: 'memory' };
  if (raw.startsWith('sqlite:')) {
    const path = raw.slice('sqlite:'.length);
    if (path === '') {
      errors.push(invalid('store', raw, 'a database file must follow "sqlite:", e.g. sqlite:./cluster.db'));
      return { type: 'memory' };
    }
    return { type: 'sqlite', path: path === ':memory:' ? path : resolve(cwd, path) };
  }
  if (raw.startsWith('etcd:')) {
    const list = raw.slice('etcd:'.length);
    if (list === '') {
      errors.push(invalid('store', raw, 'an endpoint must follow "etcd:", e.g. etcd:http://127.0.0.1:2379'));
      return { type: 'memory' };
    }
    const endpoints: string[] = [];
    for (const part of list.split(',')) {
      const e = etcdEndpoint(part.trim());
      if (typeof e === 'string') endpoints.push(e);
      else errors.push(invalid('store', raw, `endpoint ${JSON.stringify(part)} ${e[0]}`));
    }
    return { type: 'etcd', endpoints };
  }
  errors.push(unsupported('store', raw, STORE_FORMS));
  return { type: 'memory' };
}

function stringFlag(flags: Map<string, string | boolean>, name: string): string | undefined {
  const v = flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

function parseUp(args: readonly string[], context: ParseContext): ParseResult {
  const usage = "Run 'flotilla up --help' for usage.";
  const { flags, positionals, errors } = scan(args, UP_FLAGS);
  if (flags.get('help') === true && errors.length === 0)
    return { ok: true, value: { command: 'help', text: UP_HELP } };
  for (const p of positionals) errors.push(`unknown command ${JSON.stringify(p)} for "flotilla up"`);

  const nodes = integerIn('nodes', stringFlag(flags, 'nodes'), DEFAULT_NODES, 1, MAX_NODES, errors);
  const port = integerIn('port', stringFlag(flags, 'port'), 0, 0, 65535, errors);

  const runtimeRaw = stringFlag(flags, 'runtime') ?? 'simulated';
  let runtime: RuntimeName = 'simulated';
  if (runtimeRaw === 'simulated' || runtimeRaw === 'process') runtime = runtimeRaw;
  else errors.push(unsupported('runtime', runtimeRaw, ['simulated', 'process']));

  const store = storeSpec(stringFlag(flags, 'store'), context.cwd, errors);

  let kubeconfig = '';
  const kubeconfigRaw = stringFlag(flags, 'kubeconfig');
  if (kubeconfigRaw === '') errors.push(invalid('kubeconfig', '', 'must be a file path'));
  else if (kubeconfigRaw !== undefined) kubeconfig = resolve(context.cwd, kubeconfigRaw);
  else if (context.home !== undefined && isAbsolute(context.home))
    kubeconfig = join(context.home, '.flotilla', 'kubeconfig');
  else errors.push(required('kubeconfig', '$HOME is not set, so there is no default path'));
  if (
    kubeconfig !== '' &&
    context.home !== undefined &&
    isAbsolute(context.home) &&
    kubeconfig === join(context.home, '.kube', 'config')
  ) {
    errors.push(
      invalid(
        'kubeconfig',
        kubeconfigRaw ?? kubeconfig,
        "must not be kubectl's default kubeconfig (~/.kube/config): flotilla writes a file of its own",
      ),
    );
  }

  const imageDirRaw = stringFlag(flags, 'image-dir');
  let imageDir: string | undefined;
  if (imageDirRaw === '') errors.push(invalid('image-dir', '', 'must be a directory path'));
  else imageDir = imageDirRaw === undefined ? context.defaultImageDir : resolve(context.cwd, imageDirRaw);
  if (runtime === 'process' && imageDir === undefined && imageDirRaw === undefined) {
    errors.push(
      required(
        'image-dir',
        'the process runtime runs images from a local directory (<dir>/<name>/<tag>/image.json)',
      ),
    );
  }

  if (errors.length > 0) return { ok: false, errors, usage };
  return {
    ok: true,
    value: {
      command: 'up',
      config: { nodes, runtime, store, port, kubeconfig, imageDir, verbose: flags.get('verbose') === true },
    },
  };
}

/** Parses `flotilla`'s arguments (without `node` and the script): a command, or every problem found. */
export function parseCommandLine(argv: readonly string[], context: ParseContext): ParseResult {
  // `pnpm flotilla -- up` passes the separator through.
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  const first = args[0];
  if (first === undefined || first.startsWith('-')) {
    const { flags, positionals, errors } = scan(args, ROOT_FLAGS);
    const usage = "Run 'flotilla --help' for usage.";
    if (errors.length > 0) return { ok: false, errors, usage };
    if (positionals.length > 0) return parseCommandLine(reorder(args, positionals[0]!), context);
    if (flags.get('version') === true) return { ok: true, value: { command: 'version' } };
    return { ok: true, value: { command: 'help', text: ROOT_HELP } };
  }
  const rest = args.slice(1);
  switch (first) {
    case 'up':
      return parseUp(rest, context);
    case 'version': {
      const { flags, positionals, errors } = scan(rest, HELP_ONLY);
      for (const p of positionals) errors.push(`unknown command ${JSON.stringify(p)} for "flotilla version"`);
      if (errors.length > 0) return { ok: false, errors, usage: "Run 'flotilla version --help' for usage." };
      if (flags.get('help') === true) return { ok: true, value: { command: 'help', text: VERSION_HELP } };
      return { ok: true, value: { command: 'version' } };
    }
    case 'help': {
      const topic = rest.find((a) => !a.startsWith('-'));
      if (topic === undefined) return { ok: true, value: { command: 'help', text: ROOT_HELP } };
      const text = HELPS[topic];
      if (text === undefined)
        return {
          ok: false,
          errors: [`unknown help topic ${JSON.stringify(topic)}`],
          usage: "Run 'flotilla --help' for usage.",
        };
      return { ok: true, value: { command: 'help', text } };
    }
    default:
      return {
        ok: false,
        errors: [`unknown command ${JSON.stringify(first)} for "flotilla"`],
        usage: "Run 'flotilla --help' for usage.",
      };
  }
}

/** `flotilla --verbose up` → `flotilla up --verbose`: root-level flags before the command move after it. */
function reorder(args: readonly string[], command: string): string[] {
  const i = args.indexOf(command);
  return [command, ...args.slice(0, i), ...args.slice(i + 1)];
}
