import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { itIntegration } from '@vmcp/envtest/vitest';
import { SERVICE_RSS_AFTER_GC_ROW, SERVICE_RSS_ROW } from '../src/phases/peers.ts';
import { CHROMIUM } from '../src/phases/serving.ts';

const root = path.resolve(import.meta.dirname, '..');
const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// The quick bench end to end (its own control plane): proves the harness still runs, ours and the bare client each
// start in a process of their own (the bundled peers of `pnpm build`), the registry converges in every phase and
// the table is printed. It checks behaviour (exit status, table rows), never timings. ToolHive's Go peer is left
// out (it needs a Go build of minutes); `pnpm bench` runs it.
itIntegration(
  'pnpm bench:quick runs every phase and prints the table',
  () => {
    const run = spawnSync(process.execPath, ['--expose-gc', '--conditions=@vmcp/source', 'src/main.ts', '--quick'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 300_000,
    });
    if (run.status !== 0) throw new Error(`bench:quick exited ${String(run.status)}\n${run.stdout}\n${run.stderr.slice(-4000)}`);
    expect(run.stdout).toContain('### Cold start and memory, 200 MCPServers, one process per system');
    expect(run.stdout).toMatch(/\| process start → registry complete, median \| \d+ ms \| — \| \d+ ms \|/); // ToolHive not run in quick mode
    // The service itself beside the peers, and what a reader of the largest size waits for (Chromium: the page).
    expect(run.stdout).toMatch(/\| service: spawn → \/readyz 200 \(ToolHive: → registry complete\), median \| \d+ ms \|/);
    // Both RSS rows, the service's figure in each; ToolHive's columns empty (not run).
    for (const row of [SERVICE_RSS_ROW, SERVICE_RSS_AFTER_GC_ROW])
      expect(run.stdout).toMatch(new RegExp(`\\| ${escapeRegExp(row)} \\| [\\d.]+ MiB \\| — \\|`));
    expect(run.stdout).toContain('### Serving 200 backends');
    expect(run.stdout).toMatch(/\| SSE reset to a new client: request → end of the reset frame \| [\d.]+ ms \|/);
    if (existsSync(CHROMIUM)) expect(run.stdout).toMatch(/\| status page: first contentful paint \| [\d.]+ ms \|/);
    else expect(run.stderr).toContain("NOTICE: SKIPPING the status page's first paint"); // never under CI=true: the run fails
    expect(run.stdout).toContain('### Churn, 50 updates/s for 5 s');
    expect(run.stdout).toContain('### Secret rotation');
    expect(run.stdout).toMatch(/\| acknowledged writes never delivered \| 0 \| — \| 0 \|/);
    // The fleet phase: the feed mode's watches do not grow with the replicas, the embedding mode's do.
    expect(run.stdout).toContain('### One watcher, many gateways');
    expect(run.stdout).toMatch(/\| API-server watches, N = 3 \| 6 \| — \| 18 \|/);
    expect(run.stdout).toMatch(/\| changes never delivered \(replica × write\), N = 3 \| 0 \| — \| 0 \|/);
    // Many groups: one service of 4 groups and one of 1, both complete (a refused --group list fails the run).
    expect(run.stdout).toMatch(/\| API-server watches \| \d+ \| \d+ \| [\d.]+× \|/);
    expect(run.stdout).not.toContain('FAILED');
  },
  320_000,
);
