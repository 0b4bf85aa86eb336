import path from 'node:path';
import { defineConfig } from 'vitest/config';

// CRDs the shared test control plane installs when it starts (@vmcp/api's manifests). Override with
// VMCP_ENVTEST_CRDS (paths separated by ':'); a path that does not exist yet is skipped with a note.
process.env['VMCP_ENVTEST_CRDS'] ??= path.join(import.meta.dirname, 'packages/api/crds');

// One run over every workspace package, so the whole suite shares one process pool and one summary.
export default defineConfig({
  test: {
    // A project is a package with a vitest.config.ts (the shared-config packages in tooling/ have none).
    projects: ['packages/*/vitest.config.ts', 'apps/*/vitest.config.ts', 'tooling/*/vitest.config.ts', 'examples/*/vitest.config.ts'],
    // A global setup of the root config runs once per run, whichever projects are selected, and what it
    // `provide`s reaches every project. @vmcp/envtest's only starts a loopback broker here; the control plane
    // (etcd + kube-apiserver) starts when the first test file calls useEnvtest(), and is shared by all files.
    globalSetup: ['./tooling/envtest/src/vitest/global-setup.ts'],
    reporters: process.env.CI ? ['default', 'json'] : ['default'],
    outputFile: { json: '.test-results/vitest.json' },
  },
});
