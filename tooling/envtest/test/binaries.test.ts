import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cacheRoot, cachedBinaryPath, findBinaries } from '../src/binaries.ts';
import { BinaryBuildError, ensureBinaries } from '../src/build.ts';
import { ETCD_VERSION, KUBE_APISERVER_VERSION } from '../src/versions.ts';

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'envtest-unit-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fakeExe(file: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, '#!/bin/sh\n');
  chmodSync(file, 0o755);
}

describe('binary cache', () => {
  it('keys the cache by name and version under VMCP_ENVTEST_CACHE, else XDG_CACHE_HOME, else ~/.cache', () => {
    expect(cachedBinaryPath('etcd', { VMCP_ENVTEST_CACHE: '/c' })).toBe(`/c/etcd-${ETCD_VERSION}/etcd`);
    expect(cachedBinaryPath('kube-apiserver', { XDG_CACHE_HOME: '/x' })).toBe(
      `/x/vmcp-envtest/kube-apiserver-${KUBE_APISERVER_VERSION}/kube-apiserver`,
    );
    expect(cacheRoot({})).toBe(path.join(os.homedir(), '.cache', 'vmcp-envtest'));
  });

  it('reports what is missing and how to build it', () => {
    const cache = tmp();
    fakeExe(cachedBinaryPath('etcd', { VMCP_ENVTEST_CACHE: cache }));
    const r = findBinaries({ VMCP_ENVTEST_CACHE: cache });
    expect(r.found).toBe(false);
    if (r.found) return;
    expect(r.reason).toContain(`kube-apiserver-${KUBE_APISERVER_VERSION}/kube-apiserver`);
    expect(r.reason).not.toContain(`etcd-${ETCD_VERSION}/etcd,`);
    expect(r.reason).toContain('ensure-binaries');
  });

  it('finds executables in the cache, and ignores non-executable files', () => {
    const cache = tmp();
    const env = { VMCP_ENVTEST_CACHE: cache };
    fakeExe(cachedBinaryPath('etcd', env));
    const api = cachedBinaryPath('kube-apiserver', env);
    mkdirSync(path.dirname(api), { recursive: true });
    writeFileSync(api, 'not executable');
    expect(findBinaries(env).found).toBe(false);
    chmodSync(api, 0o755);
    expect(findBinaries(env)).toEqual({
      found: true,
      binaries: { etcd: cachedBinaryPath('etcd', env), kubeApiserver: api, source: 'cache' },
    });
  });

  it('prefers KUBEBUILDER_ASSETS when it holds both binaries, and falls back to the cache otherwise', () => {
    const assets = tmp();
    const cache = tmp();
    fakeExe(path.join(assets, 'etcd'));
    // Only one binary in the assets dir: not used.
    expect(findBinaries({ KUBEBUILDER_ASSETS: assets, VMCP_ENVTEST_CACHE: cache }).found).toBe(false);
    fakeExe(path.join(assets, 'kube-apiserver'));
    const r = findBinaries({ KUBEBUILDER_ASSETS: assets, VMCP_ENVTEST_CACHE: cache });
    expect(r).toEqual({
      found: true,
      binaries: { etcd: path.join(assets, 'etcd'), kubeApiserver: path.join(assets, 'kube-apiserver'), source: 'KUBEBUILDER_ASSETS' },
    });
  });
});

describe('ensureBinaries', () => {
  it('returns present binaries without looking for Go', async () => {
    const cache = tmp();
    const env = { VMCP_ENVTEST_CACHE: cache };
    fakeExe(cachedBinaryPath('etcd', env));
    fakeExe(cachedBinaryPath('kube-apiserver', env));
    const b = await ensureBinaries({ env, go: '/nonexistent/go', log: () => {} });
    expect(b.source).toBe('cache');
  });

  it('explains a missing Go toolchain and how to fix it', async () => {
    const env = { VMCP_ENVTEST_CACHE: tmp(), PATH: process.env['PATH'] ?? '' };
    const error = await ensureBinaries({ env, go: '/nonexistent/go', log: () => {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BinaryBuildError);
    expect((error as Error).message).toMatch(/no usable Go toolchain.*\/nonexistent\/go: not found/);
    expect((error as Error).message).toContain('How to fix: install Go 1.26');
  });

  it('rejects a Go older than 1.26', async () => {
    const dir = tmp();
    const go = path.join(dir, 'go');
    writeFileSync(go, '#!/bin/sh\necho go1.22.3\n');
    chmodSync(go, 0o755);
    const error = await ensureBinaries({ env: { VMCP_ENVTEST_CACHE: tmp() }, go, log: () => {} }).catch((e: unknown) => e);
    expect((error as Error).message).toContain('go1.22.3 is older than go1.26');
  });

  it('reports a failing build with its output and leaves no partial binary', async () => {
    const dir = tmp();
    const cache = tmp();
    const go = path.join(dir, 'go');
    // A fake go: new enough, but `go build` fails after writing half a file to its -o target.
    writeFileSync(
      go,
      '#!/bin/sh\nif [ "$1" = env ]; then echo go1.26.8; exit 0; fi\nwhile [ "$1" != -o ]; do shift; done\necho half > "$2"\necho "compile: boom" >&2\nexit 2\n',
    );
    chmodSync(go, 0o755);
    const lines: string[] = [];
    const error = await ensureBinaries({ env: { VMCP_ENVTEST_CACHE: cache }, go, log: (l) => lines.push(l) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BinaryBuildError);
    expect((error as Error).message).toContain('building etcd');
    expect((error as Error).message).toContain('compile: boom');
    expect(lines.join('\n')).toContain('This takes ~6 min on 2 cores the first time');
    const etcdDir = path.dirname(cachedBinaryPath('etcd', { VMCP_ENVTEST_CACHE: cache }));
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(etcdDir)).toEqual([]);
  });
});
