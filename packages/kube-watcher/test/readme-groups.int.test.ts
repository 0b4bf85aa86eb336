/**
 * The README's many-groups example, run as a user would (plain node, KUBECONFIG pointing at a real API server): it
 * must print every group of the namespace with its backends, then stop on SIGTERM.
 */
import { crdDirectory } from '@vmcp/api';
import { describeIntegration, useEnvtest } from '@vmcp/envtest/vitest';
import { expect, it } from 'vitest';
import { Kube, serverSpec } from './helpers/kube.ts';
import { readmeExample, runUntil } from './helpers/readme-example.ts';

describeIntegration('README many-groups example', () => {
  const env = useEnvtest({ crds: [crdDirectory] });

  it('prints each MCPGroup of the namespace with its backends once synced, and stops on SIGTERM', async () => {
    const ns = await env.newNamespace('readme-groups');
    const kube = new Kube(env.kubeConfig, ns);
    await kube.create('mcpgroups', 'MCPGroup', 'engineering', {});
    await kube.create('mcpgroups', 'MCPGroup', 'research', {});
    const ready = (n: string) => ({ url: `http://${n}:8080`, phase: 'Ready' });
    for (const n of ['fetch', 'time']) await kube.create('mcpservers', 'MCPServer', n, serverSpec('engineering'), ready(n));
    await kube.create('mcpservers', 'MCPServer', 'papers', serverSpec('research'), ready('papers'));
    await kube.create('mcpservers', 'MCPServer', 'orphan', serverSpec('no-such-group'), ready('orphan'));

    const code = await readmeExample('## Many groups of one namespace');
    expect(code).toContain("namespace: 'toolhive'");
    const { exitCode, out, err } = await runUntil(code.replace("namespace: 'toolhive'", `namespace: '${ns}'`), env.kubeconfigPath, (o) =>
      /^true$/m.test(o),
    );
    expect(exitCode, `stderr:\n${err}`).toBe(0);
    expect(out).toBe("[ 'engineering: fetch time', 'research: papers' ]\ntrue\n");
    expect(err).toContain('groups now: engineering, research');
  }, 120_000);
});
