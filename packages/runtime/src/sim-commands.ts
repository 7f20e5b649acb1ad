/**
 * The few commands the simulated runtime runs itself when no exec handler answers (`kubectl exec`
 * into a simulated pod): `env`, `printenv [NAME…]`, `echo [-n] ARG…`, `cat` / `cat -` (copies stdin),
 * `hostname`, `true`, `false`, and `sh -c SCRIPT` (also `bash -c`) where SCRIPT is `;`-separated
 * uses of those and `exit [N]`, with `$NAME` / `${NAME}` expanded and `'…'` / `"…"` quoting.
 * A leading `/bin/` or `/usr/bin/` is ignored. Anything else is not interpreted (`undefined`): the
 * runtime then answers as it always has, exit 0 and no output.
 */
import type { ExecInput, ExecResult } from './types.js';

export interface SimCommandInput {
  readonly env: Readonly<Record<string, string>>;
  readonly stdin: string;
}

const SHELLS = new Set(['sh', 'bash']);

function baseName(command: string): string {
  const m = /^\/(?:usr\/)?bin\/([^/]+)$/.exec(command);
  return m ? (m[1] as string) : command;
}

/** One simple command; `undefined` when it is none of the built-ins. */
function runOne(argv: readonly string[], input: SimCommandInput): ExecResult | undefined {
  const [first, ...args] = argv;
  if (first === undefined) return { exitCode: 0, stdout: '', stderr: '' };
  const ok = (stdout: string) => ({ exitCode: 0, stdout, stderr: '' });
  switch (baseName(first)) {
    case 'env':
      if (args.length > 0) return undefined;
      return ok(
        Object.entries(input.env)
          .map(([k, v]) => `${k}=${v}\n`)
          .join(''),
      );
    case 'printenv': {
      if (args.length === 0) return runOne(['env'], input);
      const found = args.filter((name) => input.env[name] !== undefined);
      return {
        exitCode: found.length === args.length ? 0 : 1,
        stdout: found.map((name) => `${input.env[name]}\n`).join(''),
        stderr: '',
      };
    }
    case 'echo':
      return args[0] === '-n' ? ok(args.slice(1).join(' ')) : ok(`${args.join(' ')}\n`);
    case 'cat':
      return args.length === 0 || (args.length === 1 && args[0] === '-') ? ok(input.stdin) : undefined;
    case 'hostname':
      return args.length === 0 ? ok(`${input.env.HOSTNAME ?? ''}\n`) : undefined;
    case 'true':
      return ok('');
    case 'false':
      return { exitCode: 1, stdout: '', stderr: '' };
    default:
      return undefined;
  }
}

/**
 * Splits a script into `;`-separated commands of words, expanding `$NAME` / `${NAME}` outside single
 * quotes; `undefined` for anything beyond that (pipes, redirections, `&&`, unbalanced quotes…).
 */
export function parseScript(script: string, env: Readonly<Record<string, string>>): string[][] | undefined {
  const commands: string[][] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  const endWord = () => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const expand = (): boolean => {
    const m = /^\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/.exec(script.slice(i));
    if (!m) return false;
    word += env[(m[1] ?? m[2]) as string] ?? '';
    inWord = true;
    i += m[0].length;
    return true;
  };
  while (i < script.length) {
    const ch = script[i] as string;
    if (ch === ' ' || ch === '\t' || ch === '\n') {
      endWord();
      i++;
    } else if (ch === ';') {
      endWord();
      commands.push(words);
      words = [];
      i++;
    } else if (ch === "'") {
      const close = script.indexOf("'", i + 1);
      if (close < 0) return undefined;
      word += script.slice(i + 1, close);
      inWord = true;
      i = close + 1;
    } else if (ch === '"') {
      inWord = true;
      i++;
      for (;;) {
        if (i >= script.length) return undefined;
        const c = script[i] as string;
        if (c === '"') break;
        if (c === '$' && expand()) continue;
        if (c === '\\' || c === '`') return undefined;
        word += c;
        i++;
      }
      i++;
    } else if (ch === '$') {
      if (!expand()) return undefined;
    } else if ('|&<>()`\\*?[#~{}'.includes(ch)) {
      return undefined;
    } else {
      word += ch;
      inWord = true;
      i++;
    }
  }
  endWord();
  commands.push(words);
  return commands.filter((c) => c.length > 0);
}

/** Runs `cmd` if it is one of the built-ins; `undefined` when it is not (see the module comment). */
export function runSimCommand(cmd: readonly string[], input: SimCommandInput): ExecResult | undefined {
  const [first, flag, script, ...rest] = cmd;
  if (first === undefined || !SHELLS.has(baseName(first))) return runOne(cmd, input);
  if (flag !== '-c' || script === undefined || rest.length > 0) return undefined;
  const commands = parseScript(script, input.env);
  if (commands === undefined) return undefined;
  let stdout = '';
  let stderr = '';
  let exitCode = 0;
  for (const argv of commands) {
    if (argv[0] === 'exit') {
      if (argv.length > 2 || (argv[1] !== undefined && !/^\d+$/.test(argv[1]))) return undefined;
      return { exitCode: argv[1] === undefined ? exitCode : Number(argv[1]) % 256, stdout, stderr };
    }
    const result = runOne(argv, input);
    if (result === undefined) return undefined;
    stdout += result.stdout;
    stderr += result.stderr;
    exitCode = result.exitCode;
  }
  return { exitCode, stdout, stderr };
}

/** Reads all of an exec's input as text. */
export async function readExecInput(input: ExecInput | undefined): Promise<string> {
  if (input === undefined) return '';
  if (typeof input === 'string') return input;
  if (input instanceof Uint8Array) return Buffer.from(input).toString('utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of input)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}
