/**
 * The README's many-groups example, run as a user would (plain node, KUBECONFIG pointing at a real API server): it
 * must print every group of the namespace with its backends, then stop on SIGTERM.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { crdDirectory } from '@vmcp/api';
import { describeIntegration, useEnvtest } from '@vmcp/envtest/vitest';
import { expect, it } from 'vitest';
import { runUntilThenTerminate } from './helpers/example-process.ts';
import { Kube, serverSpec } from './helpers/kube.ts';

const dir = path.resolve(import.meta.dirname, '..');

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

    const readme = await readFile(path.join(dir, 'README.md'), 'utf8');
    const code = /```ts\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('## Many groups of one namespace')))?.[1];
    expect(code).toContain("namespace: 'toolhive'");
    const file = path.join(dir, `.readme-groups-${process.pid}.ts`);
    await writeFile(file, code!.replace("namespace: 'toolhive'", `namespace: '${ns}'`));
    try {
      const { code: exitCode, out, err } = await runUntilThenTerminate(file, dir, env.kubeconfigPath, (o) => /^true$/m.test(o));
      expect(exitCode, `stderr:\n${err}`).toBe(0);
      expect(out).toBe("[ 'engineering: fetch time', 'research: papers' ]\ntrue\n");
      expect(err).toContain('groups now: engineering, research');
    } finally {
      await rm(file, { force: true });
    }
  }, 120_000);
});
