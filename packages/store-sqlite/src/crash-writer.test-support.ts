/**
 * Child process of the crash-safety test: writes sequentially to the SQLite file given as argv[2] and
 * prints `ack <revision> <key> <i>` after each write resolves, until it is killed.
 * Run as `node --conditions=@flotilla/source --import tsx crash-writer.test-support.ts <file> <run>`.
 */
import { SqliteBackend } from './sqlite-backend.js';

const [file, run] = process.argv.slice(2);
if (file === undefined || run === undefined) throw new Error('usage: crash-writer <file> <run>');
const backend = new SqliteBackend({ path: file });

function crashValue(i: number): string {
  // Values from 100 B to ~64 KiB, so that some writes span many pages of the WAL.
  const n = 100 + ((i * 7919) % 65_000);
  return JSON.stringify({ i, n, pad: 'x'.repeat(n) });
}

let counter = await backend.get('/counter');
for (let i = 0; ; i++) {
  if (i % 3 === 2) {
    const value = crashValue(i);
    const rev =
      counter === undefined
        ? await backend.create('/counter', value)
        : await backend.update('/counter', value, counter.modRevision);
    counter = await backend.get('/counter');
    process.stdout.write(`ack ${rev} /counter ${i}\n`);
  } else {
    const key = `/k/${run}/${i}`;
    const rev = await backend.create(key, crashValue(i));
    process.stdout.write(`ack ${rev} ${key} ${i}\n`);
  }
}
