/**
 * What the chart passes the container (flags and environment) is what the service accepts: the rendered args and
 * env, as the kubelet would resolve them in a pod of the release, go through the service's own configuration loader
 * (`loadConfig`), and come out as the ports, namespace, group, log settings and config file the values asked for, and
 * as the namespaces, groups and cap of `watch.*`.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Config } from '../src/config/load.ts';
import { podConfig } from './chart-pod-config.ts';
import { chartHelm, helmHome, one, renderer } from './chart-render.ts';
import { VALUE_SETS } from './chart-value-sets.ts';
import { HELM_VERSION } from './helm.ts';

const helm = chartHelm();
const haveHelm = helm !== undefined;

describe.skipIf(!haveHelm)(`the chart's container settings, read by the service (helm ${HELM_VERSION})`, () => {
  const { template } = renderer(helm!, helmHome());

  /** The pod's view: env resolved (fieldRef metadata.namespace = the release's), files mounted, in a cluster. */
  const configOf = async (values: object): Promise<Config> => podConfig(await template(values, 'release-ns'), 'release-ns');

  it('defaults: the three ports, the pod namespace, json logs, in-cluster', async () => {
    const config = await configOf({ group: 'engineering' });
    expect(config).toMatchObject({
      cluster: { kind: 'in-cluster' },
      namespace: 'release-ns',
      groupRef: 'engineering',
      listen: { port: 8080 },
      probeListen: { port: 8081 },
      metricsListen: { port: 9090 },
      logLevel: 'info',
      logFormat: 'json',
      maxSseClients: 100,
      readinessTimeoutMs: 5000,
      configFile: undefined,
    });
  }, 60_000);

  it('values: ports, watched namespace, log settings, workers, extraArgs winning over the environment', async () => {
    // The test value set with every escape hatch (chart-value-sets.ts), watching namespace team-a.
    const config = await configOf({ ...VALUE_SETS['everything']!.values, watchNamespace: 'team-a' });
    expect(config).toMatchObject({
      namespace: 'team-a',
      listen: { port: 8443 },
      probeListen: { port: 8444 },
      metricsListen: { port: 8445 },
      logLevel: 'debug',
      logFormat: 'text',
      workers: 8,
      maxSseClients: 200,
      readinessTimeoutMs: 10_000,
    });
  }, 60_000);

  it('watch.*: the flags read back as the namespaces, groups and cap the values ask for', async () => {
    const lists = await configOf({ watch: { namespaces: ['team-a', 'team-b'], groups: ['engineering', 'research'] } });
    expect(lists.watch).toEqual({ namespaces: ['team-a', 'team-b'], groups: ['engineering', 'research'], maxGroups: 100 });
    // Cluster mode: no pod namespace in the environment, which the service would refuse next to --all-namespaces.
    const cluster = await configOf({ watch: { allNamespaces: true, allGroups: true, maxGroups: 20 } });
    expect(cluster.watch).toEqual({ namespaces: 'all', groups: 'all', maxGroups: 20 });
    // Today's group value with a namespace list.
    const legacyGroup = await configOf({ group: 'engineering', watch: { namespaces: ['team-a', 'team-b'] } });
    expect(legacyGroup.watch).toEqual({ namespaces: ['team-a', 'team-b'], groups: ['engineering'], maxGroups: 100 });
    // One group of one namespace, however it is said, is today's mode.
    for (const values of [
      { group: 'engineering', watch: { namespaces: ['team-a'] } },
      { watch: { namespaces: ['team-a'], groups: ['engineering'] } },
      { group: 'team-a/engineering', watchNamespace: 'team-a' },
    ])
      expect(await configOf(values), JSON.stringify(values)).toMatchObject({ namespace: 'team-a', watch: undefined });
    expect((await configOf({ group: 'engineering' })).watch).toBeUndefined();
  }, 60_000);

  it('metrics off: no metrics listener; the vMCP config file: its groupRef', async () => {
    expect((await configOf({ group: 'engineering', metrics: { enabled: false } })).metricsListen).toBeUndefined();
    const fromFile = await configOf({ vmcpConfig: { groupRef: 'engineering', outgoingAuth: { source: 'discovered' } } });
    expect(fromFile).toMatchObject({ groupRef: 'engineering', configFile: '/etc/vmcp-watcher/config/config.yaml' });
    expect(
      parse((one(await template({ vmcpConfig: { groupRef: 'x' } }), 'ConfigMap')['data'] as Record<string, string>)['config.yaml']!),
    ).toEqual({
      groupRef: 'x',
    });
  }, 60_000);
});
