import { libraryConfig } from '@vmcp/tsup-config';

// The demo's control plane and the browser test driver are development dependencies: never bundle them, so the
// production build (and image) does not carry them; the demo imports @vmcp/envtest dynamically at run time.
export default libraryConfig({ entry: ['src/cli.ts', 'src/index.ts'], dts: false, external: ['@vmcp/envtest', 'playwright-core'] });
