import { libraryConfig } from '@vmcp/tsup-config';

// The browser test driver is a development dependency: never bundle it, so the production build (and image) does
// not carry it. Nothing in src/ imports @vmcp/envtest: the local demo is its own program (tooling/demo).
export default libraryConfig({ entry: ['src/cli.ts', 'src/index.ts'], dts: false, external: ['playwright-core'] });
