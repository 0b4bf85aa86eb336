import { existsSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ETCD_VERSION, KUBE_APISERVER_VERSION } from './versions.ts';

/** Absolute paths of the two executables a control plane needs. */
export interface ControlPlaneBinaries {
  etcd: string;
  kubeApiserver: string;
  /** Where they were found: the version-keyed cache, or `KUBEBUILDER_ASSETS`. */
  source: 'cache' | 'KUBEBUILDER_ASSETS';
}

/** The result of looking for the binaries without building anything. */
export type BinaryLookup =
  { found: true; binaries: ControlPlaneBinaries } | { found: false; reason: string; expected: { etcd: string; kubeApiserver: string } };

/**
 * Root of the binary cache: `$VMCP_ENVTEST_CACHE`, else `${XDG_CACHE_HOME:-~/.cache}/vmcp-envtest`.
 * Outside the repository so a `git clean` or a fresh worktree does not cost another 6-minute build.
 */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env['VMCP_ENVTEST_CACHE']) return path.resolve(env['VMCP_ENVTEST_CACHE']);
  const xdg = env['XDG_CACHE_HOME'];
  return path.join(xdg ? path.resolve(xdg) : path.join(os.homedir(), '.cache'), 'vmcp-envtest');
}

/** `<cache>/<name>-<version>/<name>`: keyed by version so a version bump builds next to, not over, the old one. */
export function cachedBinaryPath(name: 'etcd' | 'kube-apiserver', env: NodeJS.ProcessEnv = process.env): string {
  const version = name === 'etcd' ? ETCD_VERSION : KUBE_APISERVER_VERSION;
  return path.join(cacheRoot(env), `${name}-${version}`, name);
}

function isExecutableFile(file: string): boolean {
  try {
    const st = statSync(file);
    return st.isFile() && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/**
 * Finds the binaries without building: `KUBEBUILDER_ASSETS` first (when it holds both executables, as
 * controller-runtime's envtest expects), then the version-keyed cache. Synchronous and cheap, so a test file can
 * decide at collection time whether integration tests can run.
 */
export function findBinaries(env: NodeJS.ProcessEnv = process.env): BinaryLookup {
  const assets = env['KUBEBUILDER_ASSETS'];
  if (assets) {
    const etcd = path.join(assets, 'etcd');
    const kubeApiserver = path.join(assets, 'kube-apiserver');
    if (isExecutableFile(etcd) && isExecutableFile(kubeApiserver)) {
      return { found: true, binaries: { etcd, kubeApiserver, source: 'KUBEBUILDER_ASSETS' } };
    }
  }
  const etcd = cachedBinaryPath('etcd', env);
  const kubeApiserver = cachedBinaryPath('kube-apiserver', env);
  const missing = [etcd, kubeApiserver].filter((f) => !isExecutableFile(f));
  if (missing.length === 0) return { found: true, binaries: { etcd, kubeApiserver, source: 'cache' } };
  const assetsNote = assets && existsSync(assets) ? ` (KUBEBUILDER_ASSETS=${assets} does not hold both etcd and kube-apiserver)` : '';
  return {
    found: false,
    reason:
      `control-plane binaries missing: ${missing.join(', ')}${assetsNote}. ` +
      'Build them with `pnpm --filter @vmcp/envtest exec node --conditions=@vmcp/source src/cli.ts ensure-binaries` ' +
      '(needs Go >= 1.26; ~6 min on 2 cores the first time), or point KUBEBUILDER_ASSETS at a directory holding both.',
    expected: { etcd, kubeApiserver },
  };
}
