/**
 * The chart's `watch.*` values end to end on the real API server: `helm install`, then the service started with the
 * namespaces and groups its rendered container asks for (the args through the service's own loader), as the
 * release's ServiceAccount (a TokenRequest token), so the chart's Roles or ClusterRole are all it has.
 * - `watch.namespaces: [a, b]`: both namespaces' groups served and ready; the same ServiceAccount asked to watch a
 *   third namespace, where the chart made no Role, reports that one forbidden by name and still serves a and b.
 * - `watch.allGroups`: every MCPGroup of the namespace served, which needs the `watch` on MCPGroups the chart adds in
 *   that mode (a release for named groups, whose Role only lists them, is refused: the control).
 * - `watch.allNamespaces` + `watch.allGroups`: a namespace holding MCPGroups is served, one made after the start too.
 */
import { crdDirectory } from '@vmcp/api';
import { applyExamples } from '@vmcp/demo';
import { describeIntegration, useEnvtest } from '@vmcp/envtest/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { createKubeWatcherSet } from '../src/cluster/kube-watcher-set.ts';
import type { WatchTargets } from '../src/config/load.ts';
import type { BackendListResponse, GroupListResponse } from '../src/index.ts';
import { createLogger } from '../src/observe/logger.ts';
import { startSetAgainstCluster, type RunningGroupService } from '../src/run-set.ts';
import { helmInstall } from './chart-access.ts';
import { podConfig } from './chart-pod-config.ts';
import { chartHelm, helmHome, renderer } from './chart-render.ts';
import { HELM_VERSION } from './helm.ts';
import { clusterConfig } from './helpers.ts';
import { clientOf, EXPECTED, getJson, until } from './kube-fixtures.ts';
import { tokenKubeConfig } from './token-kubeconfig.ts';

const helm = chartHelm();
const haveHelm = helm !== undefined;
const home = helmHome();
const ALL_SERVED = EXPECTED.served.map((s) => s.id).sort();

