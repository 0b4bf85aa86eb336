import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { KubeConfig } from '@kubernetes/client-node';
import {
  BackendPool,
  createGatewayServer,
  type BackendPoolOptions,
  type GatewayServer,
  type GatewayServerOptions,
  type SubscribableRegistry,
} from '@vmcp/gateway';
import { BackendWatcher } from '@vmcp/kube-watcher';
import { createDynamicRegistry, type DynamicRegistry } from '@vmcp/registry';

/** Options of {@link startGateway}. */
export interface StartGatewayOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  /** The MCPGroup whose backends the gateway aggregates. */
  group: string;
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Passed to the pool (auth, conflict rule, health probes, failure handling, timeouts, metrics…). */
  pool?: Omit<BackendPoolOptions, 'registry'>;
  /** Passed to the gateway server (session idle timeout, session bound, server info…). */
  server?: Omit<GatewayServerOptions, 'pool'>;
}

/** A running gateway. */
export interface RunningGateway {
  /** The MCP endpoint, e.g. `http://127.0.0.1:8090/mcp`. */
  url: string;
  registry: DynamicRegistry;
  watcher: BackendWatcher;
  pool: BackendPool;
  server: GatewayServer;
  /** Stops serving, closes every backend connection and stops the watcher. */
  close(): Promise<void>;
}

/**
 * The whole gateway: BackendWatcher → registry → BackendPool → MCP endpoint at `/mcp`. Resolves once the watcher's
 * caches are in sync and the HTTP server listens (backends may still be connecting).
 */
export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  const registry = createDynamicRegistry();
  const watcher = new BackendWatcher({ kubeConfig: options.kubeConfig, namespace: options.namespace, groupRef: options.group, registry });
  const watching = watcher.start();
  const served = await serveGateway(registry, options, async () => {
    if (!(await watcher.waitForCacheSync())) throw new Error(`the watcher did not sync namespace ${options.namespace}`);
  });
  const close = async (): Promise<void> => {
    await served.close();
    await watcher.stop();
    await watching.catch(() => undefined);
  };
  return { ...served, registry, watcher, close };
}

/** Where and how the MCP endpoint is served, whatever fills the registry. */
export type ServeOptions = Pick<StartGatewayOptions, 'host' | 'port' | 'pool' | 'server'>;

/**
 * BackendPool on `registry` → gateway server → HTTP server with the MCP endpoint at `/mcp`, listening once `ready`
 * resolves (the registry is complete). On failure everything built is closed again.
 */
export async function serveGateway(
  registry: SubscribableRegistry,
  options: ServeOptions,
  ready: () => Promise<void>,
): Promise<{ url: string; pool: BackendPool; server: GatewayServer; close(): Promise<void> }> {
  const pool = new BackendPool({ ...options.pool, registry });
  const server = createGatewayServer({ ...options.server, pool });
  const httpServer = http.createServer((req, res) => {
    if (new URL(req.url ?? '/', 'http://gateway').pathname === '/mcp') return void server.handle(req, res);
    res.writeHead(404, { 'content-type': 'text/plain' }).end('the MCP endpoint is /mcp\n');
  });
  const close = async (): Promise<void> => {
    httpServer.closeAllConnections();
    await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    await server.close();
    await pool.close();
  };
  try {
    await ready();
    await new Promise<void>((resolve, reject) => {
      httpServer.once('error', reject);
      httpServer.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
  } catch (error) {
    await close();
    throw error;
  }
  const address = httpServer.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { url: `http://${host}:${address.port}/mcp`, pool, server, close };
}
