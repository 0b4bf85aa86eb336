import { describe, expect, it } from 'vitest';
import { NotFoundError, createKubernetesDiscoverer, type CacheReader } from '../src/index.ts';
import { createMemoryDirectReader } from '../src/testing/index.ts';
import { GROUP, NS, authConfig, entry, proxy, server } from './fixtures.ts';
import { PLANTED, assertNoSecret, harness, secret } from './harness.ts';

const [CLIENT_SECRET, HEADER_VALUE] = PLANTED;
const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const tokenExchangeAuth = (name = 'te-auth') =>
  authConfig(name, {
    type: 'tokenExchange',
    tokenExchange: {
      tokenUrl: 'https://sts.example.com/token',
      clientId: 'cid',
      clientSecretRef: { name: 'te-secret', key: 'client-secret' },
      audience: 'backend',
      scopes: ['read'],
      subjectTokenType: 'access_token',
    },
  });
const teSecret = () => secret('te-secret', { 'client-secret': CLIENT_SECRET });
const ready = (url = 'http://fetch.team-ns.svc:8080') => ({ url, phase: 'Ready' });

describe("MCPServer (upstream's conversion scenarios)", () => {
  it('#1 token exchange resolved from the Secret', async () => {
    const h = harness();
    h.put(server('s', { externalAuthConfigRef: { name: 'te-auth' } }, ready()));
    h.put(tokenExchangeAuth());
    h.direct.setSecret(teSecret());
    const b = await h.discoverer.getWorkloadAsBackend({ name: 's', type: 'MCPServer' });
    expect(b?.authConfig).toEqual({
      type: 'token_exchange',
      tokenExchange: {
        tokenUrl: 'https://sts.example.com/token',
        clientId: 'cid',
        clientSecret: CLIENT_SECRET,
        audience: 'backend',
        scopes: ['read'],
        subjectTokenType: 'urn:ietf:params:oauth:token-type:access_token',
      },
    });
    expect(b?.authConfigRef).toBe('te-auth');
    assertNoSecret(h.logs);
  });

  it('#2 header injection', async () => {
    const h = harness();
    h.put(server('s', { externalAuthConfigRef: { name: 'hi' } }, ready()));
    h.put(
      authConfig('hi', { type: 'headerInjection', headerInjection: { headerName: 'X-API-Key', valueSecretRef: { name: 'hs', key: 'v' } } }),
    );
    h.direct.setSecret(secret('hs', { v: HEADER_VALUE }));
    const b = await h.discoverer.getWorkloadAsBackend({ name: 's', type: 'MCPServer' });
    expect(b?.authConfig).toEqual({ type: 'header_injection', headerInjection: { headerName: 'X-API-Key', headerValue: HEADER_VALUE } });
  });

  it('#3 no auth ref → no authConfig', async () => {
    const h = harness();
    h.put(server('s', {}, ready()));
    const b = await h.discoverer.getWorkloadAsBackend({ name: 's', type: 'MCPServer' });
    expect(b).not.toBeNull();
    expect(b).not.toHaveProperty('authConfig');
    expect(b).not.toHaveProperty('authConfigRef');
  });

  it('#4 ref to a missing auth config → null (auth-unresolved)', async () => {
    const h = harness();
    h.put(server('s', { externalAuthConfigRef: { name: 'gone' } }, ready()));
    expect(await h.discoverer.getWorkloadAsBackend({ name: 's', type: 'MCPServer' })).toBeNull();
    const r = await h.discoverer.resolveWorkload({ name: 's', type: 'MCPServer' });
    expect(r.reason).toEqual({
      code: 'auth-unresolved',
      message: 'MCPServer "s": outgoing auth not resolved: failed to get MCPExternalAuthConfig gone: MCPExternalAuthConfig gone not found',
    });
  });

  it('#5 token exchange with a missing Secret → null', async () => {
    const h = harness();
    h.put(server('s', { externalAuthConfigRef: { name: 'te-auth' } }, ready()));
    h.put(tokenExchangeAuth());
    const r = await h.discoverer.resolveWorkload({ name: 's', type: 'MCPServer' });
    expect(r.backend).toBeNull();
    expect(r.reason?.code).toBe('auth-unresolved');
    expect(r.reason?.message).toContain('failed to resolve secrets: failed to get secret team-ns/te-secret');
  });

  it('#6 basic fields', async () => {
    const h = harness();
    h.put(server('fetch', { transport: 'streamable-http' }, ready()));
    expect(await h.discoverer.getWorkloadAsBackend({ name: 'fetch', type: 'MCPServer' })).toEqual({
      id: 'fetch',
      name: 'fetch',
      baseUrl: 'http://fetch.team-ns.svc:8080',
      transportType: 'streamable-http',
      type: '',
      healthStatus: 'healthy',
      metadata: { tool_type: 'mcp', workload_type: 'mcp_server', workload_status: 'Ready', namespace: NS },
    });
  });

  it('#7 stdio + proxyMode sse → sse', async () => {
    const h = harness();
    h.put(server('s', { transport: 'stdio', proxyMode: 'sse' }, ready()));
    expect((await h.discoverer.getWorkloadAsBackend({ name: 's', type: 'MCPServer' }))?.transportType).toBe('sse');
  });

  it('#8 annotations copied, kubectl.kubernetes.io/ filtered', async () => {
    const h = harness();
    h.put(server('s', {}, ready(), { annotations: { custom: 'v', 'kubectl.kubernetes.io/last-applied-configuration': '{}' } }));
    const b = await h.discoverer.getWorkloadAsBackend({ name: 's', type: 'MCPServer' });
    expect(b?.metadata['custom']).toBe('v');
    expect(b?.metadata).not.toHaveProperty('kubectl.kubernetes.io/last-applied-configuration');
  });

  it('#17 Ready with an empty status.url → null (no-url)', async () => {
    const h = harness();
    h.put(server('s', {}, { phase: 'Ready' }));
    const r = await h.discoverer.resolveWorkload({ name: 's', type: 'MCPServer' });
    expect(r).toEqual({ backend: null, reason: { code: 'no-url', message: 'MCPServer "s" has no status.url yet' } });
  });

  it('a Failed server with a URL is served as unhealthy (phase does not gate)', async () => {
    const h = harness();
    h.put(server('s', {}, { url: 'http://x', phase: 'Failed' }));
    expect((await h.discoverer.getWorkloadAsBackend({ name: 's', type: 'MCPServer' }))?.healthStatus).toBe('unhealthy');
  });
});

