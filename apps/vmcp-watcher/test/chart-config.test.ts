/**
 * What the chart passes the container (flags and environment) is what the service accepts: the rendered args and
 * env, as the kubelet would resolve them in a pod of the release, go through the service's own configuration loader
 * (`loadConfig`), and come out as the ports, namespace, group, log settings and config file the values asked for.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig, type Config } from '../src/config/load.ts';
import { SERVICE_ACCOUNT_NAMESPACE_FILE, SERVICE_ACCOUNT_TOKEN_FILE } from '../src/config/cluster-source.ts';
import { chartHelm, helmHome, one, renderer, watcherOf } from './chart-render.ts';
import { VALUE_SETS } from './chart-value-sets.ts';
import { HELM_VERSION } from './helm.ts';

const helm = chartHelm();
const haveHelm = helm !== undefined;

describe.skipIf(!haveHelm)(`the chart's container settings, read by the service (helm ${HELM_VERSION})`, () => {
  const { template } = renderer(helm!, helmHome());

  /** The pod's view: env resolved (fieldRef metadata.namespace = the release's), files mounted, in a cluster. */
  async function configOf(values: object): Promise<Config> {
    const objects = await template(values, 'release-ns');
    const container = watcherOf(objects);
    const env: Record<string, string> = { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' };
    for (const e of container.env) {
      if (e.value !== undefined) env[e.name] = e.value;
      else if ((e.valueFrom as { fieldRef?: { fieldPath: string } }).fieldRef?.fieldPath === 'metadata.namespace')
        env[e.name] = 'release-ns';
      else throw new Error(`env ${e.name}: a source this test does not resolve`);
    }
    const configMap = objects.find((o) => o.kind === 'ConfigMap');
    const files: Record<string, string> = { [SERVICE_ACCOUNT_TOKEN_FILE]: 'token', [SERVICE_ACCOUNT_NAMESPACE_FILE]: 'release-ns' };
    if (configMap !== undefined)
      files['/etc/vmcp-watcher/config/config.yaml'] = (configMap['data'] as Record<string, string>)['config.yaml']!;
    const result = loadConfig({ argv: container.args, env, readFile: (file) => files[file], homeDir: undefined });
    if (result.action !== 'run') throw new Error(`loadConfig: ${result.action}`);
    return result.config;
  }

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
