/**
 * The service of several groups against a real kube-apiserver + etcd (@vmcp/envtest), through the production set
 * (`createKubeWatcherSet`): per-group paths, `/api/v1/groups`, readiness, today's paths refused, each group equal to
 * what today's one-group service serves for it (the oracle, in the same test), an MCPGroup that appears and goes
 * under `--all-groups`, and no planted secret in any answer.
 */
import { crdDirectory, MCPGroupResource, MCPServerResource } from '@vmcp/api';
import { applyExamples } from '@vmcp/demo';
import { describeIntegration, useEnvtest } from '@vmcp/envtest/vitest';
import { createObject, createWithStatus, deleteObject } from '@vmcp/kube-watcher/testing';
import { afterEach, expect, it } from 'vitest';
import { createKubeWatcherSet } from '../src/cluster/kube-watcher-set.ts';
import type { BackendListResponse, GroupListResponse } from '../src/index.ts';
import { createLogger } from '../src/observe/logger.ts';
import { startSetAgainstCluster, type RunningGroupService } from '../src/run-set.ts';
import { startAgainstCluster, type RunningService } from '../src/run.ts';
import type { WatchTargets } from '../src/config/load.ts';
import { startCli, trackChildren } from './child.ts';
import { clusterConfig, openEvents, PLANTED_SECRETS, type SseClient } from './helpers.ts';
import { clientOf, deployRole, EXPECTED, getJson, grant, until } from './kube-fixtures.ts';
import type { KubeConfig } from '@kubernetes/client-node';

