import { setTimeout as sleep } from 'node:timers/promises';
import { SystemClock, VirtualClock } from '@flotilla/clock';
import { ProcessRuntime, type ProcessRuntimeOptions } from '../process-runtime.js';
import { SimulatedRuntime, type SimulatedRuntimeOptions } from '../simulated-runtime.js';
import { baseContainerConfig, type RuntimeHarness, type TestExec, type TestProgram } from './harness.js';

/**
 * A `node -e` script that behaves as `program` says. `marker` is written into the script text, so the
 * process can be found by its command line (`pgrep -f marker`) to prove it is gone.
 */
export function nodeProgramCommand(program: TestProgram, marker = 'flotilla-test-program'): string[] {
  const script = `/* ${marker} */
const p = ${JSON.stringify(program)};
const out = (s) => process.stdout.write(s + '\\n');
const finish = (code) => { for (const l of p.finalStdout ?? []) out(l); process.exit(code); };
process.on('SIGTERM', () => { if (!p.ignoreSigterm) finish(0); });
if (p.serve) {
  const http = require('node:http');
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('FLOTILLA_PORT_')) http.createServer((q, s) => s.end('ok')).listen(Number(v), '127.0.0.1');
  }
}
for (const l of p.stdout ?? []) out(l);
for (const l of p.stderr ?? []) process.stderr.write(l + '\\n');
for (const n of p.printEnv ?? []) out(n + '=' + (process.env[n] ?? ''));
if (p.exitAfterMs !== undefined) setTimeout(() => finish(p.exitCode ?? 0), p.exitAfterMs);
else setInterval(() => {}, 1 << 30);
`;
  return [process.execPath, '-e', script];
}

/** A `node -e` command line that behaves as `exec` says. */
export function nodeExecCommand(exec: TestExec): string[] {
  const script = `const e = ${JSON.stringify(exec)};
let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => { input += d; });
process.stdin.on('end', () => setTimeout(() => {
  let out = e.stdout ?? '';
  if (e.printEnv) out += e.printEnv + '=' + (process.env[e.printEnv] ?? '') + '\\n';
  if (e.echoStdin) out += input;
  process.stdout.write(out);
  process.stderr.write(e.stderr ?? '');
  process.exitCode = e.exitCode ?? 0;
}, e.sleepMs ?? 0));
`;
  return [process.execPath, '-e', script];
}

const EXEC_TAG = 'flotilla-test-exec';

/** A SimulatedRuntime on a fresh VirtualClock, with exec handled by the test-exec interpreter. */
export function simulatedHarness(options: Partial<SimulatedRuntimeOptions> = {}): RuntimeHarness & {
  readonly runtime: SimulatedRuntime;
  readonly clock: VirtualClock;
} {
  const clock = new VirtualClock();
  const runtime = new SimulatedRuntime({ seed: 7, ...options, clock });
  runtime.execHandler('*', async ({ cmd, env, stdin, clock: c }) => {
    if (cmd[0] !== EXEC_TAG) return { exitCode: 0, stdout: '', stderr: '' };
    const e = JSON.parse(cmd[1] ?? '{}') as TestExec;
    if (e.sleepMs) await c.sleep(e.sleepMs);
    let stdout = e.stdout ?? '';
    if (e.printEnv) stdout += `${e.printEnv}=${env[e.printEnv] ?? ''}\n`;
    if (e.echoStdin) stdout += stdin;
    return { exitCode: e.exitCode ?? 0, stdout, stderr: e.stderr ?? '' };
  });
  let n = 0;
  return {
    runtime,
    clock,
    advance: (ms) => clock.advance(ms),
    container(name, program, extras) {
      const image = `test/${name}-${++n}:1`;
      runtime.defineImage(image, program);
      return baseContainerConfig(name, image, [], extras);
    },
    execCommand: (exec) => [EXEC_TAG, JSON.stringify(exec)],
  };
}

/** A ProcessRuntime on wall time whose containers are `node -e` scripts carrying `marker`. */
export function processHarness(
  marker: string,
  options: ProcessRuntimeOptions = {},
): RuntimeHarness & { readonly runtime: ProcessRuntime } {
  const clock = new SystemClock();
  const runtime = new ProcessRuntime({ clock, ...options });
  return {
    runtime,
    clock,
    advance: (ms) => sleep(ms),
    container: (name, program, extras) =>
      baseContainerConfig(name, 'test/program:1', nodeProgramCommand(program, marker), extras),
    execCommand: nodeExecCommand,
  };
}
