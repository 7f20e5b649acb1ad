import { describe, expect, it } from 'vitest';
import {
  type Command,
  DEFAULT_NODES,
  type ParseContext,
  parseCommandLine,
  ROOT_HELP,
  UP_HELP,
  type UpConfig,
  VERSION_HELP,
} from './args.js';

const context: ParseContext = { cwd: '/work', home: '/home/ada', defaultImageDir: '/repo/examples/images' };

const DEFAULTS: UpConfig = {
  nodes: DEFAULT_NODES,
  runtime: 'simulated',
  store: { type: 'memory' },
  port: 0,
  kubeconfig: '/home/ada/.flotilla/kubeconfig',
  imageDir: '/repo/examples/images',
  verbose: false,
};

const up = (config: Partial<UpConfig>): Command => ({ command: 'up', config: { ...DEFAULTS, ...config } });

describe('parseCommandLine: commands and flags that parse', () => {
  it.each<{ name: string; argv: string[]; want: Command; ctx?: Partial<ParseContext> }>([
    { name: 'no arguments → root help', argv: [], want: { command: 'help', text: ROOT_HELP } },
    { name: '--help', argv: ['--help'], want: { command: 'help', text: ROOT_HELP } },
    { name: '-h', argv: ['-h'], want: { command: 'help', text: ROOT_HELP } },
    { name: 'help', argv: ['help'], want: { command: 'help', text: ROOT_HELP } },
    { name: 'help up', argv: ['help', 'up'], want: { command: 'help', text: UP_HELP } },
    { name: 'up --help', argv: ['up', '--help'], want: { command: 'help', text: UP_HELP } },
    {
      name: 'up -h with other flags',
      argv: ['up', '--nodes', '2', '-h'],
      want: { command: 'help', text: UP_HELP },
    },
    {
      name: '--help up (flag before command)',
      argv: ['--help', 'up'],
      want: { command: 'help', text: UP_HELP },
    },
    { name: 'version', argv: ['version'], want: { command: 'version' } },
    { name: '--version', argv: ['--version'], want: { command: 'version' } },
    { name: 'version --help', argv: ['version', '--help'], want: { command: 'help', text: VERSION_HELP } },
    { name: 'pnpm passes "--" through', argv: ['--', 'version'], want: { command: 'version' } },
    { name: 'up: defaults', argv: ['up'], want: up({}) },
    {
      name: 'up: every flag, space-separated',
      argv: [
        'up',
        '--nodes',
        '5',
        '--runtime',
        'process',
        '--store',
        'sqlite:data/c.db',
        '--port',
        '6443',
        '--kubeconfig',
        'kc',
        '--image-dir',
        '../images',
        '-v',
      ],
      want: up({
        nodes: 5,
        runtime: 'process',
        store: { type: 'sqlite', path: '/work/data/c.db' },
        port: 6443,
        kubeconfig: '/work/kc',
        imageDir: '/images',
        verbose: true,
      }),
    },
    {
      name: 'up: --flag=value forms, absolute paths kept',
      argv: [
        'up',
        '--nodes=1',
        '--port=0',
        '--kubeconfig=/tmp/k',
        '--store=sqlite:/var/c.db',
        '--verbose=true',
      ],
      want: up({
        nodes: 1,
        kubeconfig: '/tmp/k',
        store: { type: 'sqlite', path: '/var/c.db' },
        verbose: true,
      }),
    },
    {
      name: 'up: a later --verbose=false wins over -v',
      argv: ['up', '-v', '--verbose=false'],
      want: up({ verbose: false }),
    },
    {
      name: 'up: the last occurrence wins',
      argv: ['up', '--nodes', '2', '--nodes', '7'],
      want: up({ nodes: 7 }),
    },
    { name: 'up: 1000 nodes is the limit', argv: ['up', '--nodes', '1000'], want: up({ nodes: 1000 }) },
    { name: 'up: port 65535', argv: ['up', '--port', '65535'], want: up({ port: 65535 }) },
    {
      name: 'up: sqlite in memory',
      argv: ['up', '--store', 'sqlite::memory:'],
      want: up({ store: { type: 'sqlite', path: ':memory:' } }),
    },
    {
      name: 'up: etcd endpoints, with and without scheme or port',
      argv: ['up', '--store', 'etcd:http://127.0.0.1:23790,127.0.0.2,localhost:2380'],
      want: up({
        store: {
          type: 'etcd',
          endpoints: ['http://127.0.0.1:23790', 'http://127.0.0.2:2379', 'http://localhost:2380'],
        },
      }),
    },
    {
      name: 'up: process runtime without a default image dir but with --image-dir',
      argv: ['up', '--runtime', 'process', '--image-dir', '/imgs'],
      ctx: { defaultImageDir: undefined },
      want: up({ runtime: 'process', imageDir: '/imgs' }),
    },
    {
      name: 'up: simulated runtime needs no image dir',
      argv: ['up'],
      ctx: { defaultImageDir: undefined },
      want: up({ imageDir: undefined }),
    },
    {
      name: 'up: without $HOME an explicit --kubeconfig is enough',
      argv: ['up', '--kubeconfig', 'kc'],
      ctx: { home: undefined },
      want: up({ kubeconfig: '/work/kc' }),
    },
  ])('$name', ({ argv, want, ctx }) => {
    expect(parseCommandLine(argv, { ...context, ...ctx })).toEqual({ ok: true, value: want });
  });
});

