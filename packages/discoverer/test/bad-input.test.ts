import type { KubeObject } from '@vmcp/api';
import { describe, expect, it } from 'vitest';
import { createKubernetesDiscoverer, type CacheReader, type WorkloadType } from '../src/index.ts';
import { GROUP, NS, authConfig, entry, obj, proxy, server } from './fixtures.ts';
import { PLANTED, assertNoSecret, harness, secret } from './harness.ts';

const [CLIENT_SECRET, HEADER_VALUE] = PLANTED;
const READY = { url: 'http://s', phase: 'Ready' };

type Setup = (h: ReturnType<typeof harness>) => void;
interface Row {
  name: string;
  kind: WorkloadType;
  object: KubeObject;
  setup?: Setup;
  /** Expected exclusion code and a substring of its message; or 'served'. */
  expect: { code: string; message: string } | 'served';
}

/** Every Secret a row may need holds a planted value; none may leak into a reason or a log line. */
const withSecrets: Setup = (h) => {
  h.direct.setSecret(secret('te-secret', { 'client-secret': CLIENT_SECRET }));
  h.direct.setSecret(secret('hdr', { v: HEADER_VALUE }));
};
const withAuth =
  (spec: Record<string, unknown>): Setup =>
  (h) => {
    withSecrets(h);
    h.put(authConfig('auth', spec));
  };
const te = (extra: Record<string, unknown> = {}) => ({
  type: 'tokenExchange',
  tokenExchange: { tokenUrl: 'https://sts', clientSecretRef: { name: 'te-secret', key: 'client-secret' }, ...extra },
});
const malformed = (message: string) => ({ code: 'malformed', message });
const authFail = (message: string) => ({ code: 'auth-unresolved', message });
const ref = { externalAuthConfigRef: { name: 'auth' } };

