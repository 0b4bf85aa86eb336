/**
 * The "ours" peer: vmcp-watcher's `BackendWatcher` feeding a `DynamicRegistry`, as an embedding gateway would run
 * it (the packages, nothing of the bench in between). Bundled into one file with the service's build settings by
 * the bench's build and started with Node's compile cache, as the service is. Protocol: ./protocol.ts.
 */
// Static imports, as the service has them: they let the bundler drop what is never used (most of client-node).
import { errorMessage } from '@vmcp/core';
import { KubeConfig } from '@kubernetes/client-node';
import { BackendWatcher } from '@vmcp/kube-watcher';
import { createDynamicRegistry } from '@vmcp/registry';
import { emit, epochMs, parsePeerArgv, serveCommands, seqOf } from './protocol.ts';

const args = parsePeerArgv(process.argv.slice(2));
const kubeConfig = new KubeConfig();
kubeConfig.loadFromFile(args.kubeconfig);
const registry = createDynamicRegistry();
let complete = false;
registry.subscribe((event) => {
  const at = epochMs();
  if (args.seqKey !== '' && event.type === 'upsert') {
    const seq = seqOf(event.backend.metadata, args.seqKey);
    if (seq !== undefined) emit({ ev: 'seq', at, seq });
  }
  if (!complete && args.expect > 0 && registry.count() >= args.expect) {
    complete = true;
    emit({ ev: 'complete', at, count: registry.count() });
  }
});
const warn = (msg: string, fields?: Record<string, unknown>): void =>
  void process.stderr.write(`[ours] ${msg} ${fields ? JSON.stringify(fields) : ''}\n`);
const quiet = (): void => undefined;
const watcher = new BackendWatcher({
  kubeConfig,
  namespace: args.namespace,
  groupRef: args.group,
  registry,
  logger: { debug: quiet, info: quiet, warn, error: warn },
});
emit({ ev: 'watcherStart', at: epochMs() });
const running = watcher.start();
void watcher.waitForCacheSync().then((ok) => {
  if (ok) emit({ ev: 'synced', at: epochMs() });
});
serveCommands(() => {
  void watcher.stop().then(() => process.exit(0));
});
await running.catch((err: unknown) => {
  process.stderr.write(`[ours] watcher failed: ${errorMessage(err)}\n`);
  process.exit(1);
});
