/**
 * The Role in deploy/ is enough, and every one of its rules is needed: the service runs as a user bound to the
 * Role (works), then to the Role minus one rule, for each rule (something specific breaks).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { crdDirectory } from '@vmcp/api';
import { describeIntegration, useEnvtest } from '@vmcp/envtest/vitest';
import { afterEach, expect, it } from 'vitest';
import type { BackendListResponse, StatusResponse } from '../src/index.ts';
import type { Config } from '../src/config/load.ts';
import { clusterConfig } from './helpers.ts';
import { ConfigMapResource } from '@vmcp/api';
import { applyExamples } from '@vmcp/demo';
import { getObject } from '@vmcp/kube-watcher';
import { patchObject } from '@vmcp/kube-watcher/testing';
import { createLogger } from '../src/observe/logger.ts';
import { startAgainstCluster, type RunningService } from '../src/run.ts';
import { EXPECTED, clientOf, deployRole, getJson, grant, until, type PolicyRule } from './kube-fixtures.ts';

const RULES = deployRole().rules;
const KIND_OF: Record<string, string> = {
  mcpremoteproxies: 'MCPRemoteProxy',
  mcpserverentries: 'MCPServerEntry',
  mcpexternalauthconfigs: 'MCPExternalAuthConfig',
  secrets: 'Secret',
  configmaps: 'ConfigMap',
};
const key = (r: PolicyRule): string => `${r.resources.join(',')}:${r.verbs.join(',')}`;

describeIntegration('least-privilege Role (deploy/role.yaml)', () => {
  const env = useEnvtest({ crds: [crdDirectory] });
  const services: RunningService[] = [];
  afterEach(async () => {
    await Promise.all(services.splice(0).map((s) => s.service.shutdown()));
  });

  /** A namespace with the examples, a user bound to `rules`, and the service running as that user. */
  async function runAs(
    rules: PolicyRule[],
    label: string,
    overrides: Partial<Config> = {},
  ): Promise<{ ns: string; url: string; running: RunningService; logs: string[] }> {
    const ns = await env.newNamespace(`rbac-${label}`);
    await applyExamples(clientOf(env.kubeConfig), ns);
    const name = `vmcp-${ns}`;
    const user = await env.addUser({ name });
    await grant(env.kubeConfig, ns, name, rules);
    const logs: string[] = [];
    const config = clusterConfig(user.kubeconfigPath, ns, { readinessTimeoutMs: 500, ...overrides });
    const running = await startAgainstCluster(config, user, createLogger({ level: 'debug', write: (l) => logs.push(l) }));
    services.push(running);
    return { ns, url: running.url.replace(/\/$/, ''), running, logs };
  }

  const served = (list: BackendListResponse): string[] => list.backends.map((b) => b.id).sort();
  const allServed = EXPECTED.served.map((s) => s.id).sort();

  it('the rules are exactly the ones the tests below prove', () => {
    expect(RULES.map(key)).toEqual([
      'mcpservers:list,watch',
      'mcpremoteproxies:list,watch',
      'mcpserverentries:list,watch',
      'mcpexternalauthconfigs:list,watch',
      'secrets:list,watch',
      'secrets:get',
      'configmaps:list,watch',
      'configmaps:get',
      'mcpgroups:list',
    ]);
  });

  it('the full Role works: synced, every expected backend served, and a changed CA bundle is picked up', async () => {
    const { ns, url } = await runAs(RULES, 'full');
    const list = await until(
      () => getJson<BackendListResponse>(`${url}/api/v1/backends`),
      (l) => l.synced && served(l).join() === allServed.join(),
      30_000,
      'all served',
    );
    expect(served(list)).toEqual(allServed);
    const before = list.backends.find((b) => b.id === 'internal-docs')!.caBundle!.bytes;
    await changeCaBundle(ns);
    await until(
      () => getJson<BackendListResponse>(`${url}/api/v1/backends`),
      (l) => l.backends.find((b) => b.id === 'internal-docs')?.caBundle?.bytes !== before,
      15_000,
      'CA bundle change seen',
    );
  }, 90_000);

  async function changeCaBundle(ns: string): Promise<void> {
    const admin = clientOf(env.kubeConfig);
    const cm = await getObject<{ data: Record<string, string> }>(admin, ConfigMapResource, ns, 'internal-ca');
    await patchObject(admin, ConfigMapResource, ns, 'internal-ca', { data: { 'ca.crt': `${cm.data['ca.crt']}\n` } });
  }

  const without = (k: string): PolicyRule[] => {
    const rules = RULES.filter((r) => key(r) !== k);
    expect(rules).toHaveLength(RULES.length - 1);
    return rules;
  };

  it('without list/watch on mcpservers the start-up check fails with a clear 403', async () => {
    await expect(runAs(without('mcpservers:list,watch'), 'no-servers')).rejects.toThrow(/may not list MCPServers.*403/);
  }, 60_000);

  // A missing permission holds the sync for every kind, including the required: false ones (MCPServerEntry,
  // ConfigMap): only a missing CRD (404) is tolerated, never a 403.
  for (const [k, label] of [
    ['mcpremoteproxies:list,watch', 'no-proxies'],
    ['mcpserverentries:list,watch', 'no-entries'],
    ['mcpexternalauthconfigs:list,watch', 'no-authcfg'],
    ['secrets:list,watch', 'no-secret-watch'],
    ['configmaps:list,watch', 'no-cm-watch'],
  ] as const) {
    it(`without ${k} the caches never sync (/readyz stays 503)`, async () => {
      const { url, logs, running } = await runAs(without(k), label);
      await sleep(2000);
      // Counted by kind and reason on the metrics port: the reason read from the API server's answer.
      const metrics = await (await fetch(`${running.metricsUrl}metrics`)).text();
      const kind = KIND_OF[k.split(':')[0]!];
      expect(metrics).toMatch(new RegExp(`^vmcp_watch_errors_total\\{kind="${kind}",reason="forbidden"\\} [1-9]`, 'm'));
      expect(metrics).not.toMatch(/^vmcp_watch_errors_total\{[^}]*reason="other"\}/m);
      const res = await fetch(`${url}/readyz`);
      expect(res.status).toBe(503);
      expect((await getJson<BackendListResponse>(`${url}/api/v1/backends`)).synced).toBe(false);
      // The error names the verb and the resource: the initial list is a streaming list, a "watch" request.
      expect(logs.join('\n')).toMatch(new RegExp(`watch ${k.split(':')[0]}\\b[^\\n]*403 Forbidden`));
    }, 60_000);
  }

  it('without get on secrets the backends whose auth needs a Secret are not served', async () => {
    const { url } = await runAs(without('secrets:get'), 'no-secret-get');
    const list = await until(
      () => getJson<BackendListResponse>(`${url}/api/v1/backends`),
      (l) => l.synced && served(l).includes('notion-proxy'),
      30_000,
      'synced',
    );
    expect(served(list)).not.toContain('fetch');
    expect(served(list)).not.toContain('github');
    const reasons = Object.fromEntries(list.excluded.map((e) => [e.name, e.code]));
    expect(reasons['fetch']).toBeDefined();
  }, 60_000);

  it('without get on configmaps the entry with a CA bundle is not served', async () => {
    const { url } = await runAs(without('configmaps:get'), 'no-cm-get');
    const list = await until(
      () => getJson<BackendListResponse>(`${url}/api/v1/backends`),
      (l) => l.synced && served(l).includes('partner-search'),
      30_000,
      'synced',
    );
    expect(served(list)).not.toContain('internal-docs');
    expect(list.excluded.find((e) => e.name === 'internal-docs')).toBeDefined();
  }, 60_000);

  it('with list on mcpgroups a misspelt group is named with the one that exists; without it that one warning is off', async () => {
    const misspelt = { groupRef: 'enginering' };
    const warningsOf = (s: StatusResponse): string[] => s.warnings.map((w) => w.code);
    const { url } = await runAs(RULES, 'group-typo', misspelt);
    const status = await until(
      () => getJson<StatusResponse>(`${url}/status`),
      (s) => warningsOf(s).includes('group_missing'),
      30_000,
      'group_missing',
    );
    expect(status.warnings.find((w) => w.code === 'group_missing')?.message).toBe(
      `no MCPGroup "enginering" in namespace "${status.namespace}"; did you mean engineering?`,
    );
    const { url: withoutUrl } = await runAs(without('mcpgroups:list'), 'no-groups', misspelt);
    const blind = await until(
      () => getJson<StatusResponse>(`${withoutUrl}/status`),
      (s) => s.synced && warningsOf(s).includes('all_out_of_group'),
      30_000,
      'synced with all_out_of_group',
    );
    // Everything else works: the sync, and the warning that needs no MCPGroup.
    expect(warningsOf(blind)).toEqual(['all_out_of_group']);
  }, 90_000);
});
