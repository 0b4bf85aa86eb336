import { defineConfig } from 'vitest/config';

// One run over every workspace package, so the whole suite shares one process pool and one summary.
export default defineConfig({
  test: {
    projects: ['packages/*', 'apps/*', 'tooling/*', 'examples/*'],
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: '.test-results/vitest.json' },
  },
});
