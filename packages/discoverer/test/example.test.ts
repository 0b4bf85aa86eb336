import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

describe('examples/quick-start.ts (the README example)', () => {
  it('runs, prints the backend without its secret, and maps the Secret to the backend', () => {
    const out = execFileSync(process.execPath, ['--conditions=@vmcp/source', 'examples/quick-start.ts'], {
      cwd: path.resolve(import.meta.dirname, '..'),
      encoding: 'utf8',
    });
    expect(out).toContain('"transportType": "sse"');
    expect(out).toContain('"tokenExchange.clientSecret"');
    expect(out).toContain("affected by Secret sts: [ 'fetch' ]");
    expect(out).not.toContain('change-me');
  });
});

describe('examples/custom-auth.ts (the README custom converter)', () => {
  it('resolves an apiKey config end to end and rotates with the Secret', async () => {
    const { registryWithApiKey } = await import('../examples/custom-auth.ts');
    const { harness, secret } = await import('./harness.ts');
    const { authConfig, server } = await import('./fixtures.ts');
    const h = harness({ converters: registryWithApiKey() });
    h.put(server('s', { externalAuthConfigRef: { name: 'k' } }, { url: 'http://s', phase: 'Ready' }));
    h.put(authConfig('k', { type: 'apiKey', apiKey: { header: 'X-Key', secretRef: { name: 'key', key: 'v' } } }));
    h.direct.setSecret(secret('key', { v: 'one' }));
    expect((await h.discoverer.getWorkloadAsBackend({ name: 's', type: 'MCPServer' }))?.authConfig).toEqual({
      type: 'api_key',
      custom: { header: 'X-Key', value: 'one' },
    });
    const secretKind = h.plan.kinds.find((k) => k.kind === 'Secret')!;
    expect(secretKind.mapToBackends({ metadata: { name: 'key' } }, h.cache)).toEqual(['s']);
    h.direct.setSecret(secret('key', { v: 'two' }));
    expect((await h.discoverer.getWorkloadAsBackend({ name: 's', type: 'MCPServer' }))?.authConfig?.custom?.['value']).toBe('two');
    h.put(authConfig('k', { type: 'apiKey', apiKey: { header: 'X-Key' } }));
    expect((await h.discoverer.resolveWorkload({ name: 's', type: 'MCPServer' })).reason?.message).toContain(
      'failed to resolve secrets: secretRef is nil',
    );
  });
});
