/**
 * Runs the example gateway against a cluster:
 *   node --conditions=@vmcp/source examples/mcp-gateway/src/main.ts --namespace NS --group G [--port 8090]
 * Kube config from KUBECONFIG / ~/.kube/config / in-cluster. Or on the registry feed of one vmcp-watcher, with no
 * Kubernetes access of its own:
 *   … main.ts --feed https://vmcp-watcher.NS.svc:8080 --token-file /var/run/secrets/vmcp-watcher/token --ca-file ca.crt
 * Ctrl-C stops it.
 */
import { parseArgs } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { startFeedGateway } from './feed.ts';
import { startGateway } from './start.ts';

const { values } = parseArgs({
  options: {
    namespace: { type: 'string' },
    group: { type: 'string' },
    feed: { type: 'string' },
    'token-file': { type: 'string' },
    'ca-file': { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
  },
});
const feedMode = values.feed !== undefined;
if (feedMode ? values['token-file'] === undefined : values.namespace === undefined || values.group === undefined) {
  console.error('usage: main.ts --namespace NS --group G [--host 127.0.0.1] [--port 8090]');
  console.error('       main.ts --feed WATCHER_URL --token-file FILE [--ca-file FILE] [--host 127.0.0.1] [--port 8090]');
  process.exit(2);
}
const serve = { ...(values.host !== undefined ? { host: values.host } : {}), port: Number(values.port ?? 8090), pool: { logger: console } };
const gateway = feedMode
  ? await startFeedGateway({
      ...serve,
      feedUrl: values.feed!,
      tokenFile: values['token-file']!,
      ...(values['ca-file'] !== undefined ? { caFile: values['ca-file'] } : {}),
      feed: { logger: console },
    })
  : await startGateway({ ...serve, kubeConfig: kubeConfigFromDefault(), namespace: values.namespace!, group: values.group! });
gateway.pool.on('toolsChanged', ({ tools }) => console.log(`tools: ${tools.map((t) => t.name).join(', ') || '(none)'}`));
console.log(
  `MCP gateway ${feedMode ? `on the feed of ${values.feed!}` : `for group ${values.group!} in ${values.namespace!}`}: ${gateway.url}`,
);
const stop = (): void => {
  void gateway.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

function kubeConfigFromDefault(): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromDefault();
  return kubeConfig;
}
