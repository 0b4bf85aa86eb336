import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as published from '@vmcp/gateway';
import { createDynamicRegistry } from '@vmcp/registry';
import * as source from '../src/index.ts';
import { instrumentedPool } from './examples/metrics.ts';
import { quickStart } from './examples/quick-start.ts';
import { startLoopbackServer, type LoopbackServer } from '@vmcp/test-fixtures/loopback-server';

const run = promisify(execFile);
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  vi.restoreAllMocks();
});

describe('README', () => {
  it.each(['gateway.ts', 'quick-start.ts', 'metrics.ts'])('shows test/examples/%s verbatim', (file) => {
    const code = readFileSync(new URL(`./examples/${file}`, import.meta.url), 'utf8');
    expect(readme).toContain(`\`\`\`ts\n${code}\`\`\`\n`);
  });

  it('the complete gateway (marked to run) is under 40 lines and runs: an SDK client lists and calls through it', async () => {
    const code = readFileSync(new URL('./examples/gateway.ts', import.meta.url), 'utf8');
    expect(readme).toContain(`<!-- ts: run -->\n\`\`\`ts\n${code}\`\`\``);
    expect(code.trimEnd().split('\n').length).toBeLessThan(40);
    const { stdout } = await run(
      process.execPath,
      ['--conditions=@vmcp/source', fileURLToPath(new URL('./examples/gateway.ts', import.meta.url))],
      {
        timeout: 60_000,
      },
    );
    expect(stdout).toBe('tools: docs_search\nresult: [{"type":"text","text":"found it"}]\n');
  });

  it('the quick start runs against a real MCP server and sends the injected header', async () => {
    server = await startLoopbackServer({ name: 'docs', tools: ['search'] });
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await quickStart(server.url)).toEqual(['docs/search: hello']);
    expect(server.callHeaders.get('search')?.[0]?.['x-api-key']).toBe('demo-key');
    expect(log.mock.calls.map((c) => c.join(' '))).toEqual(['tools: docs_search', 'health: healthy', 'tools: ']);
  });

  it('the metrics example counts connections and calls', async () => {
    server = await startLoopbackServer({ name: 'docs', tools: ['search'] });
    vi.spyOn(console, 'info').mockImplementation(() => undefined);
    const registry = createDynamicRegistry();
    const { pool, counts } = instrumentedPool(registry);
    registry.upsert({
      id: 'docs',
      name: 'docs',
      baseUrl: server.url,
      transportType: 'streamable-http',
      healthStatus: 'healthy',
      metadata: {},
    });
    await vi.waitFor(() => expect(pool.tools()).toHaveLength(1), { timeout: 20_000 });
    await pool.callTool('docs_search', {});
    await pool.close();
    expect(Object.fromEntries(counts)).toEqual({
      'connection_connected{backend="docs"}': 1,
      'call_ok{backend="docs",tool="docs_search"}': 1,
      'connection_disconnected{backend="docs"}': 1,
    });
  });

  it("imports '@vmcp/gateway' as the package's own source, not a stale dist", () => {
    expect(published.BackendPool).toBe(source.BackendPool);
  });
});
