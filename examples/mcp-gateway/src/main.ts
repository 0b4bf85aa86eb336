/**
 * Runs the example gateway against a cluster:
 *   node --conditions=@vmcp/source examples/mcp-gateway/src/main.ts --namespace NS --group G [--port 8090]
 * Kube config from KUBECONFIG / ~/.kube/config / in-cluster. Ctrl-C stops it.
 */
import { parseArgs } from 'node:util';
import { KubeConfig } from '@kubernetes/client-node';
import { startGateway } from './start.ts';

const { values } = parseArgs({
  options: { namespace: { type: 'string' }, group: { type: 'string' }, host: { type: 'string' }, port: { type: 'string' } },
});
if (values.namespace === undefined || values.group === undefined) {
  console.error('usage: main.ts --namespace NS --group G [--host 127.0.0.1] [--port 8090]');
  process.exit(2);
}
const kubeConfig = new KubeConfig();
kubeConfig.loadFromDefault();
const gateway = await startGateway({
  kubeConfig,
  namespace: values.namespace,
  group: values.group,
  ...(values.host !== undefined ? { host: values.host } : {}),
  port: Number(values.port ?? 8090),
  pool: { logger: console },
});
gateway.pool.on('toolsChanged', ({ tools }) => console.log(`tools: ${tools.map((t) => t.name).join(', ') || '(none)'}`));
console.log(`MCP gateway for group ${values.group} in ${values.namespace}: ${gateway.url}`);
const stop = (): void => {
  void gateway.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
