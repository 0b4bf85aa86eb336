import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { TestProject } from 'vitest/node';
import { createEnvtestGlobalSetup } from '../src/vitest/global-setup.ts';
import type { EnvtestProvided } from '../src/vitest/protocol.ts';
import { cli, cliTempDir } from './cli-helper.ts';

const tmp = cliTempDir();

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