describe("listWorkloadsInGroup (upstream's scenarios)", () => {
  it('selects by exact group, servers then proxies then entries, each sorted by name', async () => {
    const h = harness();
    h.put(server('s-b'));
    h.put(server('s-a', { groupRef: GROUP }));
    h.put(server('s-other', { groupRef: { name: 'other' } }));
    h.put(proxy('p1'));
    h.put(proxy('p2'));
    h.put(proxy('p-other', { groupRef: { name: `${GROUP}-2` } }));
    h.put(entry('e1'));
    h.put(entry('e2'));
    h.put(entry('e-other', { groupRef: { name: 'TEAM-A' } }));
    expect(await h.discoverer.listWorkloadsInGroup(GROUP)).toEqual([
      { name: 's-a', type: 'MCPServer' },
      { name: 's-b', type: 'MCPServer' },
      { name: 'p1', type: 'MCPRemoteProxy' },
      { name: 'p2', type: 'MCPRemoteProxy' },
      { name: 'e1', type: 'MCPServerEntry' },
      { name: 'e2', type: 'MCPServerEntry' },
    ]);
    expect(await h.discoverer.listWorkloadsInGroup('other')).toEqual([{ name: 's-other', type: 'MCPServer' }]);
    expect(await h.discoverer.listWorkloadsInGroup('nobody')).toEqual([]);
  });

  it('a cache failure names the kind', async () => {
    const h = harness();
    const reader: CacheReader = {
      ...h.cache,
      list: (kind) => {
        if (kind === 'MCPRemoteProxy') throw new Error('boom');
        return h.cache.list(kind);
      },
    };
    const d = createKubernetesDiscoverer({ namespace: NS, reader, direct: h.direct });
    await expect(d.listWorkloadsInGroup(GROUP)).rejects.toThrow('failed to list MCPRemoteProxies: boom');
  });
});

