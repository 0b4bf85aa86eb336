/**
 * The README's WatcherSet example, run as a user would (plain node, KUBECONFIG pointing at a real API server): it
 * prints each served (namespace, group) with its complete backend count, then stops on SIGTERM.
 */
import { crdDirectory } from '@vmcp/api';
import { describeIntegration, useEnvtest } from '@vmcp/envtest/vitest';
import { expect, it } from 'vitest';
import { Kube, serverSpec } from './helpers/kube.ts';
import { readmeExample, runUntil } from './helpers/readme-example.ts';

describeIntegration('README WatcherSet example', () => {
  const env = useEnvtest({ crds: [crdDirectory] });

  it('prints every served group with all its backends once waitForCacheSync() resolves, and stops on SIGTERM', async () => {
    const ns = await env.newNamespace('readme-set');
    const kube = new Kube(env.kubeConfig, ns);
    for (let i = 0; i < 12; i++) {
      await kube.create('mcpservers', 'MCPServer', `srv-${i}`, serverSpec('engineering'), { url: `http://srv-${i}:8080`, phase: 'Ready' });
    }
    await kube.create('mcpservers', 'MCPServer', 'elsewhere', serverSpec('research'), { url: 'http://elsewhere:8080', phase: 'Ready' });

    const code = await readmeExample('## Many namespaces');
    expect(code).toContain("namespaces: ['toolhive']");
    const run = await runUntil(code.replace("namespaces: ['toolhive']", `namespaces: ['${ns}']`), env.kubeconfigPath, (out) =>
      out.includes('backends'),
    );
    expect(run.exitCode, `stderr:\n${run.err}`).toBe(0);
    expect(run.out).toContain(`[ '${ns}/engineering: 12 backends' ]`);
  }, 120_000);
});
