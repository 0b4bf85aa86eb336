/** The README's command: `src/main.ts` against a real API server, driven by a real MCP client, stopped by SIGTERM. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { CustomObjectsApi, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterEach, expect, it, vi } from 'vitest';
import { TOOLHIVE_API_GROUP, TOOLHIVE_API_VERSION } from '@vmcp/api';
import { describeIntegration, useEnvtest } from '@vmcp/envtest/vitest';
import { startLoopbackServer, type LoopbackServer } from '@vmcp/test-fixtures/loopback-server';

const WAIT = { timeout: 30_000, interval: 100 };

describeIntegration('examples/mcp-gateway src/main.ts', () => {
  const env = useEnvtest();
  let child: ChildProcess | undefined;
  let backend: LoopbackServer | undefined;
  afterEach(async () => {
    if (child !== undefined && child.exitCode === null) child.kill('SIGKILL');
    await backend?.close();
  });

  it("serves the group's tools over MCP and stops cleanly on SIGTERM", async () => {
    const namespace = await env.newNamespace('gw-cli');
    backend = await startLoopbackServer({ name: 'docs', tools: ['search'] });
    const co = env.kubeConfig.makeApiClient(CustomObjectsApi);
    const ref = { group: TOOLHIVE_API_GROUP, version: TOOLHIVE_API_VERSION, namespace, plural: 'mcpserverentries' };
    await co.createNamespacedCustomObject({
      ...ref,
      body: {
        apiVersion: `${TOOLHIVE_API_GROUP}/${TOOLHIVE_API_VERSION}`,
        kind: 'MCPServerEntry',
        metadata: { name: 'docs' },
        spec: { remoteUrl: backend.url, transport: 'streamable-http', groupRef: { name: 'tools' } },
      },
    });
    await co.patchNamespacedCustomObjectStatus(
      { ...ref, name: 'docs', body: { status: { phase: 'Valid' } } },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
    );

    const proc = spawn(
      process.execPath,
      ['--conditions=@vmcp/source', 'src/main.ts', '--namespace', namespace, '--group', 'tools', '--port', '0'],
      {
        cwd: new URL('..', import.meta.url),
        env: { ...process.env, KUBECONFIG: env.kubeconfigPath },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child = proc;
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    await vi.waitFor(() => expect(stdout, stderr).toMatch(/MCP gateway for group tools in \S+: http:\/\/\S+\/mcp/), WAIT);
    const url = /(http:\/\/\S+\/mcp)/.exec(stdout)![1]!;

    const client = new Client({ name: 'cli-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    await vi.waitFor(async () => expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['docs_search']), WAIT);
    expect((await client.callTool({ name: 'docs_search', arguments: { text: 'cli' } })).content).toEqual([
      { type: 'text', text: 'docs/search: cli' },
    ]);
    await client.close();
    expect(stdout).toContain('tools: docs_search');

    proc.kill('SIGTERM');
    const [code] = (await once(proc, 'exit')) as [number | null];
    expect(code, stderr).toBe(0);
  }, 90_000);
});