describe('parseCommandLine: errors name the flag and the rule', () => {
  it.each<{ name: string; argv: string[]; errors: string[]; ctx?: Partial<ParseContext> }>([
    { name: 'unknown command', argv: ['down'], errors: ['unknown command "down" for "flotilla"'] },
    { name: 'unknown root flag', argv: ['--nodes', '3'], errors: ['unknown flag: --nodes'] },
    { name: 'unknown help topic', argv: ['help', 'down'], errors: ['unknown help topic "down"'] },
    { name: 'unknown up flag', argv: ['up', '--node', '3'], errors: ['unknown flag: --node'] },
    { name: 'unknown short flag', argv: ['up', '-x'], errors: ['unknown flag: -x'] },
    { name: 'positional after up', argv: ['up', 'now'], errors: ['unknown command "now" for "flotilla up"'] },
    {
      name: 'version takes no argument',
      argv: ['version', 'x'],
      errors: ['unknown command "x" for "flotilla version"'],
    },
    {
      name: 'missing value at the end',
      argv: ['up', '--nodes'],
      errors: ['flag needs an argument: --nodes'],
    },
    {
      name: 'missing value before another flag',
      argv: ['up', '--store', '--port', '1x'],
      errors: [
        'flag needs an argument: --store',
        '--port: Invalid value: "1x": must be an integer between 0 and 65535',
      ],
    },
    {
      name: 'nodes 0',
      argv: ['up', '--nodes', '0'],
      errors: ['--nodes: Invalid value: "0": must be between 1 and 1000'],
    },
    {
      name: 'nodes -1',
      argv: ['up', '--nodes', '-1'],
      errors: ['--nodes: Invalid value: "-1": must be between 1 and 1000'],
    },
    {
      name: 'nodes 1001',
      argv: ['up', '--nodes=1001'],
      errors: ['--nodes: Invalid value: "1001": must be between 1 and 1000'],
    },
    {
      name: 'nodes not an integer',
      argv: ['up', '--nodes', '2.5'],
      errors: ['--nodes: Invalid value: "2.5": must be an integer between 1 and 1000'],
    },
    {
      name: 'nodes empty',
      argv: ['up', '--nodes='],
      errors: ['--nodes: Invalid value: "": must be an integer between 1 and 1000'],
    },
    {
      name: 'port out of range',
      argv: ['up', '--port', '65536'],
      errors: ['--port: Invalid value: "65536": must be between 0 and 65535'],
    },
    {
      name: 'port not a number',
      argv: ['up', '--port', 'http'],
      errors: ['--port: Invalid value: "http": must be an integer between 0 and 65535'],
    },
    {
      name: 'unknown runtime',
      argv: ['up', '--runtime', 'docker'],
      errors: ['--runtime: Unsupported value: "docker": supported values: "simulated", "process"'],
    },
    {
      name: 'unknown store',
      argv: ['up', '--store', 'postgres://x'],
      errors: [
        '--store: Unsupported value: "postgres://x": supported values: "memory", "sqlite:PATH", "etcd:URL"',
      ],
    },
    {
      name: 'sqlite without a path',
      argv: ['up', '--store', 'sqlite:'],
      errors: [
        '--store: Invalid value: "sqlite:": a database file must follow "sqlite:", e.g. sqlite:./cluster.db',
      ],
    },
    {
      name: 'etcd without an endpoint',
      argv: ['up', '--store', 'etcd:'],
      errors: [
        '--store: Invalid value: "etcd:": an endpoint must follow "etcd:", e.g. etcd:http://127.0.0.1:2379',
      ],
    },
    {
      name: 'etcd over https',
      argv: ['up', '--store', 'etcd:https://127.0.0.1:2379'],
      errors: [
        '--store: Invalid value: "etcd:https://127.0.0.1:2379": endpoint "https://127.0.0.1:2379" https (client certificates) is not supported; use http://',
      ],
    },
    {
      name: 'etcd with a path',
      argv: ['up', '--store', 'etcd:http://127.0.0.1:2379/x'],
      errors: [
        '--store: Invalid value: "etcd:http://127.0.0.1:2379/x": endpoint "http://127.0.0.1:2379/x" must be host:port or http://host:port, without a path, query or credentials',
      ],
    },
    {
      name: 'etcd with a bad port',
      argv: ['up', '--store', 'etcd:127.0.0.1:99999'],
      errors: [
        '--store: Invalid value: "etcd:127.0.0.1:99999": endpoint "127.0.0.1:99999" must be host:port or http://host:port',
      ],
    },
    {
      name: 'process runtime without an image dir',
      argv: ['up', '--runtime', 'process'],
      ctx: { defaultImageDir: undefined },
      errors: [
        '--image-dir: Required value: the process runtime runs images from a local directory (<dir>/<name>/<tag>/image.json)',
      ],
    },
    {
      name: 'empty image dir',
      argv: ['up', '--image-dir='],
      errors: ['--image-dir: Invalid value: "": must be a directory path'],
    },
    {
      name: 'empty kubeconfig',
      argv: ['up', '--kubeconfig', ''],
      errors: ['--kubeconfig: Invalid value: "": must be a file path'],
    },
    {
      name: 'kubectl default kubeconfig refused',
      argv: ['up', '--kubeconfig', '/home/ada/.kube/config'],
      errors: [
        '--kubeconfig: Invalid value: "/home/ada/.kube/config": must not be kubectl\'s default kubeconfig (~/.kube/config): flotilla writes a file of its own',
      ],
    },
    {
      name: 'kubectl default kubeconfig refused when reached by a relative path',
      argv: ['up', '--kubeconfig', '.kube/config'],
      ctx: { cwd: '/home/ada' },
      errors: [
        '--kubeconfig: Invalid value: ".kube/config": must not be kubectl\'s default kubeconfig (~/.kube/config): flotilla writes a file of its own',
      ],
    },
    {
      name: 'no $HOME and no --kubeconfig',
      argv: ['up'],
      ctx: { home: undefined },
      errors: ['--kubeconfig: Required value: $HOME is not set, so there is no default path'],
    },
    {
      name: 'boolean flag with a value',
      argv: ['up', '--verbose=yes'],
      errors: ['--verbose: Invalid value: "yes": must be true or false (a flag without a value)'],
    },
    {
      name: 'every problem at once, in flag order',
      argv: ['up', '--nodes', '0', '--port', '-5', '--runtime', 'vm', '--bogus'],
      errors: [
        'unknown flag: --bogus',
        '--nodes: Invalid value: "0": must be between 1 and 1000',
        '--port: Invalid value: "-5": must be between 0 and 65535',
        '--runtime: Unsupported value: "vm": supported values: "simulated", "process"',
      ],
    },
  ])('$name', ({ argv, errors, ctx }) => {
    const result = parseCommandLine(argv, { ...context, ...ctx });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual(errors);
    expect(result.usage).toMatch(/^Run 'flotilla( up| version)? --help' for usage\.$/);
  });

  it('points each command at its own help', () => {
    const usageOf = (argv: string[]) => {
      const r = parseCommandLine(argv, context);
      return r.ok ? undefined : r.usage;
    };
    expect(usageOf(['up', '--x'])).toBe("Run 'flotilla up --help' for usage.");
    expect(usageOf(['version', '--x'])).toBe("Run 'flotilla version --help' for usage.");
    expect(usageOf(['--x'])).toBe("Run 'flotilla --help' for usage.");
  });

  it('documents every up flag it accepts in the help', () => {
    for (const flag of [
      '--nodes',
      '--runtime',
      '--store',
      '--port',
      '--kubeconfig',
      '--image-dir',
      '--verbose',
      '--help',
    ])
      expect(UP_HELP).toContain(flag);
  });
});