describeIntegration('a service of several groups on a real API server', () => {
  const env = useEnvtest({ crds: [crdDirectory] });
  const children = trackChildren();
  const running: { service: { shutdown(): Promise<void> } }[] = [];
  const clients: SseClient[] = [];
  const logs: string[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await Promise.all(running.splice(0).map((r) => r.service.shutdown()));
    logs.length = 0;
  });
  const logger = () => createLogger({ level: 'debug', write: (l) => logs.push(l) });

  async function startSet(
    namespace: string,
    watch: WatchTargets,
    as?: { kubeConfig: KubeConfig; path: string },
  ): Promise<RunningGroupService> {
    const config = { ...clusterConfig(as?.path ?? env.kubeconfigPath, namespace, { readinessTimeoutMs: 500 }), watch };
    const run = await startSetAgainstCluster(config, as?.kubeConfig ?? env.kubeConfig, logger(), createKubeWatcherSet);
    running.push(run);
    return run;
  }

  async function startOne(namespace: string, groupRef: string): Promise<RunningService> {
    const run = await startAgainstCluster(clusterConfig(env.kubeconfigPath, namespace, { groupRef }), env.kubeConfig, logger());
    running.push(run);
    return run;
  }

  const ids = (page: BackendListResponse): string[] => page.backends.map((b) => b.id);

  it(
    "serves two groups of a namespace on their paths, each equal to a one-group service of it; today's paths 409",
    { timeout: 60_000 },
    async () => {
      const ns = await env.newNamespace('two-groups');
      await applyExamples(clientOf(env.kubeConfig), ns);
      const set = await startSet(ns, { namespaces: [ns], groups: ['engineering', 'research'], maxGroups: 100 });
      const groups = await until(
        () => getJson<GroupListResponse>(`${set.url}api/v1/groups`),
        (g) => g.synced && g.groups.length === 2,
        30_000,
        'both groups synced',
      );
      expect(groups.todayPaths).toBe(false);
      expect(groups.groups.map((g) => g.group)).toEqual(['engineering', 'research']);
      expect(groups.namespaces).toEqual([{ namespace: ns, access: 'ok' }]);
      expect((await fetch(`${set.probesUrl}readyz`)).status).toBe(200);

      const base = `${set.url}api/v1/namespaces/${ns}/groups`;
      const engineering = await getJson<BackendListResponse>(`${base}/engineering/backends`);
      expect(ids(engineering).sort()).toEqual(EXPECTED.served.map((s) => s.id).sort());
      // The oracle: today's one-group service of each group, in the same namespace, serves the same backends.
      for (const group of ['engineering', 'research']) {
        const one = await startOne(ns, group);
        await until(
          () => getJson<{ synced: boolean }>(`${one.url}status`),
          (s) => s.synced,
          30_000,
          `${group} alone synced`,
        );
        const alone = await getJson<BackendListResponse>(`${one.url}api/v1/backends`);
        const served = await getJson<BackendListResponse>(`${base}/${group}/backends`);
        expect(served.backends, group).toEqual(alone.backends);
        // A one-group service also lists the other group's objects as `out-of-group`; a served group lists its own.
        const own = (page: BackendListResponse): string[] => page.excluded.filter((e) => e.code !== 'out-of-group').map((e) => e.name);
        expect(own(served), group).toEqual(own(alone));
        expect(own(served).length + served.backends.length, group).toBeGreaterThan(0);
      }

      const refused = await fetch(`${set.url}api/v1/backends`);
      expect(refused.status).toBe(409);
      expect(((await refused.json()) as { groups: string }).groups).toBe('/api/v1/groups');
      expect((await fetch(`${base}/nope/backends`)).status).toBe(404);

      // A change reaches its group's stream only.
      const events = await openEvents(`${base}/research/events`);
      clients.push(events);
      await events.waitFor((e) => e.event === 'reset');
      await createWithStatus(clientOf(env.kubeConfig), MCPServerResource, ns, {
        apiVersion: 'toolhive.stacklok.dev/v1beta1',
        kind: 'MCPServer',
        metadata: { name: 'research-newcomer' },
        spec: { image: 'example/x:1', transport: 'streamable-http', proxyPort: 8080, groupRef: { name: 'research' } },
        status: { url: 'http://mcp-research-newcomer-proxy:8080', phase: 'Ready' },
      });
      const upsert = await events.waitFor((e) => e.event === 'upsert', 20_000);
      expect(JSON.parse(upsert.data)).toMatchObject({ id: 'research-newcomer' });
      expect(ids(await getJson<BackendListResponse>(`${base}/engineering/backends`))).not.toContain('research-newcomer');

      const metrics = await (await fetch(`${set.metricsUrl}metrics`)).text();
      expect(metrics).toMatch(
        new RegExp(`^vmcp_group_backends\\{watched_namespace="${ns}",group="engineering"\\} ${EXPECTED.served.length}$`, 'm'),
      );
      expect(metrics).toMatch(/^vmcp_cache_synced 1$/m);
      // No planted secret anywhere (the examples plant them in engineering's backends).
      const outputs = [events.raw, metrics, logs.join('\n'), JSON.stringify(engineering), JSON.stringify(groups)];
      outputs.push(await (await fetch(`${base}/engineering/status`)).text(), await (await fetch(`${base}/engineering/changes`)).text());
      for (const output of outputs) for (const secret of PLANTED_SECRETS) expect(output.includes(secret)).toBe(false);
    },
  );

  it('under --all-groups serves an MCPGroup that appears, and ends its streams when it goes', { timeout: 60_000 }, async () => {
    const ns = await env.newNamespace('all-groups');
    await applyExamples(clientOf(env.kubeConfig), ns);
    const set = await startSet(ns, { namespaces: [ns], groups: 'all', maxGroups: 100 });
    await until(
      () => getJson<GroupListResponse>(`${set.url}api/v1/groups`),
      (g) => g.synced && g.groups.map((x) => x.group).join() === 'engineering,research',
      30_000,
      'the example groups served',
    );
    const admin = clientOf(env.kubeConfig);
    await createObject(admin, MCPGroupResource, ns, {
      apiVersion: 'toolhive.stacklok.dev/v1beta1',
      kind: 'MCPGroup',
      metadata: { name: 'late' },
      spec: {},
    });
    await createWithStatus(admin, MCPServerResource, ns, {
      apiVersion: 'toolhive.stacklok.dev/v1beta1',
      kind: 'MCPServer',
      metadata: { name: 'late-server' },
      spec: { image: 'example/x:1', transport: 'streamable-http', proxyPort: 8080, groupRef: { name: 'late' } },
      status: { url: 'http://mcp-late-server-proxy:8080', phase: 'Ready' },
    });
    const base = `${set.url}api/v1/namespaces/${ns}/groups/late`;
    await until(
      () => getJson<BackendListResponse>(`${base}/backends`),
      (page) => Array.isArray(page.backends) && ids(page).includes('late-server'),
      30_000,
      'the late group served',
    );
    const events = await openEvents(`${base}/events`);
    clients.push(events);
    await events.waitFor((e) => e.event === 'reset');
    await deleteObject(admin, MCPGroupResource, ns, 'late');
    const end = await events.waitFor((e) => e.event === 'end', 30_000);
    expect(JSON.parse(end.data)).toMatchObject({ reason: 'group_removed', namespace: ns, group: 'late' });
    expect((await fetch(`${base}/backends`)).status).toBe(404);
    const after = await getJson<GroupListResponse>(`${set.url}api/v1/groups`);
    expect(after.groups.map((g) => g.group)).toEqual(['engineering', 'research']);
  });

  it(
    'serves 2 namespaces × 2 groups as a user forbidden in a third, which is reported by name and holds nothing',
    { timeout: 60_000 },
    async () => {
      const namespaces = [await env.newNamespace('set-a'), await env.newNamespace('set-b'), await env.newNamespace('set-locked')];
      const [a, b, locked] = namespaces as [string, string, string];
      for (const ns of namespaces) await applyExamples(clientOf(env.kubeConfig), ns);
      const name = `vmcp-set-${a}`;
      const user = await env.addUser({ name });
      for (const ns of [a, b]) await grant(env.kubeConfig, ns, name, deployRole().rules);
      const set = await startSet(
        a,
        { namespaces, groups: ['engineering', 'research'], maxGroups: 100 },
        { kubeConfig: user, path: user.kubeconfigPath },
      );

      await until(
        () => fetch(`${set.probesUrl}readyz`).then((r) => r.status),
        (status) => status === 200,
        60_000,
        'ready without the locked namespace',
      );
      const groups = await getJson<GroupListResponse>(`${set.url}api/v1/groups`);
      const lockedEntry = groups.namespaces.find((n) => n.namespace === locked);
      expect(lockedEntry?.access).toBe('forbidden');
      expect(lockedEntry?.message).toContain(locked);
      const servedHere = groups.groups.filter((g) => g.namespace !== locked);
      expect(servedHere.map((g) => `${g.namespace}/${g.group}:${g.synced}`)).toEqual([
        `${a}/engineering:true`,
        `${a}/research:true`,
        `${b}/engineering:true`,
        `${b}/research:true`,
      ]);
      // Fail closed per group: whatever the locked namespace shows, none of it is synced.
      expect(groups.groups.filter((g) => g.namespace === locked).every((g) => !g.synced)).toBe(true);
      for (const ns of [a, b]) {
        const page = await getJson<BackendListResponse>(`${set.url}api/v1/namespaces/${ns}/groups/engineering/backends`);
        expect(ids(page).sort(), ns).toEqual(EXPECTED.served.map((s) => s.id).sort());
      }
      const verbose = await getJson<{ namespaces: { namespace: string; access: string }[] }>(`${set.probesUrl}readyz?verbose`);
      expect(verbose.namespaces.find((n) => n.namespace === locked)?.access).toBe('forbidden');
      const metrics = await (await fetch(`${set.metricsUrl}metrics`)).text();
      expect(metrics).toMatch(new RegExp(`^vmcp_namespace_access\\{watched_namespace="${locked}",access="forbidden"\\} 1$`, 'm'));
      expect(metrics).toMatch(new RegExp(`^vmcp_namespace_access\\{watched_namespace="${a}",access="ok"\\} 1$`, 'm'));
    },
  );

  it('runs from the command line with --namespace a,b --group g1,g2', { timeout: 90_000 }, async () => {
    const [a, b] = [await env.newNamespace('cli-set-a'), await env.newNamespace('cli-set-b')];
    for (const ns of [a, b]) await applyExamples(clientOf(env.kubeConfig), ns);
    const proc = startCli(['--namespace', `${a},${b}`, '--group', 'engineering,research', '--listen', '127.0.0.1:0'], {
      KUBECONFIG: env.kubeconfigPath,
    });
    children.running.push(proc);
    const url = await proc.url();
    const groups = await until(
      () => getJson<GroupListResponse>(`${url}/api/v1/groups`),
      (g) => g.synced && g.groups.length === 4,
      60_000,
      'four groups synced',
    );
    expect(groups.groups.map((g) => `${g.namespace}/${g.group}`)).toEqual([
      `${a}/engineering`,
      `${a}/research`,
      `${b}/engineering`,
      `${b}/research`,
    ]);
    expect((await fetch(`${url}/api/v1/backends`)).status).toBe(409);
    const page = await getJson<BackendListResponse>(`${url}/api/v1/namespaces/${b}/groups/engineering/backends`);
    expect(ids(page).sort()).toEqual(EXPECTED.served.map((s) => s.id).sort());
    expect((await fetch(`${await proc.probesUrl()}/readyz`)).status).toBe(200);
  });

  it('serves --all-namespaces: a namespace with the group is served as it is created', { timeout: 60_000 }, async () => {
    const set = await startSet('unused', { namespaces: 'all', groups: ['engineering'], maxGroups: 100 });
    const ns = await env.newNamespace('cluster-mode');
    await applyExamples(clientOf(env.kubeConfig), ns);
    const groups = await until(
      () => getJson<GroupListResponse>(`${set.url}api/v1/groups`),
      (g) => g.groups.some((x) => x.namespace === ns && x.synced),
      45_000,
      'the new namespace served',
    );
    // Only the named group, in every namespace that has it (other tests' namespaces too, on a shared control plane).
    expect(groups.groups.every((g) => g.group === 'engineering')).toBe(true);
    const page = await getJson<BackendListResponse>(`${set.url}api/v1/namespaces/${ns}/groups/engineering/backends`);
    expect(ids(page).sort()).toEqual(EXPECTED.served.map((s) => s.id).sort());
    expect((await fetch(`${set.url}api/v1/namespaces/${ns}/groups/research/backends`)).status).toBe(404);
  });
});
