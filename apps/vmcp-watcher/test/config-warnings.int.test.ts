/**
 * A probable misconfiguration is visible in one look at the log, the probes, /status, the event stream and
 * /metrics, and holds nothing: /readyz still turns 200. The positive control is the same namespace with the
 * right group: no warning anywhere.
 */
import { crdDirectory } from '@vmcp/api';
import { applyExamples } from '@vmcp/demo';
import { describeIntegration, useEnvtest } from '@vmcp/envtest/vitest';
import { afterEach, expect, it } from 'vitest';
import type { StatusEvent, StatusResponse } from '../src/index.ts';
import { createLogger } from '../src/observe/logger.ts';
import { startAgainstCluster, type RunningService } from '../src/run.ts';
import { clusterConfig, openEvents } from './helpers.ts';
import { clientOf, getJson, until } from './kube-fixtures.ts';

describeIntegration('configuration warnings', () => {
  const env = useEnvtest({ crds: [crdDirectory] });
  const running: RunningService[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.service.shutdown()));
  });

  async function start(namespace: string, groupRef: string): Promise<{ run: RunningService; logs: string[] }> {
    const logs: string[] = [];
    const config = clusterConfig(env.kubeconfigPath, namespace, { groupRef, readinessTimeoutMs: 500 });
    const run = await startAgainstCluster(config, env.kubeConfig, createLogger({ level: 'debug', write: (l) => logs.push(l) }));
    running.push(run);
    return { run, logs };
  }

  const metric = async (run: RunningService, warning: string): Promise<string | undefined> =>
    (await (await fetch(`${run.metricsUrl}metrics`)).text())
      .split('\n')
      .find((l) => l.startsWith(`vmcp_config_warnings{warning="${warning}"}`));

  it('a misspelt group: warned in the log, /readyz?verbose, /status, the status event and the metric; ready all the same', async () => {
    const ns = await env.newNamespace('typo');
    await applyExamples(clientOf(env.kubeConfig), ns);
    const { run, logs } = await start(ns, 'enginering');
    const status = await until(
      () => getJson<StatusResponse>(`${run.url}status`),
      (s) => s.synced && s.warnings.length === 2,
      30_000,
      'synced with two warnings',
    );
    expect(status.warnings.map((w) => w.code)).toEqual(['group_missing', 'all_out_of_group']);
    expect(status.warnings[0]!.message).toContain('did you mean engineering?');
    expect(status.warnings[1]!.message).toMatch(
      /^every object in namespace "[^"]+" \(\d+\) is out of group "enginering" \(engineering: \d+/,
    );
    // Readiness is not held (an empty group is legitimate); verbose readiness carries the warnings.
    const ready = await fetch(`${run.probesUrl}readyz?verbose`);
    expect(ready.status).toBe(200);
    expect(((await ready.json()) as { warnings: { code: string }[] }).warnings.map((w) => w.code)).toEqual([
      'group_missing',
      'all_out_of_group',
    ]);
    expect(await metric(run, 'group_missing')).toBe('vmcp_config_warnings{warning="group_missing"} 1');
    expect(await metric(run, 'all_out_of_group')).toBe('vmcp_config_warnings{warning="all_out_of_group"} 1');
    expect(await metric(run, 'namespace_missing')).toBe('vmcp_config_warnings{warning="namespace_missing"} 0');
    const warned = logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l['level'] === 'warn' && l['warning'] !== undefined);
    expect(warned.map((l) => l['warning'])).toEqual(expect.arrayContaining(['group_missing', 'all_out_of_group']));
    const stream = await openEvents(`${run.url}api/v1/events`);
    try {
      const event = await stream.waitFor((e) => e.event === 'status');
      expect((JSON.parse(event.data) as StatusEvent).warnings.map((w) => w.code)).toEqual(['group_missing', 'all_out_of_group']);
    } finally {
      stream.close();
    }

    // Positive control: the same namespace and the right group.
    const right = await start(ns, 'engineering');
    // Synced, and the cluster was asked (the check logs each round at debug): only then is "no warning" an answer.
    const fine = await until(
      () => getJson<StatusResponse>(`${right.run.url}status`),
      (s) => s.synced && right.logs.some((l) => l.includes('"msg":"configuration checked"')),
      30_000,
      'synced and checked',
    );
    expect(fine.warnings).toEqual([]);
    expect(await metric(right.run, 'group_missing')).toBe('vmcp_config_warnings{warning="group_missing"} 0');
  }, 120_000);

  it('a namespace that does not exist (admin credentials: lists there are empty, not refused)', async () => {
    const { run } = await start('no-such-namespace', 'engineering');
    const status = await until(
      () => getJson<StatusResponse>(`${run.url}status`),
      (s) => s.warnings.length > 0,
      30_000,
      'a warning',
    );
    expect(status.warnings).toEqual([{ code: 'namespace_missing', message: 'namespace "no-such-namespace" does not exist' }]);
    expect(await metric(run, 'namespace_missing')).toBe('vmcp_config_warnings{warning="namespace_missing"} 1');
  }, 60_000);
});
