import { packageConfig } from '@vmcp/eslint-config';

// The root holds only scripts and the workspace-wide vitest config; every package lints itself with its own
// eslint.config.js (turbo's `lint`), so the root leaves the package folders out.
export default packageConfig(import.meta.dirname, { ignores: ['packages/**', 'apps/**', 'tooling/**', 'examples/**'] });
