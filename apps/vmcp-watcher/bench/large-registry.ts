/**
 * Memory per request on a registry of thousands of large backends: each request type is made once against a
 * service in its own process (bench/large-registry-server.ts), and the peak growth of that process's memory
 * (heap + external) during the request is printed next to the size of the answer.
 *
 *   node --expose-gc --conditions=@vmcp/source bench/large-registry.ts [count] [blobBytes]
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { createInterface } from 'node:readline';

/** One measured request. */
export interface RequestMeasurement {
  label: string;
  bodyBytes: number;
  /** Peak growth of the server's heap + external memory while answering. */
  peakGrowthBytes: number;
}

/** What {@link measureLargeRegistry} found. */
export interface LargeRegistryReport {
  count: number;
  blobBytes: number;
  requests: RequestMeasurement[];
  /** The server still answered /healthz after every request. */
  alive: boolean;
}

interface Consumed {
  bytes: number;
  /** The first KiB of the body. */
  head: string;
}

/** Reads `path` to the end (or, with `until`, until the text seen so far matches it at its end), counting bytes only. */
function consume(port: number, urlPath: string, until?: RegExp): Promise<Consumed> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath }, (res) => {
      let bytes = 0;
      let head = '';
      let tail = '';
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        if (head.length < 1024) head += chunk.toString('latin1', 0, 1024);
        if (until === undefined) return;
        tail = (tail + chunk.toString('latin1')).slice(-256);
        if (until.test(tail)) {
          req.destroy();
          resolve({ bytes, head });
        }
      });
      res.on('end', () => resolve({ bytes, head }));
      res.on('error', reject);
    });
    req.on('error', (error) => (until === undefined ? reject(error) : undefined));
  });
}

/** Starts the server process, makes each request, and stops it. */
export async function measureLargeRegistry(count: number, blobBytes: number): Promise<LargeRegistryReport> {
  const child = spawn(
    process.execPath,
    [
      '--expose-gc',
      '--conditions=@vmcp/source',
      path.join(import.meta.dirname, 'large-registry-server.ts'),
      String(count),
      String(blobBytes),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, unknown>> => {
    const { value, done } = await lines.next();
    if (done === true) throw new Error('the server process ended');
    return JSON.parse(value) as Record<string, unknown>;
  };
  try {
    const port = (await next())['port'] as number;
    const requests: RequestMeasurement[] = [];
    let alive = true;
    const measure = async (label: string, run: () => Promise<number>): Promise<void> => {
      child.stdin.write('mark\n');
      await next();
      const bodyBytes = await run();
      child.stdin.write('peak\n');
      const { peakBytes, baseBytes } = (await next()) as { peakBytes: number; baseBytes: number };
      requests.push({ label, bodyBytes, peakGrowthBytes: peakBytes - baseBytes });
      alive &&= (await fetch(`http://127.0.0.1:${port}/healthz`)).status === 200;
    };
    const bytesOf = async (pending: Promise<Consumed>): Promise<number> => (await pending).bytes;
    await measure('GET /api/v1/backends?limit=1000 (one page)', () => bytesOf(consume(port, '/api/v1/backends?limit=1000')));
    await measure('GET /api/v1/backends, every page', async () => {
      let total = 0;
      let token: string | undefined;
      do {
        const page = await consume(port, `/api/v1/backends?limit=1000${token === undefined ? '' : `&continue=${token}`}`);
        total += page.bytes;
        // The head of the body says where the next page starts (the body itself is not kept).
        token = /"continue":"([A-Za-z0-9_-]+)"/.exec(page.head)?.[1];
      } while (token !== undefined);
      return total;
    });
    await measure('GET /api/v1/events (the reset)', () => bytesOf(consume(port, '/api/v1/events', /\]\}\nid: [A-Za-z0-9.]+\n\n$/)));
    await measure('GET / (the status page)', () => bytesOf(consume(port, '/')));
    return { count, blobBytes, requests, alive };
  } finally {
    child.kill('SIGTERM');
  }
}

/** The report as lines. */
export function formatLargeRegistry(r: LargeRegistryReport): string {
  const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(1)} MB`;
  return [
    `large registry: ${r.count} backends × ${(r.blobBytes / 1024).toFixed(0)} KiB annotation; the server survived every request: ${r.alive ? 'yes' : 'NO'}`,
    ...r.requests.map((q) => `  ${q.label}: body ${mb(q.bodyBytes)}, server memory +${mb(q.peakGrowthBytes)} at peak`),
  ].join('\n');
}

if (import.meta.main) {
  const report = await measureLargeRegistry(Number(process.argv[2] ?? '3000'), Number(process.argv[3] ?? String(190 * 1024)));
  console.log(formatLargeRegistry(report));
  if (!report.alive) process.exitCode = 1;
}
