import { libraryConfig, serviceBundleConfig } from '@vmcp/tsup-config';

// dist/cli.js, the service entry, is one bundled file (serviceBundleConfig): it more than halved the time from
// process start to the first request (docs/benchmarks.md). The development-only packages stay external: the demo's
// control plane and the browser test driver are never in the production build (or image); the demo imports
// @vmcp/envtest dynamically at run time. dist/index.js stays an unbundled library entry for tests and embedding.
const external = ['@vmcp/envtest', 'playwright-core'];

export default [
  serviceBundleConfig({ entry: ['src/cli.ts'], external }),
  { ...libraryConfig({ entry: ['src/index.ts'], dts: false, external }), clean: false },
];
