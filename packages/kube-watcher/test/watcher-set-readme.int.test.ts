/**
 * The README's WatcherSet example, run as a user would (plain node, KUBECONFIG pointing at a real API server): it
 * prints each served (namespace, group) with its complete backend count, then stops on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { crdDirectory } from '@vmcp/api';
import { describeIntegration, useEnvtest } from '@vmcp/envtest/vitest';
import { expect, it } from 'vitest';
import { Kube, serverSpec } from './helpers/kube.ts';

const dir = path.resolve(import.meta.dirname, '..');

async function watcherSetExample(): Promise<string> {
  const readme = await readFile(path.join(dir, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Many namespaces'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (code === undefined) throw new Error('no ts block under ## Many namespaces');
  return code;
}

describeIntegration('README WatcherSet example', () => {
  const env = useEnvtest({ crds: [crdDirectory] });

  it('prints every served group with all its backends once waitForCacheSync() resolves, and stops on SIGTERM', async () => {
    const ns = await env.newNamespace('readme-set');
    const kube = new Kube(env.kubeConfig, ns);
    for (let i = 0; i < 12; i++) {
      await kube.create('mcpservers', 'MCPServer', `srv-${i}`, serverSpec('engineering'), { url: `http://srv-${i}:8080`, phase: 'Ready' });
    }
    await kube.create('mcpservers', 'MCPServer', 'elsewhere', serverSpec('research'), { url: 'http://elsewhere:8080', phase: 'Ready' });

    const code = await watcherSetExample();
    expect(code).toContain("namespaces: ['toolhive']");
    const file = path.join(dir, `.readme-watcher-set-${process.pid}.ts`);
    await writeFile(file, code.replace("namespaces: ['toolhive']", `namespaces: ['${ns}']`));
    try {
      const child = spawn(process.execPath, ['--conditions=@vmcp/source', file], {
        cwd: dir,
        env: { PATH: process.env['PATH'] ?? '', HOME: '/nonexistent-home', KUBECONFIG: env.kubeconfigPath },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
      const deadline = Date.now() + 60_000;
      while (!out.includes('backends') && Date.now() < deadline && child.exitCode === null) await sleep(50);
      child.kill('SIGTERM');
      expect(await exited, `stderr:\n${err}`).toBe(0);
      expect(out).toContain(`[ '${ns}/engineering: 12 backends' ]`);
    } finally {
      await rm(file, { force: true });
    }
  }, 120_000);
});
