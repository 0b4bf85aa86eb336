/**
 * The `helm test` Pod's check (charts/vmcp-watcher/files/check-readyz.js, run by the chart's image with `node -e`),
 * run here the same way against real HTTP servers: it passes on 200, fails with the last answer when /readyz stays
 * 503 or nothing listens, and waits for a late 200. (The Pod itself is rendered and dry-run created by the chart
 * tests; the test control plane has no kubelet to run it.)
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { CHART_DIR } from './helm.ts';

const SCRIPT = readFileSync(path.join(CHART_DIR, 'files/check-readyz.js'), 'utf8');
const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** A server whose /readyz answers `status(n)` to its n-th request. */
async function readyz(status: (n: number) => number): Promise<string> {
  let n = 0;
  const server = createServer((req, res) => {
    n += 1;
    res.writeHead(req.url?.startsWith('/readyz') === true ? status(n) : 404, { 'content-type': 'text/plain' });
    res.end(`answer ${n}`);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/readyz?verbose`;
}

async function check(url: string, deadlineMs: number): Promise<{ code: number; output: string }> {
  return promisify(execFile)(process.execPath, ['-e', SCRIPT], { env: { READYZ_URL: url, READYZ_DEADLINE_MS: String(deadlineMs) } }).then(
    ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, output: error.stdout + error.stderr }),
  );
}

describe('helm test check (files/check-readyz.js)', () => {
  it('passes when /readyz answers 200, printing the body', async () => {
    const url = await readyz(() => 200);
    expect(await check(url, 5000)).toEqual({ code: 0, output: `${url}: 200\nanswer 1\n` });
  });

  it('fails with the last answer when /readyz stays 503', async () => {
    const url = await readyz(() => 503);
    const result = await check(url, 3000);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(new RegExp(`${url.replace(/[?.]/g, '\\$&')} was not ready: 503 answer \\d+`));
  });

  it('fails naming the error when nothing listens', async () => {
    const url = await readyz(() => 200);
    servers[0]!.close();
    const result = await check(url, 1000);
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/was not ready: .*ECONNREFUSED/);
  });

  it('waits for a late 200 (the pod still syncing)', async () => {
    const url = await readyz((n) => (n < 2 ? 503 : 200));
    const result = await check(url, 20_000);
    expect(result).toEqual({ code: 0, output: `${url}: 200\nanswer 2\n` });
  }, 30_000);
});
