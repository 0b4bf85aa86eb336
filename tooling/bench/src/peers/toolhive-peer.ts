/**
 * ToolHive's own Go `BackendWatcher` as a bench peer: the program in `go/toolhive-peer` imports
 * `github.com/stacklok/toolhive` (pkg/vmcp/k8s and pkg/vmcp) at the version its go.mod pins — from the Go module
 * proxy, never copied — and is built by envtest's Go build helper (`ensureGoTool`) into the same version-keyed cache
 * as the control plane. Built by `pnpm bench` (a cold build takes minutes), never by the test command.
 */
import path from 'node:path';
import { BinaryBuildError, ensureGoTool, goToolPath, type GoTool } from '@vmcp/envtest';

/** The ToolHive release the peer imports; must match go/toolhive-peer/go.mod. */
export const TOOLHIVE_VERSION = 'v0.44.0';

const tool: GoTool = {
  name: 'toolhive-peer',
  version: TOOLHIVE_VERSION,
  moduleDir: path.resolve(import.meta.dirname, '../../go/toolhive-peer'),
  pkg: '.',
  // The peer prints the ToolHive version it was linked with (from its build info): a stale go.mod fails the check.
  versionArgs: ['-version'],
  expectVersion: `github.com/stacklok/toolhive ${TOOLHIVE_VERSION}`,
  estimate: 'about 5 min (30 s with warm Go caches)',
};

/** Where the built peer lives: `<envtest cache>/toolhive-peer-<version>/toolhive-peer`. */
export function toolhivePeerPath(env: NodeJS.ProcessEnv = process.env): string {
  return goToolPath(tool, env);
}

/** Returns the peer binary, building it when missing. @throws BinaryBuildError (no Go, proxy unreachable, build error). */
export function ensureToolhivePeer(log: (line: string) => void): Promise<string> {
  return ensureGoTool(tool, { log });
}

export { BinaryBuildError };
