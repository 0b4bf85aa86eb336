import { readFileSync } from 'node:fs';
import { libraryConfig, serviceBundleConfig } from '@vmcp/tsup-config';

// The version is this package.json's, fixed at build time (src/version.ts reads the file only when run from source).
const { version } = JSON.parse(readFileSync(new URL('package.json', import.meta.url), 'utf8')) as { version: string };
const define = { __VMCP_WATCHER_VERSION__: JSON.stringify(version) };

// dist/cli.js, the service entry, is one bundled file (serviceBundleConfig): it more than halved the time from
// process start to the first request (docs/benchmarks.md). The development-only packages stay external: the demo's
// control plane and the browser test driver are never in the production build (or image); the demo imports
// @vmcp/envtest dynamically at run time. dist/index.js stays an unbundled library entry for tests and embedding.
const external = ['@vmcp/envtest', 'playwright-core'];

export default [
  serviceBundleConfig({ entry: ['src/cli.ts'], external, define }),
  { ...libraryConfig({ entry: ['src/index.ts'], dts: false, external, define }), clean: false },
];