const rows: Row[] = [
  // Wrong JSON types in every field conversion reads.
  {
    name: 'metadata is a string',
    kind: 'MCPServer',
    object: { ...server('s'), metadata: 'x' } as unknown as KubeObject,
    expect: malformed('MCPServer "s": metadata must be an object, got string'),
  },
  {
    name: 'metadata.namespace is a number',
    kind: 'MCPServer',
    object: server('s', {}, READY, { namespace: 5 }),
    expect: malformed('metadata.namespace must be a string, got number'),
  },
  {
    name: 'annotations is an array',
    kind: 'MCPServer',
    object: server('s', {}, READY, { annotations: ['a'] }),
    expect: malformed('MCPServer "s": metadata.annotations must be an object, got array'),
  },
  {
    name: 'an annotation value is a number',
    kind: 'MCPServer',
    object: server('s', {}, READY, { annotations: { a: 'b', n: 1 } }),
    expect: malformed('metadata.annotations["n"] must be a string, got number'),
  },
  {
    name: 'spec is a string',
    kind: 'MCPServer',
    object: obj('MCPServer', 's', 'spec!', READY, {}),
    expect: malformed('MCPServer "s": spec must be an object, got string'),
  },
  {
    name: 'spec is an array',
    kind: 'MCPRemoteProxy',
    object: obj('MCPRemoteProxy', 'p', [1], READY, {}),
    expect: malformed('MCPRemoteProxy "p": spec must be an object, got array'),
  },
  {
    name: 'status is a number',
    kind: 'MCPServer',
    object: server('s', {}, 7 as unknown as Record<string, unknown>),
    expect: malformed('MCPServer "s": status must be an object, got number'),
  },
  {
    name: 'status.url is an object',
    kind: 'MCPServer',
    object: server('s', {}, { url: { host: 'x' }, phase: 'Ready' }),
    expect: malformed('status.url must be a string, got object'),
  },
  {
    name: 'status.phase is a boolean',
    kind: 'MCPRemoteProxy',
    object: proxy('p', {}, { url: 'http://p', phase: true }),
    expect: malformed('status.phase must be a string, got boolean'),
  },
  {
    name: 'spec.transport is a number',
    kind: 'MCPServer',
    object: server('s', { transport: 1 }, READY),
    expect: malformed('spec.transport must be a string, got number'),
  },
  {
    name: 'spec.proxyMode is an array',
    kind: 'MCPServer',
    object: server('s', { proxyMode: ['sse'] }, READY),
    expect: malformed('spec.proxyMode must be a string, got array'),
  },
  {
    name: 'spec.externalAuthConfigRef is a string',
    kind: 'MCPServer',
    object: server('s', { externalAuthConfigRef: 'auth' }, READY),
    expect: malformed('MCPServer "s": spec.externalAuthConfigRef must be an object, got string'),
  },
  {
    name: 'spec.externalAuthConfigRef.name is a number',
    kind: 'MCPServer',
    object: server('s', { externalAuthConfigRef: { name: 3 } }, READY),
    expect: malformed('spec.externalAuthConfigRef.name must be a string, got number'),
  },
  {
    name: 'spec.externalAuthConfigRef.name empty',
    kind: 'MCPServer',
    object: server('s', { externalAuthConfigRef: {} }, READY),
    expect: malformed('spec.externalAuthConfigRef.name is required'),
  },
  {
    name: 'spec.remoteUrl is a number (proxy)',
    kind: 'MCPRemoteProxy',
    object: proxy('p', { remoteUrl: 42 }, READY),
    expect: malformed('MCPRemoteProxy "p": spec.remoteUrl must be a string, got number'),
  },
  {
    name: 'spec.remoteURL is null (proxy) → absent',
    kind: 'MCPRemoteProxy',
    object: proxy('p', { remoteURL: null }, READY),
    expect: 'served',
  },
  {
    name: 'spec.remoteUrl is an object (entry)',
    kind: 'MCPServerEntry',
    object: entry('e', { remoteUrl: { u: 1 } }),
    expect: malformed('MCPServerEntry "e": spec.remoteUrl must be a string, got object'),
  },
  {
    name: 'spec.caBundleRef is a string',
    kind: 'MCPServerEntry',
    object: entry('e', { caBundleRef: 'ca' }),
    expect: malformed('spec.caBundleRef must be an object, got string'),
  },
  {
    name: 'spec.caBundleRef.configMapRef is an array',
    kind: 'MCPServerEntry',
    object: entry('e', { caBundleRef: { configMapRef: [] } }),
    expect: malformed('spec.caBundleRef.configMapRef must be an object, got array'),
  },
  {
    name: 'configMapRef.key is a number',
    kind: 'MCPServerEntry',
    object: entry('e', { caBundleRef: { configMapRef: { name: 'ca', key: 1 } } }),
    expect: malformed('spec.caBundleRef.configMapRef.key must be a string, got number'),
  },
  {
    name: 'configMapRef.name empty',
    kind: 'MCPServerEntry',
    object: entry('e', { caBundleRef: { configMapRef: { key: 'ca.crt' } } }),
    expect: malformed('spec.caBundleRef.configMapRef.name is required'),
  },
  {
    name: 'headerForward is a string',
    kind: 'MCPServerEntry',
    object: entry('e', { headerForward: 'x' }),
    expect: malformed('spec.headerForward must be an object, got string'),
  },
  {
    name: 'addPlaintextHeaders value is a number',
    kind: 'MCPServerEntry',
    object: entry('e', { headerForward: { addPlaintextHeaders: { A: 1 } } }),
    expect: malformed('spec.headerForward.addPlaintextHeaders["A"] must be a string, got number'),
  },
  {
    name: 'addHeadersFromSecret is an object',
    kind: 'MCPServerEntry',
    object: entry('e', { headerForward: { addHeadersFromSecret: { a: 1 } } }),
    expect: malformed('spec.headerForward.addHeadersFromSecret must be an array, got object'),
  },
  {
    name: 'addHeadersFromSecret item is a string',
    kind: 'MCPServerEntry',
    object: entry('e', { headerForward: { addHeadersFromSecret: ['X'] } }),
    expect: malformed('spec.headerForward.addHeadersFromSecret[0] must be an object, got string'),
  },
  {
    name: 'addHeadersFromSecret headerName missing',
    kind: 'MCPServerEntry',
    object: entry('e', { headerForward: { addHeadersFromSecret: [{ valueSecretRef: { name: 'hdr', key: 'v' } }] } }),
    expect: malformed('spec.headerForward.addHeadersFromSecret[0].headerName is required'),
  },
  {
    name: 'malformed beats not-Valid (entry)',
    kind: 'MCPServerEntry',
    object: entry('e', { transport: {} }, { phase: 'Pending' }),
    expect: malformed('spec.transport must be a string, got object'),
  },
  {
    name: 'groupRef of a wrong type does not matter to conversion',
    kind: 'MCPServer',
    object: server('s', { groupRef: 12 }, READY),
    expect: 'served',
  },

  // Missing pieces.
  {
    name: 'no spec (server) → no URL decision still made',
    kind: 'MCPServer',
    object: obj('MCPServer', 's', undefined, READY, {}),
    expect: 'served',
  },
  {
    name: 'no status (server)',
    kind: 'MCPServer',
    object: server('s'),
    expect: { code: 'no-url', message: 'MCPServer "s" has no status.url yet' },
  },
  {
    name: 'no status (entry)',
    kind: 'MCPServerEntry',
    object: entry('e', {}, {}),
    expect: { code: 'entry-not-valid', message: 'is not Valid (status.phase "")' },
  },
  {
    name: 'null spec and status (proxy)',
    kind: 'MCPRemoteProxy',
    object: obj('MCPRemoteProxy', 'p', null, null, {}),
    expect: { code: 'no-url', message: 'no status.url' },
  },
  {
    name: 'unknown transport (proxy) falls back',
    kind: 'MCPRemoteProxy',
    object: proxy('p', { transport: 'websocket' }, READY),
    expect: 'served',
  },
  {
    name: 'unparsable URL',
    kind: 'MCPServerEntry',
    object: entry('e', { remoteUrl: 'https://h/%zz' }),
    expect: { code: 'invalid-url', message: 'invalid URL escape in path' },
  },

  // Auth failures: each fails closed.
  {
    name: 'unknown auth type',
    kind: 'MCPServer',
    object: server('s', ref, READY),
    setup: withAuth({ type: 'kerberos' }),
    expect: authFail('failed to get converter for auth type kerberos: unsupported auth type: kerberos'),
  },
  {
    name: 'bearerToken (unsupported upstream)',
    kind: 'MCPServer',
    object: server('s', ref, READY),
    setup: withAuth({ type: 'bearerToken', bearerToken: { tokenSecretRef: { name: 'te-secret', key: 'client-secret' } } }),
    expect: authFail('unsupported auth type: bearerToken'),
  },
  {
    name: 'missing auth config',
    kind: 'MCPRemoteProxy',
    object: proxy('p', ref, READY),
    setup: withSecrets,
    expect: authFail('failed to get MCPExternalAuthConfig auth: MCPExternalAuthConfig auth not found'),
  },
  {
    name: 'auth config spec is a string',
    kind: 'MCPServer',
    object: server('s', ref, READY),
    setup: withAuth('x' as unknown as Record<string, unknown>),
    expect: authFail('MCPExternalAuthConfig "auth": spec must be an object, got string'),
  },
  {
    name: 'auth sub-config scopes has a number',
    kind: 'MCPServer',
    object: server('s', ref, READY),
    setup: withAuth(te({ scopes: ['a', 2] })),
    expect: authFail(
      'failed to convert to strategy: MCPExternalAuthConfig "auth": spec.tokenExchange.scopes[1] must be a string, got number',
    ),
  },
  {
    name: 'missing Secret',
    kind: 'MCPServer',
    object: server('s', ref, READY),
    setup: withAuth(te({ clientSecretRef: { name: 'nope', key: 'k' } })),
    expect: authFail(`failed to resolve secrets: failed to get secret ${NS}/nope: Secret ${NS}/nope not found`),
  },
  {
    name: 'missing key',
    kind: 'MCPServerEntry',
    object: entry('e', ref),
    setup: withAuth(te({ clientSecretRef: { name: 'te-secret', key: 'nope' } })),
    expect: authFail(`secret ${NS}/te-secret does not contain key nope`),
  },
  {
    name: 'invalid base64',
    kind: 'MCPServer',
    object: server('s', ref, READY),
    setup: (h) => {
      withAuth(te())(h);
      h.direct.setSecret({ metadata: { name: 'te-secret', namespace: NS }, data: { 'client-secret': `${CLIENT_SECRET}*` } });
    },
    expect: authFail(`secret ${NS}/te-secret: data["client-secret"] is not valid base64`),
  },
  {
    name: 'Secret API failure',
    kind: 'MCPServer',
    object: server('s', ref, READY),
    setup: (h) => {
      withAuth(te())(h);
      h.direct.failWith('Secret', NS, 'te-secret', new Error('secrets "te-secret" is forbidden'));
    },
    expect: authFail('failed to get secret team-ns/te-secret: secrets "te-secret" is forbidden'),
  },
  {
    name: 'obo',
    kind: 'MCPServer',
    object: server('s', ref, READY),
    setup: withAuth({ type: 'obo', obo: {} }),
    expect: authFail(
      'failed to convert to strategy: vMCP OBO converter: on-behalf-of (OBO) external auth type requires an enterprise build',
    ),
  },
  { name: 'valid token exchange is served', kind: 'MCPServer', object: server('s', ref, READY), setup: withAuth(te()), expect: 'served' },
];

