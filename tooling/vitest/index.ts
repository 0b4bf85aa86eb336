import path from 'node:path';
import { defineProject, type TestProjectConfiguration } from 'vitest/config';

/**
 * Resolve sibling packages to their TypeScript sources (the `@vmcp/source` export condition), never to dist.
 * Vitest also hands these to its workers as Node's `--conditions`, so no `import`/`module` here: with them a CommonJS
 * `require()` inside a dependency (Express's router requiring `is-promise`) would load the ESM build.
 */
const conditions = ['@vmcp/source', 'node'];

/** The vitest project of one workspace package; `extra` adds global setup, timeouts and the like. */
export function packageProject(dir: string, extra: Partial<NonNullable<TestProjectConfiguration>> & { test?: object } = {}) {
  const { test, ...rest } = extra as { test?: object };
  return defineProject({
    resolve: { conditions },
    ssr: { resolve: { conditions, externalConditions: ['@vmcp/source'] } },
    ...rest,
    test: {
      name: path.basename(dir),
      root: dir,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      environment: 'node',
      ...test,
    },
  });
}
