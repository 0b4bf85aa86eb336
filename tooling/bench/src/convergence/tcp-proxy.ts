/**
 * A TCP pass-through between the watcher and the API server, so the suite can inject network faults the control
 * plane cannot: drop every connection at once (RST), or black-hole them (stop forwarding in both directions without
 * closing — a silently dead connection, which only an inactivity deadline detects). TLS passes through untouched:
 * the proxy listens on 127.0.0.1, which the serving certificate names.
 */
import net from 'node:net';

export class TcpFaultProxy {
  readonly #server: net.Server;
  readonly #pairs = new Set<[net.Socket, net.Socket]>();
  #stalled = false;
  #port = 0;
  readonly targetPort: number;

  /** @param targetPort the API server's port on 127.0.0.1. */
  constructor(targetPort: number) {
    this.targetPort = targetPort;
    this.#server = net.createServer((client) => this.#accept(client));
  }

  /** Starts listening on an ephemeral loopback port; resolves that port. */
  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(0, '127.0.0.1', () => resolve());
    });
    this.#port = (this.#server.address() as net.AddressInfo).port;
    return this.#port;
  }

  get port(): number {
    return this.#port;
  }

  /** Open connections. */
  get connections(): number {
    return this.#pairs.size;
  }

  #accept(client: net.Socket): void {
    const upstream = net.connect(this.targetPort, '127.0.0.1');
    const pair: [net.Socket, net.Socket] = [client, upstream];
    this.#pairs.add(pair);
    const close = (): void => {
      this.#pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    // Forward by hand (not pipe) so a stall can swallow bytes without closing anything.
    client.on('data', (d) => {
      if (!this.#stalled) upstream.write(d);
    });
    upstream.on('data', (d) => {
      if (!this.#stalled) client.write(d);
    });
  }

  /** Resets every open connection (both sides see an error or close at once). Resolves how many were dropped. */
  dropAll(): number {
    const n = this.#pairs.size;
    for (const [a, b] of [...this.#pairs]) {
      a.resetAndDestroy();
      b.destroy();
    }
    this.#pairs.clear();
    return n;
  }

  /** Black-holes traffic: bytes are read and discarded, nothing is closed. New connections are black-holed too. */
  stall(): void {
    this.#stalled = true;
  }

  /** Ends a stall. The black-holed connections are corrupt (bytes were lost), so they are reset. */
  unstall(): void {
    this.dropAll();
    this.#stalled = false;
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