describe('bad input: each row has a clear outcome, no crash, no secret value anywhere', () => {
  it.each(rows)('$name', async (row) => {
    let h = harness();
    row.setup?.(h);
    let name = 's';
    if (typeof row.object.metadata === 'object') {
      h.put(row.object);
      name = row.object.metadata.name;
    } else {
      // No cache keys an object without metadata; a reader that returns it anyway still must not crash us.
      const base = h;
      const reader: CacheReader = { ...base.cache, get: <T extends KubeObject>() => row.object as T };
      const discoverer = createKubernetesDiscoverer({
        namespace: NS,
        reader,
        direct: base.direct,
        logger: { debug: (message: string) => void base.logs.push({ level: 'debug', message }) },
      });
      h = { ...base, discoverer };
    }
    const resolution = await h.discoverer.resolveWorkload({ name, type: row.kind });
    if (row.expect === 'served') {
      expect(resolution.backend).not.toBeNull();
    } else {
      expect(resolution.backend).toBeNull();
      expect(resolution.reason?.code).toBe(row.expect.code);
      expect(resolution.reason?.message).toContain(row.expect.message);
      expect(await h.discoverer.getWorkloadAsBackend({ name, type: row.kind })).toBeNull();
    }
    assertNoSecret(resolution.reason ?? {});
    assertNoSecret(h.logs);
    if (resolution.backend === null) expect(h.logs.some((l) => l.level === 'debug' && l.message.includes('not served'))).toBe(true);
  });
});

