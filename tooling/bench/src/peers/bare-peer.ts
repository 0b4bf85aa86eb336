/**
 * The "bare" peer: what any watcher must do at minimum — list (paginated, 500 per page) and watch the resources of
 * the discoverer's watch plan over the same `node:https` stack — and nothing but decode the JSON and hold the
 * decoded objects by name (what a plain informer store keeps). Protocol: ./protocol.ts.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { kubernetesWatchPlan } from '@vmcp/discoverer';
import * as bare from '../baseline/bare-client.ts';
import { KubeHttpClient } from '@vmcp/kube-watcher';
import { emit, epochMs, parsePeerArgv, serveCommands, seqOf } from './protocol.ts';

const args = parsePeerArgv(process.argv.slice(2));
const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(args.kubeconfig);
const client = new KubeHttpClient(kubeConfig, { userAgent: 'vmcp-bench' });
const targets = kubernetesWatchPlan({ group: args.group }).kinds.map((k) => ({
  resource: k.resource,
  ...(k.metadataOnly === true ? { metadataOnly: true } : {}),
}));
emit({ ev: 'watcherStart', at: epochMs() });
const stores = targets.map(() => new Map<string, unknown>());
const handles: { close(): void }[] = [];
const nameOf = (o: Record<string, unknown>): string => String((o['metadata'] as { name?: unknown } | undefined)?.name);
const lists = await bare.listEverything(client, args.namespace, targets);
const servers = targets.findIndex((t) => t.resource.kind === 'MCPServer');
for (const [i, list] of lists.entries()) for (const item of list.items) stores[i]?.set(nameOf(item), item);
const at = epochMs();
if (args.expect > 0 && (stores[servers]?.size ?? 0) >= args.expect) emit({ ev: 'complete', at, count: stores[servers]?.size ?? 0 });
emit({ ev: 'synced', at });
for (const [i, target] of targets.entries()) {
  const store = stores[i] as Map<string, unknown>;
  const handle = await bare.watchFrom(client, args.namespace, target, lists[i]?.resourceVersion ?? '', (event) => {
    if (event.type === 'BOOKMARK' || event.type === 'ERROR') return;
    if (event.type === 'DELETED') store.delete(nameOf(event.object));
    else store.set(nameOf(event.object), event.object);
    if (args.seqKey !== '' && event.type === 'MODIFIED') {
      const seq = seqOf((event.object['metadata'] as { annotations?: unknown } | undefined)?.annotations, args.seqKey);
      if (seq !== undefined) emit({ ev: 'seq', at: epochMs(), seq });
    }
  });
  handle.done.catch((err: unknown) => process.stderr.write(`[bare] watch ended: ${String(err)}\n`));
  handles.push(handle);
}
serveCommands(() => {
  for (const h of handles) h.close();
  process.exit(0);
});
