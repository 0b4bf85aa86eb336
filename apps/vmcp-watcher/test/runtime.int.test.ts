import { crdDirectory } from '@vmcp/api';
import { applyExamples } from '@vmcp/demo';
import { describeIntegration, useEnvtest } from '@vmcp/envtest/vitest';
import { expect, it } from 'vitest';
import { startCli, trackChildren } from './child.ts';
import { clientOf, until } from './kube-fixtures.ts';

const COMPACTED = 'memory compacted after the initial sync';

// The call site of src/runtime in the real service: one compaction, logged, after the initial sync.
describeIntegration('the service compacts its heap once after the initial sync', () => {
  const env = useEnvtest({ crds: [crdDirectory] });
  const { running } = trackChildren();

  async function start(extraEnv: Record<string, string>, groups = 'engineering') {
    const ns = await env.newNamespace('runtime');
    await applyExamples(clientOf(env.kubeConfig), ns);
    const proc = startCli(['--namespace', ns, '--group', groups, '--listen', '127.0.0.1:0'], {
      KUBECONFIG: env.kubeconfigPath,
      ...extraEnv,
    });
    running.push(proc);
    const probes = await proc.probesUrl();
    await until(
      async () => (await fetch(`${probes}/readyz`)).status,
      (status) => status === 200,
      60_000,
      'readiness',
    );
    return proc;
  }

  it('logs the compaction with RSS before and after, once ready', async () => {
    const proc = await start({});
    const line = await proc.waitForLog((l) => l['msg'] === COMPACTED, 30_000);
    expect(line).toMatchObject({ level: 'info', component: 'runtime' });
    expect(line['rssBeforeMiB']).toEqual(expect.any(Number));
    expect(line['rssAfterMiB']).toEqual(expect.any(Number));
    expect(proc.stdout.join('').split(COMPACTED)).toHaveLength(2); // exactly once
  }, 60_000);

  it('compacts once in a service of several groups too, after the set is synced', async () => {
    const proc = await start({}, 'engineering,research');
    await proc.waitForLog((l) => l['msg'] === COMPACTED, 30_000);
    expect(proc.stdout.join('').split(COMPACTED)).toHaveLength(2);
  }, 60_000);

  it('does not compact with VMCP_COMPACT_AFTER_SYNC=false', async () => {
    const proc = await start({ VMCP_COMPACT_AFTER_SYNC: 'false' });
    // The positive control above sees the line within moments of readiness; give this one the same and more.
    await new Promise((r) => setTimeout(r, 3000));
    expect(proc.stdout.join('')).toContain('"msg":"serving"');
    expect(proc.stdout.join('')).not.toContain(COMPACTED);
  }, 60_000);
});
