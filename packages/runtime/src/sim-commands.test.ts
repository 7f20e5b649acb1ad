import { describe, expect, it } from 'vitest';
import { parseScript, readExecInput, runSimCommand } from './sim-commands.js';

const env = { HOSTNAME: 'web-1', GREETING: 'hello world', EMPTY: '' };
const stdin = 'line 1\nline 2\n';
const run = (...cmd: string[]) => runSimCommand(cmd, { env, stdin });

describe('runSimCommand', () => {
  it.each([
    [['env'], 0, 'HOSTNAME=web-1\nGREETING=hello world\nEMPTY=\n'],
    [['printenv'], 0, 'HOSTNAME=web-1\nGREETING=hello world\nEMPTY=\n'],
    [['printenv', 'GREETING', 'HOSTNAME'], 0, 'hello world\nweb-1\n'],
    [['printenv', 'GREETING', 'NOPE'], 1, 'hello world\n'],
    [['echo', 'a', 'b'], 0, 'a b\n'],
    [['/bin/echo', '-n', 'a'], 0, 'a'],
    [['echo'], 0, '\n'],
    [['cat'], 0, stdin],
    [['/usr/bin/cat', '-'], 0, stdin],
    [['hostname'], 0, 'web-1\n'],
    [['true'], 0, ''],
    [['false'], 1, ''],
    [['sh', '-c', 'exit 3'], 3, ''],
    [['/bin/sh', '-c', 'exit'], 0, ''],
    [['bash', '-c', 'false; exit'], 1, ''],
    [['sh', '-c', 'exit 300'], 44, ''],
    [
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell script, not a template
      ['sh', '-c', 'echo $HOSTNAME; echo "${GREETING}!" \'$HOSTNAME\'; exit 2; echo never'],
      2,
      'web-1\nhello world! $HOSTNAME\n',
    ],
    [['sh', '-c', 'echo $NOPE x'], 0, ' x\n'],
    [['sh', '-c', ''], 0, ''],
  ])('%j → exit %i, %j', (cmd, exitCode, stdout) => {
    expect(run(...cmd)).toEqual({ exitCode, stdout, stderr: '' });
  });

  it.each([
    [['ls']],
    [['cat', '/tmp/healthy']],
    [['env', 'FOO=1', 'sh']],
    [['hostname', '-f']],
    [['sh', 'script.sh']],
    [['sh', '-c', 'echo a | grep a']],
    [['sh', '-c', 'echo a && echo b']],
    [['sh', '-c', 'echo > /tmp/x']],
    [['sh', '-c', 'echo "unbalanced']],
    [['sh', '-c', 'ls; exit 0']],
    [['sh', '-c', 'exit abc']],
    [['sh', '-c', 'exit 1', 'extra']],
  ])('%j is not interpreted (undefined)', (cmd) => {
    expect(run(...cmd)).toBeUndefined();
  });

  it('parses ;-separated words with quotes and expansion', () => {
    expect(parseScript(` a 'b c';d"$HOSTNAME"e ; ;f`, env)).toEqual([['a', 'b c'], ['dweb-1e'], ['f']]);
    expect(parseScript(`echo ''`, env)).toEqual([['echo', '']]);
    expect(parseScript('echo $', env)).toBeUndefined();
  });

  it('reads every form of input as text', async () => {
    async function* chunks() {
      yield 'a';
      yield new TextEncoder().encode('b');
    }
    expect(await readExecInput(undefined)).toBe('');
    expect(await readExecInput('s')).toBe('s');
    expect(await readExecInput(new TextEncoder().encode('u8'))).toBe('u8');
    expect(await readExecInput(chunks())).toBe('ab');
  });
});
