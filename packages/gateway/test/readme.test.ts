import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as published from '@vmcp/gateway';
import * as source from '../src/index.ts';
import { quickStart } from './examples/quick-start.ts';
import { startLoopbackServer, type LoopbackServer } from './loopback-server.ts';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
let server: LoopbackServer | undefined;
afterEach(async () => {
  await server?.close();
  vi.restoreAllMocks();
});

describe('README', () => {
  it('shows test/examples/quick-start.ts verbatim', () => {
    const code = readFileSync(new URL('./examples/quick-start.ts', import.meta.url), 'utf8');
    expect(readme).toContain(`\`\`\`ts\n${code}\`\`\`\n`);
  });

  it('the quick start runs against a real MCP server and sends the injected header', async () => {
    server = await startLoopbackServer({ name: 'docs', tools: ['search'] });
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await quickStart(server.url)).toEqual(['docs/search: hello']);
    expect(server.callHeaders.get('search')?.[0]?.['x-api-key']).toBe('demo-key');
    expect(log.mock.calls.map((c) => c.join(' '))).toEqual(['tools: docs_search', 'health: healthy', 'tools: ']);
  });

  it("imports '@vmcp/gateway' as the package's own source, not a stale dist", () => {
    expect(published.BackendPool).toBe(source.BackendPool);
  });
});
