import { readFileSync } from 'node:fs';
import { libraryConfig, serviceBundleConfig } from '@vmcp/tsup-config';

// The version is this package.json's, fixed at build time (src/version.ts reads the file only when run from source).
const { version } = JSON.parse(readFileSync(new URL('package.json', import.meta.url), 'utf8')) as { version: string };
const define = { __VMCP_WATCHER_VERSION__: JSON.stringify(version) };

// dist/cli.js, the service entry, is one bundled file (serviceBundleConfig): it more than halved the time from
// process start to the first request (docs/benchmarks.md). The browser test driver is a development dependency and
// stays out of it, so the production build (and image) does not carry it. Nothing in src/ imports @vmcp/envtest: the
// local demo is its own program (tooling/demo). dist/index.js stays an unbundled library entry for tests/embedding.
const external = ['playwright-core'];

export default [
  serviceBundleConfig({ entry: ['src/cli.ts'], external, define }),
  { ...libraryConfig({ entry: ['src/index.ts'], dts: false, external, define }), clean: false },
];
