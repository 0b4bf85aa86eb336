/**
 * ToolHive's own Go `BackendWatcher` as a bench peer: the program in `go/toolhive-peer` imports
 * `github.com/stacklok/toolhive` (pkg/vmcp/k8s and pkg/vmcp) at the version its go.mod pins — imported from the Go
 * module proxy, never copied — and is built with envtest's Go build helper into the same version-keyed cache as
 * the control plane. Built by `pnpm bench` (a cold build takes a few minutes), never by the test command.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { BinaryBuildError, buildGoProgram, cacheRoot } from '@vmcp/envtest';

/** The ToolHive release the peer imports; must match go/toolhive-peer/go.mod. */
export const TOOLHIVE_VERSION = 'v0.44.0';

const moduleDir = path.resolve(import.meta.dirname, '../../go/toolhive-peer');

/** Where the built peer lives: `<envtest cache>/toolhive-peer-<version>/toolhive-peer`. */
export function toolhivePeerPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(cacheRoot(env), `toolhive-peer-${TOOLHIVE_VERSION}`, 'toolhive-peer');
}

/** Returns the peer binary, building it when missing. @throws BinaryBuildError (no Go, proxy unreachable, build error). */
export async function ensureToolhivePeer(log: (line: string) => void): Promise<string> {
  const out = toolhivePeerPath();
  if (existsSync(out)) return out;
  return buildGoProgram(
    {
      name: 'toolhive-peer',
      version: `toolhive ${TOOLHIVE_VERSION}`,
      moduleDir,
      pkg: '.',
      args: ['-trimpath', '-ldflags', '-s -w'],
      out,
      estimate: 'about 4 min',
      // A peer that cannot even parse its flags would fail every phase later with a less clear message.
      verify: async (file) => {
        const run = promisify(execFile);
        const res = await run(file, [], { timeout: 30_000 }).catch((err: { code?: unknown; stderr?: string }) => err);
        if (!String(res.stderr ?? '').includes('-kubeconfig, -namespace and -group are required')) {
          throw new Error(`${file} did not print its usage error`);
        }
      },
    },
    { log },
  );
}

export { BinaryBuildError };
