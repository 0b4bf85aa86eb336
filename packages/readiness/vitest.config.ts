import { packageProject } from '../../vitest.shared.ts';

// Vitest hands `ssr.resolve.conditions` to the test workers as `node --conditions`, so the shared list (which has
// `import` and `module`) makes a CommonJS `require()` pick a package's ESM entry: Express's router then gets
// is-promise's module namespace instead of the function ("isPromise is not a function", a 500 on every request).
// Keep only what Node's own resolution must add; Vite adds `import`/`require` per import by itself.
const conditions = ['@vmcp/source', 'node'];

export default packageProject(import.meta.dirname, {
  ssr: { resolve: { conditions, externalConditions: ['@vmcp/source'] } },
});
