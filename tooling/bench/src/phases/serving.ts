/**
 * What a reader of a large registry waits for, from the service as the image runs it (started once, ready): the
 * first page of `/api/v1/backends` (latency of the first request and the median of the next ones), the full `reset`
 * a new `/api/v1/events` client is streamed (time to its end, and its size), and the status page's first paint in
 * headless Chromium (first contentful paint, and the first rows of backends shown). Chromium is Debian's
 * /usr/bin/chromium driven by playwright-core: under CI=true a missing Chromium fails the phase; elsewhere one
 * notice and its rows stay empty.
 */
import { existsSync } from 'node:fs';
import http from 'node:http';
import { errorMessage } from '@vmcp/core';
import { chromium } from 'playwright-core';
import { startService } from '../fleet/service.ts';
import { figure, type PhaseResult } from '../report/results.ts';
import { median } from '../stats.ts';
import { BENCH_GROUP, now, type BenchContext } from './context.ts';

/** Where the browser is (as in apps/vmcp-watcher/test/browser.int.test.ts). */
export const CHROMIUM = '/usr/bin/chromium';

/** Parameters: the namespace of a cold-start size (already populated) and its object count. */
export interface ServingParams {
  namespace: string;
  objects: number;
  /** Requests of the first page after the first one. */
  pageRequests: number;
  timeoutMs: number;
}

/** Time to the answer's last byte of one GET. */
async function timedGet(url: string): Promise<number> {
  const t0 = now();
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`GET ${url} answered ${res.status}`);
  await res.arrayBuffer();
  return now() - t0;
}

/**
 * Scans an SSE stream for the end of its first `event: reset` frame (the blank line after it), across chunks.
 * Feed it chunks; `done` turns true once the frame is complete.
 */
export class ResetFrameScanner {
  #tail = '';
  #inReset = false;
  done = false;
  bytes = 0;

  push(chunk: string): void {
    if (this.done) return;
    this.bytes += Buffer.byteLength(chunk);
    let text = this.#tail + chunk;
    if (!this.#inReset) {
      const at = text.search(/(^|\n)event: reset\n/);
      if (at === -1) {
        this.#tail = text.slice(-20);
        return;
      }
      this.#inReset = true;
      text = text.slice(at + 1);
    }
    if (text.includes('\n\n')) this.done = true;
    else this.#tail = text.slice(-1);
  }
}

/** Opens `/api/v1/events` and resolves the time to the end of the reset frame and the bytes read until then. */
export function timeReset(url: string, timeoutMs: number): Promise<{ ms: number; bytes: number }> {
  return new Promise((resolve, reject) => {
    const scanner = new ResetFrameScanner();
    const t0 = now();
    const req = http.get(`${url}/api/v1/events`, { headers: { accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        req.destroy();
        reject(new Error(`/api/v1/events answered ${String(res.statusCode)}`));
        return;
      }
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        scanner.push(c);
        if (scanner.done) {
          const ms = now() - t0;
          req.destroy();
          resolve({ ms, bytes: scanner.bytes });
        }
      });
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no complete reset within ${timeoutMs} ms`)));
    req.on('error', (err) => {
      if (!scanner.done) reject(err);
    });
  });
}

/** The page's first contentful paint and the first backend rows, in ms from navigation start. */
async function pagePaint(url: string, timeoutMs: number): Promise<{ fcp: number; rows: number }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${url}/`, { timeout: timeoutMs });
    await page.waitForSelector('#backends tr', { timeout: timeoutMs });
    // Evaluated in the page (its DOM's performance API, not Node's types).
    const rows = await page.evaluate<number>('performance.now()');
    const fcp = await page.evaluate<number>(
      "performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint')?.startTime ?? -1",
    );
    if (fcp < 0) throw new Error('the page reported no first-contentful-paint');
    return { fcp, rows };
  } finally {
    await browser.close();
  }
}

/** Runs the phase against a running service of `p.namespace`. */
export async function servingPhase(ctx: BenchContext, p: ServingParams, nodeFlags: readonly string[]): Promise<PhaseResult> {
  const result: PhaseResult = {
    phase: `Serving ${p.objects} backends: first page, reset to a new SSE client, status page`,
    params: { objects: p.objects },
    labels: { ours: 'service', baseline: '—' },
    figures: [],
  };
  const haveChromium = existsSync(CHROMIUM);
  if (!haveChromium && process.env['CI'] === 'true') {
    result.error = `${CHROMIUM} is missing (CI=true: the status page's first paint must be measured)`;
    return result;
  }
  try {
    const service = await startService({
      kubeconfig: ctx.cp.kubeconfigPath,
      namespace: p.namespace,
      groups: [BENCH_GROUP],
      nodeFlags,
      timeoutMs: p.timeoutMs,
    });
    try {
      const page = `${service.url}/api/v1/backends`;
      const first = await timedGet(page);
      const next: number[] = [];
      for (let i = 0; i < p.pageRequests; i++) next.push(await timedGet(page));
      const reset = await timeReset(service.url, p.timeoutMs);
      result.figures.push(
        figure('/api/v1/backends first page, first request', 'ms', first, null),
        figure(`/api/v1/backends first page, median of ${p.pageRequests} more`, 'ms', median(next), null),
        figure('SSE reset to a new client: request → end of the reset frame', 'ms', reset.ms, null),
        figure('SSE reset frame size', 'bytes', reset.bytes, null),
      );
      if (haveChromium) {
        const paint = await pagePaint(service.url, p.timeoutMs);
        result.figures.push(
          figure('status page: first contentful paint', 'ms', paint.fcp, null),
          figure('status page: first backend rows shown', 'ms', paint.rows, null),
        );
      } else {
        ctx.log(`NOTICE: SKIPPING the status page's first paint: ${CHROMIUM} is missing (apps/vmcp-watcher/scripts/ensure-chromium.sh)`);
      }
    } finally {
      await service.stop();
    }
  } catch (err) {
    result.error = errorMessage(err);
  }
  return result;
}
