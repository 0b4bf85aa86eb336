import { readFileSync } from 'node:fs';
import { libraryConfig } from '@vmcp/tsup-config';

// The version is this package.json's, fixed at build time (src/version.ts reads the file only when run from source).
const { version } = JSON.parse(readFileSync(new URL('package.json', import.meta.url), 'utf8')) as { version: string };

// The browser test driver is a development dependency: never bundle it, so the production build (and image) does
// not carry it. Nothing in src/ imports @vmcp/envtest: the local demo is its own program (tooling/demo).
export default libraryConfig({
  entry: ['src/cli.ts', 'src/index.ts'],
  dts: false,
  external: ['playwright-core'],
  define: { __VMCP_WATCHER_VERSION__: JSON.stringify(version) },
});
