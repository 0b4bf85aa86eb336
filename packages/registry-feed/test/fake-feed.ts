/** A scripted feed server on loopback (plain HTTP): what the client's unit tests talk to. */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Backend } from '@vmcp/registry';

/** How the next request is answered. */
export type Answer =
  { status: number; body?: object; retryAfter?: string } | { stream: (res: ServerResponse, req: IncomingMessage) => void };

export function backend(id: string, extra: Partial<Backend> = {}): Backend {
  return {
    id,
    name: id,
    baseUrl: `http://${id}.svc:8080/mcp`,
    transportType: 'streamable-http',
    healthStatus: 'healthy',
    metadata: {},
    ...extra,
  };
}

export function resetFrame(epoch: string, version: number, backends: Backend[]): string {
  return `event: reset\ndata: ${JSON.stringify({ version, epoch, count: backends.length, backends })}\nid: ${epoch}.${version}\n\n`;
}

export function eventFrame(type: 'upsert' | 'remove', epoch: string, version: number, b: Backend): string {
  return `id: ${epoch}.${version}\nevent: ${type}\ndata: ${JSON.stringify(b)}\n\n`;
}

export class FakeFeed {
  readonly requests: { authorization: string | undefined; lastEventId: string | undefined; path: string | undefined }[] = [];
  readonly streams = new Set<ServerResponse>();
  /** Answers in order; the last one repeats. */
  answers: Answer[] = [];
  readonly #server = http.createServer((req, res) => this.#handle(req, res));
  url = '';

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  #handle(req: IncomingMessage, res: ServerResponse): void {
    const header = (name: string): string | undefined => {
      const v = req.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    this.requests.push({ authorization: header('authorization'), lastEventId: header('last-event-id'), path: req.url });
    const answer = this.answers.length > 1 ? this.answers.shift()! : this.answers[0];
    if (answer === undefined || 'status' in answer) {
      const body = JSON.stringify(answer?.body ?? { error: 'not_found' });
      res.writeHead(answer?.status ?? 404, {
        'content-type': 'application/json',
        ...(answer !== undefined && 'retryAfter' in answer && answer.retryAfter !== undefined ? { 'retry-after': answer.retryAfter } : {}),
      });
      res.end(body);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('retry: 2000\n\n');
    this.streams.add(res);
    res.once('close', () => this.streams.delete(res));
    answer.stream(res, req);
  }

  /** Writes to every open stream. */
  send(text: string): void {
    for (const s of this.streams) s.write(text);
  }

  /** Ends every open stream (a graceful watcher stop). */
  endStreams(): void {
    for (const s of this.streams) s.end();
  }

  async close(): Promise<void> {
    for (const s of this.streams) s.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/** Polls `check` until it returns true (real time; the scripted server is real I/O). */
export async function until(check: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
