/**
 * helm for the chart tests: the pinned version, built from the Go module proxy into @vmcp/envtest's version-keyed
 * cache (`test/ensure-go-tool.ts helm` builds it; the test command runs that first), and a runner.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { goToolPath, type GoTool } from '@vmcp/envtest';

export const HELM_VERSION = 'v3.22.0';

export const HELM: GoTool = {
  name: 'helm',
  version: HELM_VERSION,
  pkg: 'helm.sh/helm/v3/cmd/helm',
  // What `helm version` prints comes from these; without them it says the source's placeholder.
  ldflags: `-X helm.sh/helm/v3/internal/version.version=${HELM_VERSION} -X helm.sh/helm/v3/internal/version.gitTreeState=clean`,
  versionArgs: ['version', '--short'],
  expectVersion: HELM_VERSION,
  estimate: 'about 4 min',
};

export const CHART_DIR = path.resolve(import.meta.dirname, '../../../charts/vmcp-watcher');

/** The cached helm binary, or undefined when it was not built (no Go here). */
export function findHelm(): string | undefined {
  const file = goToolPath(HELM);
  return existsSync(file) ? file : undefined;
}

/** Runs helm with its state (config, cache, data) in `home`, never the user's. */
export async function runHelm(helm: string, home: string, args: readonly string[]): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)(helm, [...args], {
    maxBuffer: 16 * 1024 * 1024,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: home,
      HELM_CONFIG_HOME: path.join(home, 'config'),
      HELM_CACHE_HOME: path.join(home, 'cache'),
      HELM_DATA_HOME: path.join(home, 'data'),
    },
  });
}
