import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeBackendConformance } from '@flotilla/store/testing';
import { afterAll } from 'vitest';
import { SqliteBackend } from './sqlite-backend.js';

const dir = mkdtempSync(join(tmpdir(), 'flotilla-sqlite-conf-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

describeBackendConformance(
  'SqliteBackend (file)',
  () => new SqliteBackend({ path: join(dir, `db-${n++}.sqlite`) }),
);
describeBackendConformance('SqliteBackend (:memory:)', () => new SqliteBackend({ path: ':memory:' }), {
  numRuns: 20,
});
