import { defineConfig } from 'vitest/config';

// Tests that need a real server (etcd, started by `.ci/etcd.sh start`). They share that server, and
// etcd's revision and compaction are global, so files run one at a time.
export default defineConfig({
  resolve: { conditions: ['@flotilla/source'] },
  ssr: { resolve: { conditions: ['@flotilla/source'] } },
  test: {
    include: ['packages/*/src/**/*.integration.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', 'json'],
    outputFile: { json: '.ci/out/vitest-integration.json' },
  },
});
