import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { TestProject } from 'vitest/node';
import { kubeConfigFromYaml } from '../src/kubeconfig.ts';
import { createEnvtestGlobalSetup } from '../src/vitest/global-setup.ts';
import type { EnvtestProvided } from '../src/vitest/protocol.ts';
import { describeIntegration, itIntegration } from '../src/vitest/index.ts';

const pkg = path.join(import.meta.dirname, '..');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'envtest-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Runs the CLI from source; resolves with its exit code and output. */
function cli(args: string[], env: NodeJS.ProcessEnv, onStdout?: (text: string, child: ReturnType<typeof spawn>) => void) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@vmcp/source', 'src/cli.ts', ...args], {
      cwd: pkg,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
      onStdout?.(stdout, child);
    });
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** An environment in which the binaries are missing and Go does not exist. */
function noBinariesEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const { KUBEBUILDER_ASSETS: _a, CI: _c, ...rest } = process.env;
  return { ...rest, VMCP_ENVTEST_CACHE: path.join(tmp, 'empty-cache'), GO: '/nonexistent/go', ...extra };
}

describe('vmcp-envtest ensure-binaries without Go', () => {
  it('locally: explains the problem and how to fix it, announces the skip, exits 0', async () => {
    const r = await cli(['ensure-binaries'], noBinariesEnv());
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('no usable Go toolchain');
    expect(r.stderr).toContain('How to fix: install Go 1.26');
    expect(r.stderr).toContain('integration tests that need a real kube-apiserver will be SKIPPED');
  });

  it('with CI=true: fails', async () => {
    const r = await cli(['ensure-binaries'], noBinariesEnv({ CI: 'true' }));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('CI=true: failing');
  });

  it('rejects an unknown command with the usage', async () => {
    const r = await cli(['frobnicate'], noBinariesEnv());
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('unknown command "frobnicate"');
    expect(r.stderr).toContain('vmcp-envtest start');
  });
});

describe('envtest global setup without binaries', () => {
  const fakeProject = () => {
    const provided: Partial<Record<string, EnvtestProvided>> = {};
    return { provided, project: { provide: (k: string, v: EnvtestProvided) => (provided[k] = v) } as unknown as TestProject };
  };

  it('throws with the reason when integration tests are required (CI)', async () => {
    vi.stubEnv('VMCP_ENVTEST_CACHE', path.join(tmp, 'empty-cache'));
    vi.stubEnv('KUBEBUILDER_ASSETS', '');
    try {
      const { project } = fakeProject();
      await expect(createEnvtestGlobalSetup({ required: true })(project)).rejects.toThrow(
        /required here \(CI=true\) but cannot run: control-plane binaries missing/,
      );
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('otherwise provides available:false with the reason, so integration suites skip', async () => {
    vi.stubEnv('VMCP_ENVTEST_CACHE', path.join(tmp, 'empty-cache'));
    vi.stubEnv('KUBEBUILDER_ASSETS', '');
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const { project, provided } = fakeProject();
      const teardown = await createEnvtestGlobalSetup({ required: false })(project);
      expect(provided['vmcpEnvtest']).toMatchObject({ available: false, reason: expect.stringContaining('ensure-binaries') });
      expect(stderr.mock.calls.map((c) => String(c[0])).join('')).toContain('SKIPPING integration tests');
      await teardown();
    } finally {
      stderr.mockRestore();
      vi.unstubAllEnvs();
    }
  });
});

describeIntegration('vmcp-envtest start', () => {
  itIntegration(
    'starts a plane with CRDs, writes a working kubeconfig, and stops cleanly on SIGINT',
    async () => {
      const out = path.join(tmp, 'kc', 'admin.yaml');
      let checked: Promise<string> | undefined;
      const r = await cli(['start', '--crds', 'test/fixtures', '--kubeconfig-out', out], process.env, (stdout, child) => {
        if (checked || !stdout.includes('\n')) return;
        checked = (async () => {
          const { readFileSync } = await import('node:fs');
          const kc = kubeConfigFromYaml(readFileSync(stdout.trim(), 'utf8'));
          const ns = await kc.makeApiClient(CoreV1Api).readNamespace({ name: 'default' });
          return ns.metadata?.name ?? '';
        })().finally(() => child.kill('SIGINT'));
      });
      expect(r.stdout.trim()).toBe(out);
      await expect(checked).resolves.toBe('default');
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/control plane ready at https:\/\/127\.0\.0\.1:\d+ in [\d.]+ s/);
      expect(r.stderr).toContain('stopped');
    },
    120_000,
  );
});