describe("MCPRemoteProxy (upstream's conversion scenarios)", () => {
  it('#12 basic fields incl. remote_url; #15 URL from status.url', async () => {
    const h = harness();
    h.put(proxy('p', { transport: 'sse' }, { url: 'http://p.team-ns.svc:8080', phase: 'Ready' }));
    expect(await h.discoverer.getWorkloadAsBackend({ name: 'p', type: 'MCPRemoteProxy' })).toEqual({
      id: 'p',
      name: 'p',
      baseUrl: 'http://p.team-ns.svc:8080',
      transportType: 'sse',
      type: '',
      healthStatus: 'healthy',
      metadata: {
        tool_type: 'mcp',
        workload_type: 'remote_proxy',
        workload_status: 'Ready',
        remote_url: 'https://remote.example.com/mcp',
        namespace: NS,
      },
    });
  });

  it('accepts the v0.7.0 remoteURL spelling and string groupRef', async () => {
    const h = harness();
    h.put(
      proxy('p', { remoteUrl: undefined, remoteURL: 'https://legacy.example.com', groupRef: GROUP }, { url: 'http://p', phase: 'Ready' }),
    );
    expect((await h.discoverer.getWorkloadAsBackend({ name: 'p', type: 'MCPRemoteProxy' }))?.metadata['remote_url']).toBe(
      'https://legacy.example.com',
    );
    expect(await h.discoverer.listWorkloadsInGroup(GROUP)).toEqual([{ name: 'p', type: 'MCPRemoteProxy' }]);
  });

  it('#13 annotations filtered', async () => {
    const h = harness();
    h.put(
      proxy('p', {}, { url: 'http://p', phase: 'Ready' }, { annotations: { 'kubernetes.io/x': '1', keep: 'me', tool_type: 'spoofed' } }),
    );
    const m = (await h.discoverer.getWorkloadAsBackend({ name: 'p', type: 'MCPRemoteProxy' }))?.metadata;
    expect(m).toEqual({
      keep: 'me',
      tool_type: 'mcp',
      workload_type: 'remote_proxy',
      workload_status: 'Ready',
      remote_url: 'https://remote.example.com/mcp',
      namespace: NS,
    });
  });

  it('#16 proxy + token exchange', async () => {
    const h = harness();
    h.put(proxy('p', { externalAuthConfigRef: { name: 'te-auth' } }, { url: 'http://p', phase: 'Ready' }));
    h.put(tokenExchangeAuth());
    h.direct.setSecret(teSecret());
    expect((await h.discoverer.getWorkloadAsBackend({ name: 'p', type: 'MCPRemoteProxy' }))?.authConfig?.tokenExchange?.clientSecret).toBe(
      CLIENT_SECRET,
    );
  });

  it('#18 Ready with an empty status.url → null', async () => {
    const h = harness();
    h.put(proxy('p', {}, { phase: 'Ready', url: '' }));
    expect((await h.discoverer.resolveWorkload({ name: 'p', type: 'MCPRemoteProxy' })).reason?.code).toBe('no-url');
  });
});

