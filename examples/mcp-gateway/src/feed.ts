/**
 * The gateway in feed mode: the registry comes from one vmcp-watcher's registry feed (`@vmcp/registry-feed`) instead
 * of a watcher of its own. No Kubernetes client: the gateway's ServiceAccount needs only the feed Role (`get` on
 * `mcpgroups/backends` of the group), no Secret access; any number of replicas share the watcher's one set of watches.
 */
import { RegistryFeed, type RegistryFeedOptions } from '@vmcp/registry-feed';
import { serveGateway, type RunningGateway, type ServeOptions } from './start.ts';

/** Options of {@link startFeedGateway}. */
export interface StartFeedGatewayOptions extends ServeOptions {
  /** The watcher's base URL (its `--listen` port over TLS), e.g. `https://vmcp-watcher.toolhive-system.svc:8080`. */
  feedUrl: string;
  /** A projected ServiceAccount token for the watcher's audience (re-read for every connection). */
  tokenFile: RegistryFeedOptions['token'];
  /** The CA bundle that signs the watcher's serving certificate. */
  caFile?: string;
  /** How long to wait for the first complete registry. Default 60 s. */
  syncTimeoutMs?: number;
  /** Passed to the feed client (backoff, what a 403 does, logger…). */
  feed?: Omit<RegistryFeedOptions, 'url' | 'token' | 'caFile'>;
}

/** A running gateway on the feed: the registry is the feed client (its `status()` says how fresh it is). */
export type RunningFeedGateway = Omit<RunningGateway, 'registry' | 'watcher'> & { registry: RegistryFeed };

/** RegistryFeed → BackendPool → MCP endpoint at `/mcp`; resolves once the feed has synced and the server listens. */
export async function startFeedGateway(options: StartFeedGatewayOptions): Promise<RunningFeedGateway> {
  const registry = new RegistryFeed({
    ...options.feed,
    url: options.feedUrl,
    token: options.tokenFile,
    ...(options.caFile === undefined ? {} : { caFile: options.caFile }),
  }).start();
  try {
    const served = await serveGateway(registry, options, () => registry.waitForSync({ timeoutMs: options.syncTimeoutMs ?? 60_000 }));
    return {
      ...served,
      registry,
      close: async () => {
        await served.close();
        await registry.close();
      },
    };
  } catch (error) {
    await registry.close();
    throw error;
  }
}
