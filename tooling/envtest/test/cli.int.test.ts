import path from 'node:path';
import { CoreV1Api } from '@kubernetes/client-node';
import { expect } from 'vitest';
import { kubeConfigFromYaml } from '../src/kubeconfig.ts';
import { describeIntegration, itIntegration } from '../src/vitest/index.ts';
import { cli, cliTempDir } from './cli-helper.ts';

const tmp = cliTempDir();

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
