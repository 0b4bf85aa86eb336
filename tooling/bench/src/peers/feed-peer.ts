/**
 * The "feed replica" peer: what a gateway replica on the registry feed holds: a `RegistryFeed` (`@vmcp/registry-feed`)
 * reading one vmcp-watcher's feed over TLS with a ServiceAccount token, no Kubernetes client. Same protocol as the
 * other peers (./protocol.ts); `complete` and `seq` come from the feed's registry events.
 *
 * argv: the peers' common flags, plus `-url <watcher base URL> -token-file <file> -ca-file <file>`.
 */
import { RegistryFeed } from '@vmcp/registry-feed';
import { emit, epochMs, serveCommands, seqOf } from './protocol.ts';

const flags = new Map<string, string>();
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) flags.set(String(argv[i]).replace(/^-+/, ''), String(argv[i + 1] ?? ''));
const need = (k: string): string => {
  const v = flags.get(k);
  if (v === undefined || v === '') throw new Error(`feed peer: -${k} is required`);
  return v;
};
const expect = Number(flags.get('expect') ?? '0');
const seqKey = flags.get('seq-key') ?? '';
const warn = (msg: string, fields?: Record<string, unknown>): void =>
  void process.stderr.write(`[feed] ${msg} ${fields ? JSON.stringify(fields) : ''}\n`);
const quiet = (): void => undefined;
const feed = new RegistryFeed({
  url: need('url'),
  token: need('token-file'),
  caFile: need('ca-file'),
  logger: { debug: quiet, info: quiet, warn, error: warn },
});
let complete = false;
feed.subscribe((event) => {
  const at = epochMs();
  if (seqKey !== '' && event.type === 'upsert') {
    const seq = seqOf(event.backend.metadata, seqKey);
    if (seq !== undefined) emit({ ev: 'seq', at, seq });
  }
  if (!complete && expect > 0 && feed.count() >= expect) {
    complete = true;
    emit({ ev: 'complete', at, count: feed.count() });
  }
});
emit({ ev: 'watcherStart', at: epochMs() });
feed.start();
void feed.waitForSync().then(() => emit({ ev: 'synced', at: epochMs() }));
serveCommands(() => {
  void feed.close().then(() => process.exit(0));
});
