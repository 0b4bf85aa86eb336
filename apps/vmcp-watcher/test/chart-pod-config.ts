/**
 * The service's configuration as a pod of a chart release would load it: the rendered container's args and env
 * (fieldRef metadata.namespace resolved to the release's), the ConfigMap's file mounted, in a cluster, through the
 * service's own loader (`loadConfig`).
 */
import type { ManifestObject } from '@vmcp/demo';
import { SERVICE_ACCOUNT_NAMESPACE_FILE, SERVICE_ACCOUNT_TOKEN_FILE } from '../src/config/cluster-source.ts';
import { loadConfig, type Config } from '../src/config/load.ts';
import { watcherOf } from './chart-render.ts';

/** The configuration the watcher container of `objects` (rendered into `releaseNamespace`) runs with. */
export function podConfig(objects: ManifestObject[], releaseNamespace: string): Config {
  const container = watcherOf(objects);
  const env: Record<string, string> = { KUBERNETES_SERVICE_HOST: '10.0.0.1', KUBERNETES_SERVICE_PORT: '443' };
  for (const e of container.env) {
    if (e.value !== undefined) env[e.name] = e.value;
    else if ((e.valueFrom as { fieldRef?: { fieldPath: string } }).fieldRef?.fieldPath === 'metadata.namespace')
      env[e.name] = releaseNamespace;
    else throw new Error(`env ${e.name}: a source this test does not resolve`);
  }
  const configMap = objects.find((o) => o.kind === 'ConfigMap');
  const files: Record<string, string> = {
    [SERVICE_ACCOUNT_TOKEN_FILE]: 'token',
    [SERVICE_ACCOUNT_NAMESPACE_FILE]: releaseNamespace,
  };
  if (configMap !== undefined)
    files['/etc/vmcp-watcher/config/config.yaml'] = (configMap['data'] as Record<string, string>)['config.yaml']!;
  const result = loadConfig({ argv: container.args, env, readFile: (file) => files[file], homeDir: undefined });
  if (result.action !== 'run') throw new Error(`loadConfig: ${result.action}`);
  return result.config;
}
