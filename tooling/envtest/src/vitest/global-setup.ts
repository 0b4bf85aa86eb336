import { existsSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { findBinaries } from '../binaries.ts';
import { startBroker } from './broker.ts';
import type { EnvtestProvided } from './protocol.ts';

/** Options of {@link createEnvtestGlobalSetup}. */
export interface EnvtestGlobalSetupOptions {
  /** CRD files/directories installed when the plane starts. Paths that do not exist yet are skipped with a note. */
  crds?: readonly string[];
  /** Fail instead of skipping when the binaries are missing. Default: `process.env.CI === 'true'`. */
  required?: boolean;
  /** Extra kube-apiserver flags. */
  apiServerArgs?: readonly string[];
}

const log = (line: string): void => {
  process.stderr.write(`\x1b[1m[vmcp-envtest]\x1b[0m ${line}\n`);
};

/** Guards against two setups in one process (e.g. the file listed at the root and in a project). */
const ACTIVE = Symbol.for('@vmcp/envtest/global-setup');

/**
 * Builds a Vitest `globalSetup` function. It does not start anything heavy: it checks the binaries, starts a
 * loopback broker and `provide`s how to reach it as `vmcpEnvtest`. The control plane itself starts when the first
 * test file calls `useEnvtest()`/`getTestEnv()`, and stops in teardown.
 *
 * Binaries missing: throws when `required` (CI), so the run fails loudly; otherwise prints one notice and provides
 * `available: false`, which makes `describeIntegration`/`itIntegration` skip.
 */
export function createEnvtestGlobalSetup(options: EnvtestGlobalSetupOptions = {}) {
  return async function envtestGlobalSetup(project: TestProject): Promise<() => Promise<void>> {
    const g = globalThis as { [ACTIVE]?: EnvtestProvided };
    if (g[ACTIVE]) {
      project.provide('vmcpEnvtest', g[ACTIVE]);
      return () => Promise.resolve();
    }
    const required = options.required ?? process.env['CI'] === 'true';
    const found = findBinaries();
    if (!found.found) {
      if (required) throw new Error(`@vmcp/envtest: integration tests are required here (CI=true) but cannot run: ${found.reason}`);
      log(`SKIPPING integration tests: ${found.reason}`);
      const provided: EnvtestProvided = { available: false, reason: found.reason };
      g[ACTIVE] = provided;
      project.provide('vmcpEnvtest', provided);
      return () => {
        delete g[ACTIVE];
        return Promise.resolve();
      };
    }
    const crds: string[] = [];
    for (const p of options.crds ?? []) {
      if (existsSync(p)) crds.push(path.resolve(p));
      else log(`CRD path ${p} does not exist (yet); not installing it`);
    }
    const broker = await startBroker({
      planeOptions: { binaries: found.binaries, crds, ...(options.apiServerArgs ? { apiServerArgs: options.apiServerArgs } : {}) },
      log,
    });
    const provided: EnvtestProvided = { available: true, brokerUrl: broker.url, token: broker.token };
    g[ACTIVE] = provided;
    project.provide('vmcpEnvtest', provided);
    return async () => {
      delete g[ACTIVE];
      await broker.close();
    };
  };
}

/** `VMCP_ENVTEST_CRDS`: CRD paths separated by the platform's path delimiter (`:` on Linux). */
export function crdsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env['VMCP_ENVTEST_CRDS'] ?? '').split(path.delimiter).filter((p) => p.trim() !== '');
}

/**
 * The default global setup: CRDs from `VMCP_ENVTEST_CRDS`. Use it by path in a Vitest config's `globalSetup`, or
 * build your own with {@link createEnvtestGlobalSetup}.
 */
export default function setup(project: TestProject): Promise<() => Promise<void>> {
  return createEnvtestGlobalSetup({ crds: crdsFromEnv() })(project);
}
