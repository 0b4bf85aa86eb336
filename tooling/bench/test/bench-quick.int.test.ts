import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { expect } from 'vitest';
import { itIntegration } from '@vmcp/envtest/vitest';

const root = path.resolve(import.meta.dirname, '..');

// The quick bench end to end (its own control plane): proves the harness still runs, the registry converges in
// every phase and the table is printed. It checks behaviour (exit status, table rows), never timings.
itIntegration('pnpm bench:quick runs every phase and prints the table', () => {
  const run = spawnSync(process.execPath, ['--expose-gc', '--conditions=@vmcp/source', 'src/main.ts', '--quick'], { cwd: root, encoding: 'utf8', timeout: 180_000 });
  if (run.status !== 0) throw new Error(`bench:quick exited ${String(run.status)}\n${run.stdout}\n${run.stderr.slice(-4000)}`);
  expect(run.stdout).toContain('### Cold start, 200 MCPServers');
  expect(run.stdout).toContain('### Churn, 50 updates/s for 5 s');
  expect(run.stdout).toContain('### Secret rotation');
  expect(run.stdout).toMatch(/\| acknowledged writes never delivered \| 0 \| 0 \|/);
  expect(run.stdout).not.toContain('FAILED');
});
