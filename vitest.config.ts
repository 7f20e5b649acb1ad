import { defineConfig } from 'vitest/config';

// Workspace packages resolve to their TypeScript source through the `@flotilla/source`
// export condition, so tests never need a build first.
export default defineConfig({
  resolve: { conditions: ['@flotilla/source'] },
  ssr: { resolve: { conditions: ['@flotilla/source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'examples/*/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', '**/*.integration.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The JSON report lets .ci/run count passed and failed tests; the default reporter is for people.
    reporters: ['default', 'json'],
    outputFile: { json: '.ci/out/vitest.json' },
  },
});