describe('size limits', () => {
  it('a huge annotation map (10,000 keys) is converted, filtered, quickly', async () => {
    const h = harness();
    const annotations: Record<string, string> = {};
    for (let i = 0; i < 10_000; i++) annotations[i % 2 === 0 ? `example.com/k${i}` : `kubernetes.io/k${i}`] = `v${i}`;
    h.put(server('s', {}, READY, { annotations }));
    const started = performance.now();
    const b = await h.discoverer.getWorkloadAsBackend({ name: 's', type: 'MCPServer' });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(Object.keys(b?.metadata ?? {})).toHaveLength(5_000 + 4);
    expect(b?.metadata['example.com/k9998']).toBe('v9998');
  });

  it('names at the 253-character limit work through plan, list and conversion', async () => {
    const h = harness();
    const long = (c: string) => `${c.repeat(63)}.${c.repeat(63)}.${c.repeat(63)}.${c.repeat(61)}`;
    expect(long('a')).toHaveLength(253);
    h.put(server(long('a'), { externalAuthConfigRef: { name: long('c') } }, READY));
    h.put(entry(long('b'), { caBundleRef: { configMapRef: { name: long('d') } } }));
    h.put(authConfig(long('c'), { type: 'unauthenticated' }));
    h.direct.setConfigMap({ metadata: { name: long('d'), namespace: NS }, data: { 'ca.crt': 'PEM' } });
    expect(await h.discoverer.listWorkloadsInGroup(GROUP)).toEqual([
      { name: long('a'), type: 'MCPServer' },
      { name: long('b'), type: 'MCPServerEntry' },
    ]);
    const s = await h.discoverer.getWorkloadAsBackend({ name: long('a'), type: 'MCPServer' });
    expect([s?.id, s?.authConfigRef, s?.authConfig?.type]).toEqual([long('a'), long('c'), 'unauthenticated']);
    expect((await h.discoverer.getWorkloadAsBackend({ name: long('b'), type: 'MCPServerEntry' }))?.caBundleData).toBe('PEM');
    const authKind = h.plan.kinds.find((k) => k.kind === 'MCPExternalAuthConfig')!;
    expect(authKind.mapToBackends(authConfig(long('c'), {}), h.cache)).toEqual([long('a')]);
  });

  it('an unknown transport string of any length is logged shortened, never in full', async () => {
    const h = harness();
    h.put(server('s', { transport: 'x'.repeat(10_000) }, READY));
    await h.discoverer.getWorkloadAsBackend({ name: 's', type: 'MCPServer' });
    const warning = h.logs.find((l) => l.level === 'warn');
    expect(warning?.message.length).toBeLessThan(200);
  });
});
