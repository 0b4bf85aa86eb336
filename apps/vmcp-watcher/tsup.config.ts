import { defineConfig } from 'tsup';
import { libraryConfig } from '../../tsup.shared.ts';

// The service entry (dist/cli.js) is ONE file with its dependencies inlined: Node resolves and compiles one module
// instead of ~900 (most of them @kubernetes/client-node's generated API, which tree-shaking drops), which halved
// the time from process start to the first request. The development-only packages stay external: the demo's
// control plane and the browser test driver are never in the production build (or image); the demo imports
// @vmcp/envtest dynamically at run time. dist/index.js stays an unbundled library entry for tests and embedding.
const external = ['@vmcp/envtest', 'playwright-core'];

export default defineConfig([
  {
    ...libraryConfig({ entry: ['src/cli.ts'], dts: false, external, noExternal: [/^(?!@vmcp\/envtest|playwright-core)/] }),
    // esbuild tree-shakes while bundling; tsup's extra Rollup pass took a minute on 4 MB for nothing measurable.
    treeshake: false,
    // CommonJS dependencies bundled into an ES module still call require() for Node built-ins.
    banner: { js: "import { createRequire as __vmcpCreateRequire } from 'node:module';\nconst require = __vmcpCreateRequire(import.meta.url);" },
    esbuildOptions(options) {
      options.conditions = ['@vmcp/source', 'node', 'import'];
    },
  },
  { ...libraryConfig({ entry: ['src/index.ts'], dts: false, external }), clean: false },
]);
