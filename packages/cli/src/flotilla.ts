#!/usr/bin/env node
/** The `flotilla` executable: `main()` over the real process. */
import { isAbsolute } from 'node:path';
import { EXIT, main } from './main.js';

// Under `pnpm flotilla …` the script runs from the workspace root; INIT_CWD is where the user typed it.
const initCwd = process.env.INIT_CWD;
const cwd = initCwd !== undefined && isAbsolute(initCwd) ? initCwd : process.cwd();

// A bug must not leave container processes (spawned detached) behind: an unexpected error stops
// `up` the way SIGTERM does, then exits 1. A second one exits at once.
let failed = false;
const onUnexpected = (error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  if (failed || process.listenerCount('SIGTERM') === 0) {
    process.stderr.write(`error: unexpected: ${message}\n`);
    process.exit(EXIT.failure);
  }
  failed = true;
  process.stderr.write(`error: unexpected: ${message}; stopping\n`);
  process.emit('SIGTERM', 'SIGTERM');
};
process.on('uncaughtException', onUnexpected);
process.on('unhandledRejection', onUnexpected);

const code = await main(process.argv.slice(2), {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  cwd,
  env: process.env,
  signals: process,
  exit: (code) => process.exit(code),
});
process.exitCode = failed ? EXIT.failure : code;

// Everything is closed by now, so the event loop ends by itself; if a handle leaked, say so and exit.
setTimeout(() => {
  process.stderr.write('flotilla: something was still running 3 s after stopping; exiting anyway\n');
  process.exit(process.exitCode ?? EXIT.failure);
}, 3_000).unref();
