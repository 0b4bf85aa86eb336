import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// What the service bundle (dist/cli.js, built by @vmcp/tsup-config's serviceBundleConfig) carries. The service imports
// @kubernetes/client-node for KubeConfig alone; the bundle treats that package as free of side effects and leaves
// undici out, which took it from 3.6 MB to under 1 MB and RSS after a 10,000-object sync down by several MiB
// (docs/benchmarks.md). What it leaves out is not reached: the image test runs this file against a real API server
// (TLS and client certificates through KubeConfig.applyToHTTPSOptions), and the bench's quick run, a test too, runs
// its peers bundled the same way.
const CLI = path.resolve(import.meta.dirname, '..', 'dist', 'cli.js');

describe('the service bundle', () => {
  const built = (): string => {
    expect(existsSync(CLI), `${CLI} is missing: build first (pnpm build)`).toBe(true);
    return readFileSync(CLI, 'utf8');
  };

  it('stays under 1 MB: no unused part of a dependency tree is pulled back in', () => {
    built();
    expect(statSync(CLI).size).toBeLessThan(1_000_000);
  });

  it("carries client-node's KubeConfig and none of the modules the service does not run", () => {
    const code = built();
    expect(code).toContain('applyToHTTPSOptions');
    expect(code).toContain('loadFromCluster');
    // undici's own error codes, ws's handshake header, tar-stream's header magic: each was in the 3.6 MB bundle.
    for (const marker of ['UND_ERR_', 'Sec-WebSocket-Key', 'ustar']) expect(code, marker).not.toContain(marker);
  });

  it('replaces undici with exports that fail with a message naming why it is left out', () => {
    expect(built()).toContain('undici is not in this build: ');
  });
});
