/**
 * The README's Usage example, run as a user would (plain node, KUBECONFIG pointing at a real API server), must print
 * the backends — not `[]`, which is what it printed while readiness meant only "caches synced".
 */
import { crdDirectory } from '@vmcp/api';
import { describeIntegration, useEnvtest } from '@vmcp/envtest/vitest';
import { expect, it } from 'vitest';
import { Kube, serverSpec } from './helpers/kube.ts';
import { readmeExample, runUntil } from './helpers/readme-example.ts';

describeIntegration('README Usage example', () => {
  const env = useEnvtest({ crds: [crdDirectory] });

  it('prints every backend of the group once waitForCacheSync() resolves, and stops on SIGTERM', async () => {
    const ns = await env.newNamespace('readme');
    const kube = new Kube(env.kubeConfig, ns);
    const names = Array.from({ length: 30 }, (_, i) => `srv-${String(i).padStart(2, '0')}`);
    for (const n of names)
      await kube.create('mcpservers', 'MCPServer', n, serverSpec('engineering'), { url: `http://${n}:8080`, phase: 'Ready' });
    await kube.create('mcpservers', 'MCPServer', 'elsewhere', serverSpec('research'), { url: 'http://elsewhere:8080', phase: 'Ready' });

    const code = await readmeExample('## Usage');
    expect(code).toContain("namespace: 'toolhive'");
    const { out, err, exitCode } = await runUntil(code.replace("namespace: 'toolhive'", `namespace: '${ns}'`), env.kubeconfigPath, (o) =>
      o.includes('srv-29 → '),
    );
    expect(exitCode, `stderr:\n${err}`).toBe(0);
    // One printed list holding every backend of the group, nothing else, and never the empty list.
    for (const n of names) expect(out).toContain(`'${n} → http://${n}:8080'`);
    expect(out).not.toContain('elsewhere →');
    expect(out).not.toMatch(/^\[\]$/m);
    // Per-object detail is at debug, below the example's info logger: a few lifecycle lines, not one per object.
    expect(out).not.toContain('reconciled');
    expect(out.trim().split('\n').length).toBeLessThanOrEqual(names.length + 12);
  }, 120_000);
});
