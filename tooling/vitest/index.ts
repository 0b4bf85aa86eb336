import path from 'node:path';
import { defineProject, type TestProjectConfiguration } from 'vitest/config';

/**
 * Resolve sibling packages to their TypeScript sources (the `@vmcp/source` export condition), never to dist.
 * Vitest also hands these to its workers as Node's `--conditions`, so no `import`/`module` here: with them a CommonJS
 * `require()` inside a dependency (Express's router requiring `is-promise`) would load the ESM build.
 */
const conditions = ['@vmcp/source', 'node'];

/**
 * Where a package's tests are: `test/`, nothing in `src/`. A test that needs a control plane (`@vmcp/envtest`) is named
 * `*.int.test.ts` ({@link INTEGRATION_TESTS}); every other test is a unit test and needs nothing outside the process.
 */
export const UNIT_AND_INTEGRATION_TESTS = 'test/**/*.test.ts';

/** The tests that need a real control plane: the one suffix, `.int.test.ts`. */
export const INTEGRATION_TESTS = 'test/**/*.int.test.ts';

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
      // One placement rule: every test lives in test/ (tooling/monorepo's layout test keeps src/ free of them).
      include: [UNIT_AND_INTEGRATION_TESTS],
      environment: 'node',
      ...test,
    },
  });
}