describeIntegration("Helm chart: watch.* values run the service with the release's own RBAC", () => {
  const env = useEnvtest({ crds: [crdDirectory] });
  const running: RunningGroupService[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.service.shutdown()));
  });

  /** Installs the chart and returns the watch targets its container asks for. */
  async function install(release: string, ns: string, values: object): Promise<WatchTargets> {
    await helmInstall(helm!, home, env.kubeconfigPath, release, ns, values);
    const { watch } = podConfig(await renderer(helm!, home).template(values, ns, release), ns);
    if (watch === undefined) throw new Error(`${JSON.stringify(values)}: rendered today's one-group mode`);
    return watch;
  }

  /** The service of several groups as ServiceAccount `ns/serviceAccount`. */
  async function runAs(ns: string, serviceAccount: string, watch: WatchTargets): Promise<RunningGroupService> {
    const kc = await tokenKubeConfig(env, home, ns, serviceAccount);
    const config = { ...clusterConfig(kc.kubeconfigPath, ns, { readinessTimeoutMs: 500 }), watch };
    const run = await startSetAgainstCluster(config, kc, createLogger({ level: 'error', write: () => {} }), createKubeWatcherSet);
    running.push(run);
    return run;
  }

  const servedIds = async (run: RunningGroupService, ns: string, group: string): Promise<string[]> =>
    (await getJson<BackendListResponse>(`${run.url}api/v1/namespaces/${ns}/groups/${group}/backends`)).backends.map((b) => b.id).sort();
  /** A group's backend ids once `/api/v1/groups` lists it synced. */
  async function syncedIds(run: RunningGroupService, ns: string, group: string): Promise<string[]> {
    await until(
      () => getJson<GroupListResponse>(`${run.url}api/v1/groups`),
      (l) => l.groups.some((g) => g.namespace === ns && g.group === group && g.synced),
      60_000,
      `${ns}/${group} served`,
    );
    return servedIds(run, ns, group);
  }
  const pairs = (list: GroupListResponse): string[] => list.groups.map((g) => `${g.namespace}/${g.group}`);

  describe.skipIf(!haveHelm)(`with helm ${HELM_VERSION}`, () => {
    it('watch.namespaces [a, b]: both served as the release ServiceAccount; a third namespace without a Role is reported, not fatal', async () => {
      const release = await env.newNamespace('svc-list');
      const [a, b, c] = [await env.newNamespace('svc-a'), await env.newNamespace('svc-b'), await env.newNamespace('svc-c')];
      for (const ns of [a, b, c]) await applyExamples(clientOf(env.kubeConfig), ns);
      const watch = await install('teams', release, { watch: { namespaces: [a, b], groups: ['engineering', 'research'] } });
      expect(watch).toEqual({ namespaces: [a, b], groups: ['engineering', 'research'], maxGroups: 100 });

      const run = await runAs(release, 'teams-vmcp-watcher', watch);
      const list = await until(
        () => getJson<GroupListResponse>(`${run.url}api/v1/groups`),
        (l) => l.synced && l.groups.length === 4,
        60_000,
        'four groups synced',
      );
      expect(pairs(list)).toEqual([`${a}/engineering`, `${a}/research`, `${b}/engineering`, `${b}/research`]);
      expect(list.namespaces).toEqual([
        { namespace: a, access: 'ok' },
        { namespace: b, access: 'ok' },
      ]);
      for (const ns of [a, b]) expect(await servedIds(run, ns, 'engineering'), ns).toEqual(ALL_SERVED);
      expect((await fetch(`${run.probesUrl}readyz`)).status).toBe(200);

      // The same ServiceAccount told to watch c as well: the chart made no Role there.
      const wider = await runAs(release, 'teams-vmcp-watcher', { ...watch, namespaces: [a, b, c] });
      const partial = await until(
        () => getJson<GroupListResponse>(`${wider.url}api/v1/groups`),
        (l) => l.namespaces.some((n) => n.namespace === c && n.access === 'forbidden') && (l.groups.length === 4 || l.groups.length === 6),
        60_000,
        `${c} reported forbidden`,
      );
      expect(partial.namespaces.find((n) => n.namespace === c)).toMatchObject({ access: 'forbidden' });
      // a and b are served in full, and the forbidden namespace does not hold readiness.
      await until(
        () => fetch(`${wider.probesUrl}readyz`).then((r) => r.status),
        (status) => status === 200,
        60_000,
        'ready with one namespace forbidden',
      );
      for (const ns of [a, b]) expect(await servedIds(wider, ns, 'engineering'), ns).toEqual(ALL_SERVED);
      // c's groups, if listed, are not synced and serve nothing (fail closed).
      for (const g of partial.groups.filter((x) => x.namespace === c)) expect(g.synced, `${c}/${g.group}`).toBe(false);
    }, 180_000);

    it("watch.allGroups: the chart's Role adds watch on MCPGroups, which --all-groups needs (the named groups' Role is refused)", async () => {
      const release = await env.newNamespace('svc-all-groups');
      const team = await env.newNamespace('svc-team');
      await applyExamples(clientOf(env.kubeConfig), team);
      const watch = await install('follow', release, { watch: { namespaces: [team], allGroups: true } });
      expect(watch).toEqual({ namespaces: [team], groups: 'all', maxGroups: 100 });
      const run = await runAs(release, 'follow-vmcp-watcher', watch);
      const list = await until(
        () => getJson<GroupListResponse>(`${run.url}api/v1/groups`),
        (l) => l.synced && pairs(l).includes(`${team}/engineering`) && pairs(l).includes(`${team}/research`),
        60_000,
        'every MCPGroup of the namespace served',
      );
      expect(list.namespaces).toEqual([{ namespace: team, access: 'ok' }]);
      expect(await servedIds(run, team, 'engineering')).toEqual(ALL_SERVED);

      // Control: a release for named groups (its Role only lists MCPGroups) cannot follow them.
      const named = await env.newNamespace('svc-named');
      await helmInstall(helm!, home, env.kubeconfigPath, 'named', named, { watch: { namespaces: [team], groups: ['engineering'] } });
      const refused = await runAs(named, 'named-vmcp-watcher', { namespaces: [team], groups: 'all', maxGroups: 100 });
      await until(
        () => getJson<GroupListResponse>(`${refused.url}api/v1/groups`),
        (l) => l.namespaces.some((n) => n.namespace === team && n.access === 'forbidden'),
        60_000,
        `${team} forbidden without watch on mcpgroups`,
      );
    }, 180_000);

    it('watch.allNamespaces + watch.allGroups: every namespace holding an MCPGroup is served, one made after the start too', async () => {
      const release = await env.newNamespace('svc-cluster');
      const before = await env.newNamespace('svc-before');
      await applyExamples(clientOf(env.kubeConfig), before);
      const watch = await install('everywhere', release, { watch: { allNamespaces: true, allGroups: true, maxGroups: 20 } });
      expect(watch).toEqual({ namespaces: 'all', groups: 'all', maxGroups: 20 });

      const run = await runAs(release, 'everywhere-vmcp-watcher', watch);
      expect(await syncedIds(run, before, 'engineering')).toEqual(ALL_SERVED);

      const later = await env.newNamespace('svc-later');
      await applyExamples(clientOf(env.kubeConfig), later);
      expect(await syncedIds(run, later, 'engineering')).toEqual(ALL_SERVED);
      // Namespaces without an MCPGroup (the release's own) are not served.
      expect(pairs(await getJson<GroupListResponse>(`${run.url}api/v1/groups`)).some((p) => p.startsWith(`${release}/`))).toBe(false);
    }, 180_000);
  });
});
