/** Reads what the API server holds in the suite's namespace (full objects, Secrets included) for the oracle. */
import {
  MCPExternalAuthConfigResource,
  MCPRemoteProxyResource,
  MCPServerEntryResource,
  MCPServerResource,
  SecretResource,
} from '@vmcp/api';
import type { KubeHttpClient } from '@vmcp/kube-watcher';
import { listAll } from '../baseline/bare-client.ts';
import { retrying } from '../kube/objects.ts';
import type { Snapshot } from './oracle.ts';

export async function snapshot(client: KubeHttpClient, namespace: string): Promise<Snapshot> {
  const list = (resource: typeof MCPServerResource) => retrying(async () => (await listAll(client, namespace, { resource })).items);
  const [servers, proxies, entries, authConfigs, secrets] = await Promise.all([
    list(MCPServerResource),
    list(MCPRemoteProxyResource),
    list(MCPServerEntryResource),
    list(MCPExternalAuthConfigResource),
    list(SecretResource),
  ]);
  return { namespace, servers, proxies, entries, authConfigs, secrets };
}
