import { readFileSync } from 'node:fs';
import { libraryConfig } from '@vmcp/tsup-config';

// The version is this package.json's, fixed at build time (src/version.ts reads the file only when run from source).
const { version } = JSON.parse(readFileSync(new URL('package.json', import.meta.url), 'utf8')) as { version: string };

// The demo's control plane and the browser test driver are development dependencies: never bundle them, so the
// production build (and image) does not carry them; the demo imports @vmcp/envtest dynamically at run time.
export default libraryConfig({
  entry: ['src/cli.ts', 'src/index.ts'],
  dts: false,
  external: ['@vmcp/envtest', 'playwright-core'],
  define: { __VMCP_WATCHER_VERSION__: JSON.stringify(version) },
});
