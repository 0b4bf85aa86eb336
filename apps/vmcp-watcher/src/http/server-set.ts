/**
 * The service's servers as one: listen on every port (an error names the listener that failed), and a graceful
 * stop that refuses new connections, lets the requests in flight finish (up to a bound), then cuts what is left.
 */
import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ListenAddress } from '../config/parsers.ts';
import type { Logger } from '../observe/logger.ts';
import { closeServer, listen } from './listen.ts';
import { trackRequests, type RequestTracker } from './request-tracker.ts';
import type { ServiceServers } from './server.ts';

/** Where each server listens; `metrics` is ignored when the service has no metrics server. */
export interface ServiceAddresses {
  api: ListenAddress;
  probes: ListenAddress;
  metrics?: ListenAddress | undefined;
}

/** The bound addresses. */
export interface BoundAddresses {
  api: AddressInfo;
  probes: AddressInfo;
  metrics: AddressInfo | undefined;
}

/** A port that could not be bound; `listener` says which (`http`, `probes`, `metrics`). */
export class ListenerError extends Error {
  override readonly name = 'ListenerError';
  readonly listener: string;
  readonly code: string | undefined;
  constructor(listener: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    super(`cannot listen (${listener}): ${code ?? String(cause)}`, { cause });
    this.listener = listener;
    this.code = code;
  }
}

/** The servers of one service. */
export class ServerSet {
  readonly servers: ServiceServers;
  readonly #logger: Logger;
  readonly #all: http.Server[];
  readonly #requests: RequestTracker[];
  #closed: Promise<unknown> | undefined;

  constructor(servers: ServiceServers, logger: Logger) {
    this.servers = servers;
    this.#logger = logger;
    this.#all = [servers.api, servers.probes, ...(servers.metrics === undefined ? [] : [servers.metrics])];
    this.#requests = this.#all.map((server) => trackRequests(server, logger, '/api/v1/events'));
  }

  async #bind(server: http.Server, address: ListenAddress, name: string): Promise<AddressInfo> {
    try {
      return await listen(server, address, name, this.#logger);
    } catch (error) {
      throw new ListenerError(name, error);
    }
  }

  /** Listens on every port, one after the other. */
  async listen(addresses: ServiceAddresses): Promise<BoundAddresses> {
    const { api, probes, metrics } = this.servers;
    return {
      api: await this.#bind(api, addresses.api, 'http'),
      probes: await this.#bind(probes, addresses.probes, 'probes'),
      metrics:
        metrics === undefined || addresses.metrics === undefined ? undefined : await this.#bind(metrics, addresses.metrics, 'metrics'),
    };
  }

  /** Refuses new connections and waits (up to `ms`) for the requests already accepted. */
  async drain(ms: number): Promise<void> {
    this.#closed ??= Promise.all(this.#all.map(closeServer));
    const inFlight = this.#requests.reduce((sum, r) => sum + r.inFlight, 0);
    if (inFlight === 0) return;
    this.#logger.info('waiting for in-flight requests', { requests: inFlight });
    await Promise.all(this.#requests.map((r) => r.drained(ms)));
  }

  /** Cuts whatever is still open (keep-alive sockets, overrunning requests) and resolves once every server closed. */
  async close(): Promise<void> {
    this.#closed ??= Promise.all(this.#all.map(closeServer));
    for (const server of this.#all) server.closeAllConnections();
    await this.#closed;
  }
}
