import { compareBy } from '@vmcp/core';
import { describe, expect, it } from 'vitest';
import type { Backend } from '@vmcp/registry';
import { diffExclusions, diffRegistry } from '../src/convergence/compare.ts';
import { generateOperation, HOSTILE_REMOTE_URLS, HOSTILE_URLS } from '../src/convergence/operations.ts';
import { expectedBackends, expectedState, type RawObject, type Snapshot } from '../src/convergence/oracle.ts';
import { Rng } from '../src/convergence/rng.ts';

const ns = 'ns1';
const b64 = (s: string): string => Buffer.from(s).toString('base64');
const meta = (name: string, annotations: Record<string, string> = {}) => ({ name, namespace: ns, annotations });
const server = (name: string, group: string | null, status: Record<string, unknown>, spec: Record<string, unknown> = {}): RawObject => ({
  metadata: meta(name),
  spec: {
    image: 'i',
    transport: 'streamable-http',
    proxyMode: 'streamable-http',
    ...(group ? { groupRef: { name: group } } : {}),
    ...spec,
  },
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
const snap = (parts: Partial<Snapshot>): Snapshot => ({
  namespace: ns,
  servers: [],
  proxies: [],
  entries: [],
  authConfigs: [],
  secrets: [],
  ...parts,
});

describe('oracle', () => {
  it('requires status.url for servers and phase Valid for entries', () => {
    const s = snap({
      servers: [server('a', 'g1', { url: 'http://a', phase: 'Ready' }), server('b', 'g1', { phase: 'Ready' })],
      entries: [entry('c', 'g1', 'Valid'), entry('d', 'g1', 'Pending')],
    });
    const e = expectedBackends(s, 'g1');
    expect([...e.keys()].sort()).toEqual(['a', 'c']);
    expect(e.get('a')).toMatchObject({ baseUrl: 'http://a', healthStatus: 'healthy', type: '', transportType: 'streamable-http' });
    expect(e.get('c')).toMatchObject({
      baseUrl: 'https://c.remote',
      type: 'entry',
      metadata: { workload_type: 'server_entry', remote_url: 'https://c.remote' },
    });
  });

  it('picks by precedence among in-group objects only, and does not fall back when the winner is unservable', () => {
    const s = snap({
      servers: [server('x', 'g2', { url: 'http://x-other', phase: 'Ready' }), server('y', 'g1', { phase: 'Ready' })],
      proxies: [proxy('x', 'g1', { url: 'http://x-proxy', phase: 'Failed' }), proxy('y', 'g1', { url: 'http://y-proxy', phase: 'Ready' })],
    });
    const e = expectedBackends(s, 'g1');
    expect(e.get('x')).toMatchObject({
      kind: 'MCPRemoteProxy',
      baseUrl: 'http://x-proxy',
      healthStatus: 'unhealthy',
      transportType: 'sse',
    });
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

describe('oracle exclusions and URL rules', () => {
  it('names out-of-group, name-conflict, no-url, entry-not-valid, invalid-url and auth-unresolved', () => {
    const s = snap({
      servers: [
        server('other', 'g2', { url: 'http://o', phase: 'Ready' }),
        server('dup', 'g1', { url: 'http://dup', phase: 'Ready' }),
        server('nourl', 'g1', { phase: 'Ready' }),
        server('js', 'g1', { url: 'javascript:alert(1)', phase: 'Ready' }),
        server('noauth', 'g1', { url: 'http://n' }, { externalAuthConfigRef: { name: 'missing' } }),
      ],
      proxies: [
        proxy('dup', 'g1', { url: 'http://dup-proxy', phase: 'Ready' }),
        proxy('badport', 'g1', { url: 'http://p:99999', phase: 'Ready' }),
      ],
      entries: [entry('pending', 'g1', 'Pending'), entry('dup', 'g2', 'Valid')],
    });
    const { backends, exclusions } = expectedState(s, 'g1');
    expect([...backends.keys()].sort()).toEqual(['dup']);
    expect(Object.fromEntries([...exclusions].sort(compareBy(([name]) => name)))).toEqual({
      badport: { kind: 'MCPRemoteProxy', code: 'invalid-url' },
      dup: { kind: 'MCPRemoteProxy', code: 'name-conflict' },
      js: { kind: 'MCPServer', code: 'invalid-url' },
      noauth: { kind: 'MCPServer', code: 'auth-unresolved' },
      nourl: { kind: 'MCPServer', code: 'no-url' },
      other: { kind: 'MCPServer', code: 'out-of-group' },
      pending: { kind: 'MCPServerEntry', code: 'entry-not-valid' },
    });
  });

  it('refuses every hostile URL the generator writes, and accepts the ordinary ones', () => {
    for (const url of [...HOSTILE_URLS, ...HOSTILE_REMOTE_URLS]) {
      expect(expectedState(snap({ servers: [server('h', 'g1', { url, phase: 'Ready' })] }), 'g1').exclusions.get('h')?.code, url).toBe(
        'invalid-url',
      );
    }
    expect(
      expectedBackends(snap({ servers: [server('h', 'g1', { url: 'http://h-1.svc:8080/mcp', phase: 'Ready' })] }), 'g1').has('h'),
    ).toBe(true);
  });

  it('diffExclusions compares name, kind and code', () => {
    const expected = expectedState(snap({ servers: [server('x', 'g2', { url: 'http://x' })] }), 'g1').exclusions;
    expect(diffExclusions({ x: { kind: 'MCPServer', code: 'out-of-group' } }, expected)).toEqual([]);
    expect(diffExclusions({ x: { kind: 'MCPRemoteProxy', code: 'out-of-group' }, y: { code: 'no-url' } }, expected)).toEqual([
      { id: 'x', problem: 'exclusion', expected: 'MCPServer out-of-group', actual: 'MCPRemoteProxy out-of-group' },
      { id: 'y', problem: 'exclusion', expected: '(none)', actual: '? no-url' },
    ]);
    expect(diffExclusions({}, expected)).toMatchObject([{ id: 'x', expected: 'MCPServer out-of-group', actual: '(none)' }]);
  });
});

describe('diffRegistry', () => {
  const s = snap({ servers: [server('a', 'g1', { url: 'http://a', phase: 'Ready' })] });
  const expected = expectedBackends(s, 'g1');
  const backend = (over: Partial<Backend> = {}): Backend => ({
    id: 'a',
    name: 'a',
    baseUrl: 'http://a',
    transportType: 'streamable-http',
    type: '',
    healthStatus: 'healthy',
    metadata: { tool_type: 'mcp', workload_type: 'mcp_server', workload_status: 'Ready', namespace: ns },
    ...over,
  });
  it('is empty when the registry matches', () => {
    expect(diffRegistry([backend()], expected)).toEqual([]);
  });
  it('reports missing, unexpected and changed fields, never a secret value', () => {
    expect(diffRegistry([], expected)).toMatchObject([{ id: 'a', problem: 'missing' }]);
    const d = diffRegistry(
      [
        backend({
          healthStatus: 'unknown',
          authConfig: { type: 'header_injection', headerInjection: { headerName: 'X', headerValue: 'TOPSECRET' } },
        }),
        backend({ id: 'zz' }),
      ],
      expected,
    );
    expect(d.map((x) => x.problem)).toEqual(['field', 'field', 'field', 'unexpected']);
    expect(JSON.stringify(d)).not.toContain('TOPSECRET');
  });
});

describe('seeded generation', () => {
  it('replays the same operations for the same seed', () => {
    const run = (seed: number) => {
      const r = new Rng(seed);
      return Array.from({ length: 50 }, (_, i) => generateOperation(r, i, 520));
    };
    expect(run(42)).toEqual(run(42));
    expect(run(42)).not.toEqual(run(43));
  });

  it('reaches bulk servers and writes hostile URLs now and then', () => {
    const r = new Rng(7);
    const ops = Array.from({ length: 2000 }, (_, i) => generateOperation(r, i, 520));
    expect(ops.some((o) => 'name' in o && o.name.startsWith('bulk-'))).toBe(true);
    const urls = ops.flatMap((o) => (o.op === 'set-status' ? [o.url] : o.op === 'put-workload' ? [o.remoteUrl] : []));
    expect(urls.some((u) => (HOSTILE_URLS as readonly (string | null | undefined)[]).includes(u))).toBe(true);
    // spec.remoteUrl only gets what the CRD schema admits (^https?://).
    const remote = ops.flatMap((o) => (o.op === 'put-workload' && o.remoteUrl !== undefined ? [o.remoteUrl] : []));
    expect(remote.every((u) => /^https?:\/\//.test(u))).toBe(true);
    expect(remote.some((u) => (HOSTILE_REMOTE_URLS as readonly string[]).includes(u))).toBe(true);
  });
});
