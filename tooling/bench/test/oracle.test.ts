import { describe, expect, it } from 'vitest';
import type { Backend } from '@vmcp/registry';
import { diffRegistry } from '../src/convergence/compare.ts';
import { generateOperation } from '../src/convergence/operations.ts';
import { expectedBackends, type RawObject, type Snapshot } from '../src/convergence/oracle.ts';
import { Rng } from '../src/convergence/rng.ts';

const ns = 'ns1';
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const meta = (name: string, annotations: Record<string, string> = {}) => ({ name, namespace: ns, annotations });
const server = (name: string, group: string | null, status: Record<string, unknown>, spec: Record<string, unknown> = {}): RawObject => ({
  metadata: meta(name),
  spec: { image: 'i', transport: 'streamable-http', proxyMode: 'streamable-http', ...(group ? { groupRef: { name: group } } : {}), ...spec },
  status,
});
const proxy = (name: string, group: string, status: Record<string, unknown>): RawObject => ({
  metadata: meta(name),
  spec: { remoteUrl: `https://${name}.example.com`, transport: 'sse', groupRef: { name: group } },
  status,
});
const entry = (name: string, group: string, phase: string): RawObject => ({
  metadata: meta(name),
  spec: { remoteUrl: `https://${name}.remote`, transport: 'streamable-http', groupRef: { name: group } },
  status: { phase },
});
const snap = (parts: Partial<Snapshot>): Snapshot => ({ namespace: ns, servers: [], proxies: [], entries: [], authConfigs: [], secrets: [], ...parts });

describe('oracle', () => {
  it('requires status.url for servers and phase Valid for entries', () => {
    const s = snap({
      servers: [server('a', 'g1', { url: 'http://a', phase: 'Ready' }), server('b', 'g1', { phase: 'Ready' })],
      entries: [entry('c', 'g1', 'Valid'), entry('d', 'g1', 'Pending')],
    });
    const e = expectedBackends(s, 'g1');
    expect([...e.keys()].sort()).toEqual(['a', 'c']);
    expect(e.get('a')).toMatchObject({ baseUrl: 'http://a', healthStatus: 'healthy', type: '', transportType: 'streamable-http' });
    expect(e.get('c')).toMatchObject({ baseUrl: 'https://c.remote', type: 'entry', metadata: { workload_type: 'server_entry', remote_url: 'https://c.remote' } });
  });

  it('picks by precedence among in-group objects only, and does not fall back when the winner is unservable', () => {
    const s = snap({
      servers: [server('x', 'g2', { url: 'http://x-other', phase: 'Ready' }), server('y', 'g1', { phase: 'Ready' })],
      proxies: [proxy('x', 'g1', { url: 'http://x-proxy', phase: 'Failed' }), proxy('y', 'g1', { url: 'http://y-proxy', phase: 'Ready' })],
    });
    const e = expectedBackends(s, 'g1');
    expect(e.get('x')).toMatchObject({ kind: 'MCPRemoteProxy', baseUrl: 'http://x-proxy', healthStatus: 'unhealthy', transportType: 'sse' });
    expect(e.has('y')).toBe(false);
  });

  it('maps stdio servers to their proxy mode', () => {
    const s = snap({ servers: [server('s', 'g1', { url: 'http://s', phase: 'Stopped' }, { transport: 'stdio', proxyMode: 'sse' })] });
    expect(expectedBackends(s, 'g1').get('s')).toMatchObject({ transportType: 'sse', healthStatus: 'unhealthy' });
  });

  it('serves auth only when the config and the secret key exist', () => {
    const auth = (name: string, secret: string, key: string): RawObject => ({
      metadata: meta(name),
      spec: { type: 'headerInjection', headerInjection: { headerName: 'X', valueSecretRef: { name: secret, key } } },
    });
    const s = snap({
      servers: [
        server('ok', 'g1', { url: 'http://ok' }, { externalAuthConfigRef: { name: 'a1' } }),
        server('nokey', 'g1', { url: 'http://nokey' }, { externalAuthConfigRef: { name: 'a2' } }),
        server('nocfg', 'g1', { url: 'http://nocfg' }, { externalAuthConfigRef: { name: 'missing' } }),
      ],
      authConfigs: [auth('a1', 's1', 'token'), auth('a2', 's1', 'absent')],
      secrets: [{ metadata: meta('s1'), data: { token: b64('v1') } }],
    });
    const e = expectedBackends(s, 'g1');
    expect([...e.keys()]).toEqual(['ok']);
    expect(e.get('ok')).toMatchObject({ authConfigRef: 'a1', authType: 'header_injection', authSecret: 'v1', healthStatus: 'unknown' });
  });
});

describe('diffRegistry', () => {
  const s = snap({ servers: [server('a', 'g1', { url: 'http://a', phase: 'Ready' })] });
  const expected = expectedBackends(s, 'g1');
  const backend = (over: Partial<Backend> = {}): Backend => ({
    id: 'a', name: 'a', baseUrl: 'http://a', transportType: 'streamable-http', type: '', healthStatus: 'healthy',
    metadata: { tool_type: 'mcp', workload_type: 'mcp_server', workload_status: 'Ready', namespace: ns }, ...over,
  });
  it('is empty when the registry matches', () => {
    expect(diffRegistry([backend()], expected)).toEqual([]);
  });
  it('reports missing, unexpected and changed fields, never a secret value', () => {
    expect(diffRegistry([], expected)).toMatchObject([{ id: 'a', problem: 'missing' }]);
    const d = diffRegistry([backend({ healthStatus: 'unknown', authConfig: { type: 'header_injection', headerInjection: { headerName: 'X', headerValue: 'TOPSECRET' } } }), backend({ id: 'zz' })], expected);
    expect(d.map((x) => x.problem)).toEqual(['field', 'field', 'field', 'unexpected']);
    expect(JSON.stringify(d)).not.toContain('TOPSECRET');
  });
});

describe('seeded generation', () => {
  it('replays the same operations for the same seed', () => {
    const run = (seed: number) => { const r = new Rng(seed); return Array.from({ length: 50 }, (_, i) => generateOperation(r, i)); };
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
  });
});