describe("MCPServerEntry (upstream's conversion scenarios)", () => {
  it('#21 #23 #33 Valid entry: URL = remoteUrl, server_entry metadata, healthy, type entry', async () => {
    const h = harness();
    h.put(entry('e'));
    expect(await h.discoverer.getWorkloadAsBackend({ name: 'e', type: 'MCPServerEntry' })).toEqual({
      id: 'e',
      name: 'e',
      baseUrl: 'https://mcp.example.com/mcp',
      transportType: 'streamable-http',
      type: 'entry',
      healthStatus: 'healthy',
      metadata: {
        tool_type: 'mcp',
        workload_type: 'server_entry',
        workload_status: 'Valid',
        remote_url: 'https://mcp.example.com/mcp',
        namespace: NS,
      },
    });
  });

  it('#22 not found → NotFoundError containing "not found"; other kinds too', async () => {
    const h = harness();
    for (const type of ['MCPServerEntry', 'MCPServer', 'MCPRemoteProxy'] as const) {
      const error: unknown = await h.discoverer.getWorkloadAsBackend({ name: 'foo', type }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as Error).message).toBe(`${type} foo not found`);
    }
  });

  it('an unknown workload type is treated as an MCPServer (as upstream)', async () => {
    const h = harness();
    h.put(server('x', {}, ready()));
    const b = await h.discoverer.getWorkloadAsBackend({ name: 'x', type: 'Something' as 'MCPServer' });
    expect(b?.metadata['workload_type']).toBe('mcp_server');
  });

  it('a cache read error throws "failed to get <Kind>: …"', async () => {
    const h = harness();
    const reader: CacheReader = {
      ...h.cache,
      get: () => {
        throw new Error('informer gone');
      },
    };
    const d = createKubernetesDiscoverer({ namespace: NS, reader, direct: h.direct });
    await expect(d.getWorkloadAsBackend({ name: 'e', type: 'MCPServerEntry' })).rejects.toThrow(
      'failed to get MCPServerEntry: informer gone',
    );
  });

  it('#24 sse transport', async () => {
    const h = harness();
    h.put(entry('e', { transport: 'sse' }));
    expect((await h.discoverer.getWorkloadAsBackend({ name: 'e', type: 'MCPServerEntry' }))?.transportType).toBe('sse');
  });

  it('#25 annotations filtered', async () => {
    const h = harness();
    h.put(
      entry(
        'e',
        {},
        { phase: 'Valid' },
        { annotations: { 'deployment.kubernetes.io/revision': '2', 'k8s.io/a': 'b', 'example.com/owner': 'me' } },
      ),
    );
    const m = (await h.discoverer.getWorkloadAsBackend({ name: 'e', type: 'MCPServerEntry' }))?.metadata;
    expect(Object.keys(m ?? {}).sort()).toEqual([
      'example.com/owner',
      'namespace',
      'remote_url',
      'tool_type',
      'workload_status',
      'workload_type',
    ]);
  });

  it('#26 empty remoteUrl → null (no-url)', async () => {
    const h = harness();
    h.put(entry('e', { remoteUrl: '' }));
    expect((await h.discoverer.resolveWorkload({ name: 'e', type: 'MCPServerEntry' })).reason?.code).toBe('no-url');
  });

  it.each(['Pending', 'Failed', '', 'valid'])('#27 phase %j → null (entry-not-valid), checked before the URL', async (phase) => {
    const h = harness();
    h.put(entry('e', { remoteUrl: '::bad' }, phase === '' ? {} : { phase }));
    const r = await h.discoverer.resolveWorkload({ name: 'e', type: 'MCPServerEntry' });
    expect(r.reason?.code).toBe('entry-not-valid');
  });

  it('an unparsable remoteUrl → invalid-url, without quoting the URL', async () => {
    const h = harness();
    h.put(entry('e', { remoteUrl: `https://user:${CLIENT_SECRET}@host:port/` }));
    const r = await h.discoverer.resolveWorkload({ name: 'e', type: 'MCPServerEntry' });
    expect(r.reason).toEqual({
      code: 'invalid-url',
      message: 'MCPServerEntry "e": spec.remoteUrl is not a valid URL: invalid port after host',
    });
    assertNoSecret(r);
  });

  it('#30 no auth; #31 missing auth config → null; #32 token exchange resolved', async () => {
    const h = harness();
    h.put(entry('none'));
    h.put(entry('missing', { externalAuthConfigRef: { name: 'gone' } }));
    h.put(entry('te', { externalAuthConfigRef: { name: 'te-auth' } }));
    h.put(tokenExchangeAuth());
    h.direct.setSecret(teSecret());
    expect(await h.discoverer.getWorkloadAsBackend({ name: 'none', type: 'MCPServerEntry' })).not.toHaveProperty('authConfig');
    expect(await h.discoverer.getWorkloadAsBackend({ name: 'missing', type: 'MCPServerEntry' })).toBeNull();
    const b = await h.discoverer.getWorkloadAsBackend({ name: 'te', type: 'MCPServerEntry' });
    expect([b?.authConfig?.tokenExchange?.clientSecret, b?.authConfigRef]).toEqual([CLIENT_SECRET, 'te-auth']);
  });

  it('#34 CA bundle from ca.crt; #36 empty key defaults to ca.crt; explicit key honoured', async () => {
    const h = harness();
    h.direct.setConfigMap({ metadata: { name: 'ca', namespace: NS }, data: { 'ca.crt': PEM, 'other.pem': 'OTHER' } });
    h.put(entry('default-key', { caBundleRef: { configMapRef: { name: 'ca', key: 'ca.crt' } } }));
    h.put(entry('empty-key', { caBundleRef: { configMapRef: { name: 'ca', key: '' } } }));
    h.put(entry('no-key', { caBundleRef: { configMapRef: { name: 'ca' } } }));
    h.put(entry('explicit', { caBundleRef: { configMapRef: { name: 'ca', key: 'other.pem' } } }));
    const ca = async (name: string) => (await h.discoverer.getWorkloadAsBackend({ name, type: 'MCPServerEntry' }))?.caBundleData;
    expect([await ca('default-key'), await ca('empty-key'), await ca('no-key'), await ca('explicit')]).toEqual([PEM, PEM, PEM, 'OTHER']);
    // Read directly every time, never cached.
    expect(h.direct.reads.filter((r) => r.kind === 'ConfigMap')).toHaveLength(4);
  });

  it('#35 CA ConfigMap missing or key missing → null (ca-bundle-unreadable), before auth', async () => {
    const h = harness();
    h.put(entry('e', { caBundleRef: { configMapRef: { name: 'ca' } }, externalAuthConfigRef: { name: 'gone' } }));
    expect((await h.discoverer.resolveWorkload({ name: 'e', type: 'MCPServerEntry' })).reason).toEqual({
      code: 'ca-bundle-unreadable',
      message: `MCPServerEntry "e": CA bundle not readable: failed to get CA bundle ConfigMap ca: ConfigMap ${NS}/ca not found`,
    });
    h.direct.setConfigMap({ metadata: { name: 'ca', namespace: NS }, data: { 'tls.crt': PEM } });
    expect((await h.discoverer.resolveWorkload({ name: 'e', type: 'MCPServerEntry' })).reason?.message).toBe(
      'MCPServerEntry "e": CA bundle not readable: ConfigMap ca does not contain key "ca.crt"',
    );
    expect(h.direct.reads.some((r) => r.kind === 'Secret')).toBe(false);
  });

  it('caBundleRef without configMapRef → no CA bundle (as upstream)', async () => {
    const h = harness();
    h.put(entry('e', { caBundleRef: {} }));
    const b = await h.discoverer.getWorkloadAsBackend({ name: 'e', type: 'MCPServerEntry' });
    expect(b).not.toBeNull();
    expect(b).not.toHaveProperty('caBundleData');
  });

  it('headerForward: identifiers kept, secret values read directly into headerForwardSecretValues', async () => {
    const h = harness();
    h.put(
      entry('stripe', {
        headerForward: {
          addPlaintextHeaders: { 'X-Tenant': 'acme' },
          addHeadersFromSecret: [{ headerName: 'X-API-Key', valueSecretRef: { name: 'stripe-key', key: 'k' } }],
        },
      }),
    );
    h.direct.setSecret(secret('stripe-key', { k: HEADER_VALUE }));
    const b = await h.discoverer.getWorkloadAsBackend({ name: 'stripe', type: 'MCPServerEntry' });
    expect(b?.headerForward).toEqual({
      addPlaintextHeaders: { 'X-Tenant': 'acme' },
      addHeadersFromSecret: { 'X-API-Key': 'HEADER_FORWARD_X_API_KEY_STRIPE' },
    });
    expect(b?.headerForwardSecretValues).toEqual({ 'X-API-Key': HEADER_VALUE });
    expect(h.direct.reads).toEqual([{ kind: 'Secret', namespace: NS, name: 'stripe-key' }]);
    // Rotation: the next conversion reads the Secret again (no cached value).
    h.direct.setSecret(secret('stripe-key', { k: 'rotated-value' }));
    expect((await h.discoverer.getWorkloadAsBackend({ name: 'stripe', type: 'MCPServerEntry' }))?.headerForwardSecretValues).toEqual({
      'X-API-Key': 'rotated-value',
    });
    assertNoSecret(h.logs);
  });

  it('headerForward: a missing Secret or key excludes the entry (fail closed), naming the header, never the value', async () => {
    const h = harness();
    h.put(
      entry('stripe', {
        headerForward: { addHeadersFromSecret: [{ headerName: 'X-API-Key', valueSecretRef: { name: 'stripe-key', key: 'k' } }] },
      }),
    );
    const missing = await h.discoverer.resolveWorkload({ name: 'stripe', type: 'MCPServerEntry' });
    expect(missing).toEqual({
      backend: null,
      reason: {
        code: 'header-forward-unresolved',
        message: `MCPServerEntry "stripe": forwarded header not resolved: header X-API-Key: failed to get secret ${NS}/stripe-key: Secret ${NS}/stripe-key not found`,
      },
    });
    h.direct.setSecret(secret('stripe-key', { other: HEADER_VALUE }));
    const noKey = await h.discoverer.resolveWorkload({ name: 'stripe', type: 'MCPServerEntry' });
    expect(noKey.reason?.message).toBe(
      `MCPServerEntry "stripe": forwarded header not resolved: header X-API-Key: secret ${NS}/stripe-key does not contain key k`,
    );
    assertNoSecret([missing, noKey, h.logs]);
    // Positive control: with the key present the same entry is served.
    h.direct.setSecret(secret('stripe-key', { k: HEADER_VALUE }));
    expect((await h.discoverer.getWorkloadAsBackend({ name: 'stripe', type: 'MCPServerEntry' }))?.headerForwardSecretValues).toEqual({
      'X-API-Key': HEADER_VALUE,
    });
  });

  it('headerForward: valueSecretRef without a key is malformed', async () => {
    const h = harness();
    h.put(entry('e', { headerForward: { addHeadersFromSecret: [{ headerName: 'X', valueSecretRef: { name: 's' } }] } }));
    expect((await h.discoverer.resolveWorkload({ name: 'e', type: 'MCPServerEntry' })).reason).toEqual({
      code: 'malformed',
      message: 'MCPServerEntry "e": spec.headerForward.addHeadersFromSecret[0].valueSecretRef.key is required',
    });
  });

  it('signal: an abort during conversion propagates instead of excluding the backend', async () => {
    const h = harness();
    h.put(entry('e', { caBundleRef: { configMapRef: { name: 'ca' } } }));
    const controller = new AbortController();
    const direct = createMemoryDirectReader();
    const d = createKubernetesDiscoverer({
      namespace: NS,
      reader: h.cache,
      direct: {
        ...direct,
        getConfigMap: () => {
          controller.abort(new Error('shutting down'));
          return Promise.reject(new Error('aborted'));
        },
      },
    });
    await expect(d.resolveWorkload({ name: 'e', type: 'MCPServerEntry' }, controller.signal)).rejects.toThrow('shutting down');
    await expect(d.resolveWorkload({ name: 'e', type: 'MCPServerEntry' }, controller.signal)).rejects.toThrow('shutting down');
  });
});

describe('createKubernetesDiscoverer options', () => {
  it.each([
    [{ namespace: '' }, 'namespace cannot be empty'],
    [{ reader: undefined }, 'reader is required'],
    [{ direct: {} }, 'direct is required'],
  ])('%j → %s', (override, message) => {
    const base = { namespace: NS, reader: harness().cache, direct: createMemoryDirectReader() };
    expect(() => createKubernetesDiscoverer({ ...base, ...override } as never)).toThrow(message);
  });

  it('uses the object namespace for auth Secrets and falls back to the discoverer namespace', async () => {
    const h = harness();
    const o = server('s', { externalAuthConfigRef: { name: 'te-auth' } }, ready());
    delete o.metadata.namespace;
    h.put(o);
    h.put(tokenExchangeAuth());
    h.direct.setSecret(teSecret());
    const b = await h.discoverer.getWorkloadAsBackend({ name: 's', type: 'MCPServer' });
    expect(b?.authConfig?.tokenExchange?.clientSecret).toBe(CLIENT_SECRET);
    expect(b?.metadata).not.toHaveProperty('namespace');
  });
});
