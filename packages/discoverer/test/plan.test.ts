import type { KubeObject } from '@vmcp/api';
import { describe, expect, it } from 'vitest';
import {
  AUTH_CONFIG_INDEX,
  CA_BUNDLE_CONFIG_MAP_INDEX,
  SECRET_INDEX,
  HEADER_FORWARD_SECRET_INDEX,
  kubernetesWatchPlan,
  type WatchedKind,
} from '../src/index.ts';
import { createMemoryCacheReader } from '../src/testing/index.ts';
import { GROUP, NS, authConfig, entry, obj, proxy, server } from './fixtures.ts';

const plan = kubernetesWatchPlan({ group: GROUP });
const kindOf = (kind: string): WatchedKind => {
  const found = plan.kinds.find((k) => k.kind === kind);
  if (found === undefined) throw new Error(`no ${kind}`);
  return found;
};

describe('kubernetesWatchPlan: shape', () => {
  it('watches the six kinds, Secrets and ConfigMaps metadata-only', () => {
    expect(plan.kinds.map((k) => [k.kind, k.metadataOnly === true])).toEqual([
      ['MCPServer', false],
      ['MCPRemoteProxy', false],
      ['MCPServerEntry', false],
      ['MCPExternalAuthConfig', false],
      ['Secret', true],
      ['ConfigMap', true],
    ]);
    expect(plan.kinds.map((k) => k.resource.plural)).toEqual([
      'mcpservers',
      'mcpremoteproxies',
      'mcpserverentries',
      'mcpexternalauthconfigs',
      'secrets',
      'configmaps',
    ]);
  });

  it('lists the sources in precedence order and reads both groupRef forms', () => {
    expect(plan.sources.map((s) => s.kind)).toEqual(['MCPServer', 'MCPRemoteProxy', 'MCPServerEntry']);
    const groupOf = plan.sources[0]!.groupOf;
    expect(groupOf(server('a', { groupRef: { name: 'g1' } }))).toBe('g1');
    expect(groupOf(server('a', { groupRef: 'g2' }))).toBe('g2');
    expect(groupOf(server('a', { groupRef: 42 }))).toBe('');
    expect(groupOf({ metadata: { name: 'a' } })).toBe('');
  });

  it('rejects an empty group', () => {
    expect(() => kubernetesWatchPlan({ group: '' })).toThrow('group cannot be empty');
  });
});

describe('kubernetesWatchPlan: transforms', () => {
  const managedFields = [{ manager: 'kubectl', fieldsV1: { 'f:spec': {} } }];
  const meta = {
    managedFields,
    labels: { app: 'x' },
    ownerReferences: [{ name: 'o' }],
    creationTimestamp: '2026-01-01T00:00:00Z',
    generation: 3,
    deletionTimestamp: '2026-01-02T00:00:00Z',
    annotations: {
      'kubectl.kubernetes.io/last-applied-configuration': '{"huge":true}',
      'k8s.io/x': '1',
      team: 'blue',
    },
  };

  it('MCPServer keeps exactly what conversion reads', () => {
    const input = server(
      'fetch',
      {
        image: 'img',
        env: [{ name: 'A', value: 'B' }],
        transport: 'stdio',
        proxyMode: 'sse',
        externalAuthConfigRef: { name: 'auth', extra: 1 },
        resources: {},
      },
      { url: 'http://fetch', phase: 'Ready', conditions: [{ type: 'Ready' }], message: 'm' },
      meta,
    );
    expect(kindOf('MCPServer').transform!(input)).toEqual({
      apiVersion: 'toolhive.stacklok.dev/v1beta1',
      kind: 'MCPServer',
      metadata: {
        name: 'fetch',
        namespace: NS,
        uid: 'uid-fetch',
        resourceVersion: '1',
        generation: 3,
        deletionTimestamp: '2026-01-02T00:00:00Z',
        annotations: { team: 'blue' },
      },
      spec: { groupRef: { name: GROUP }, transport: 'stdio', proxyMode: 'sse', externalAuthConfigRef: { name: 'auth' } },
      status: { url: 'http://fetch', phase: 'Ready' },
    });
  });

  it('MCPRemoteProxy and MCPServerEntry keep their read fields, drop the rest', () => {
    const p = kindOf('MCPRemoteProxy').transform!(
      proxy(
        'p',
        { oidcConfig: { issuer: 'x' }, headerForward: { addPlaintextHeaders: { a: 'b' } }, remoteURL: 'https://old' },
        { url: 'u', phase: 'Ready', externalUrl: 'e' },
        meta,
      ),
    ) as unknown as Record<string, Record<string, unknown>>;
    expect(Object.keys(p['spec']!).sort()).toEqual(['groupRef', 'remoteURL', 'remoteUrl', 'transport']);
    expect(p['status']).toEqual({ url: 'u', phase: 'Ready' });
    expect(p['metadata']!['managedFields']).toBeUndefined();

    const e = kindOf('MCPServerEntry').transform!(
      entry(
        'e',
        {
          allowPrivateEndpoint: true,
          headerForward: {
            addPlaintextHeaders: { a: 'b' },
            addHeadersFromSecret: [{ headerName: 'X', valueSecretRef: { name: 's', key: 'k' } }],
            junk: 1,
          },
          caBundleRef: { configMapRef: { name: 'ca', key: 'pem', optional: true } },
        },
        { phase: 'Valid', conditions: [] },
        meta,
      ),
    ) as unknown as Record<string, Record<string, unknown>>;
    expect(e['spec']).toEqual({
      groupRef: { name: GROUP },
      remoteUrl: 'https://mcp.example.com/mcp',
      transport: 'streamable-http',
      headerForward: {
        addPlaintextHeaders: { a: 'b' },
        addHeadersFromSecret: [{ headerName: 'X', valueSecretRef: { name: 's', key: 'k' } }],
      },
      caBundleRef: { configMapRef: { name: 'ca', key: 'pem' } },
    });
    expect(e['status']).toEqual({ phase: 'Valid' });
  });

  it('preserves wrong-typed values so conversion can report them', () => {
    const input = obj('MCPServer', 'bad', { groupRef: 'legacy', externalAuthConfigRef: 'auth', transport: 7, proxyMode: ['x'] }, 'broken', {
      annotations: 'nope',
    });
    expect(kindOf('MCPServer').transform!(input)).toMatchObject({
      metadata: { name: 'bad', annotations: 'nope' },
      spec: { groupRef: 'legacy', externalAuthConfigRef: 'auth', transport: 7, proxyMode: ['x'] },
      status: 'broken',
    });
    const specString = obj('MCPServerEntry', 'bad', 'a string', undefined, { annotations: { ok: 'x', n: 5 } });
    expect(kindOf('MCPServerEntry').transform!(specString)).toMatchObject({
      spec: 'a string',
      metadata: { annotations: { ok: 'x', n: 5 } },
    });
  });

  it('never throws on garbage', () => {
    for (const k of plan.kinds) {
      for (const garbage of [{}, { metadata: null }, { metadata: 'x', spec: null }, { metadata: { name: 'a' }, spec: [1, 2] }]) {
        expect(() => k.transform!(garbage as unknown as KubeObject)).not.toThrow();
      }
    }
  });

  it('MCPExternalAuthConfig keeps the whole spec (pluggable converters) and drops status', () => {
    const spec = { type: 'custom', custom: { deep: { a: 1 } } };
    const out = kindOf('MCPExternalAuthConfig').transform!({
      ...authConfig('a', spec),
      status: { configHash: 'h' },
      metadata: { name: 'a', managedFields, annotations: { x: 'y' } },
    } as unknown as KubeObject);
    expect(out).toEqual({ apiVersion: 'toolhive.stacklok.dev/v1beta1', kind: 'MCPExternalAuthConfig', metadata: { name: 'a' }, spec });
  });

  it('Secret and ConfigMap keep identity metadata only, never data', () => {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: NS, resourceVersion: '9', managedFields, annotations: { a: 'b' } },
      data: { k: 'c2VjcmV0' },
      stringData: { k: 'secret' },
      type: 'Opaque',
    };
    for (const kind of ['Secret', 'ConfigMap']) {
      const out = kindOf(kind).transform!(secret);
      expect(out).toEqual({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: NS, resourceVersion: '9' } });
      expect(JSON.stringify(out)).not.toContain('secret');
    }
  });
});

describe('kubernetesWatchPlan: indexes and mapToBackends', () => {
  function setup() {
    const cache = createMemoryCacheReader(plan);
    cache.set('MCPServer', server('s1', { externalAuthConfigRef: { name: 'auth' } }));
    cache.set('MCPServer', server('s-other', { groupRef: { name: 'other' }, externalAuthConfigRef: { name: 'auth' } }));
    cache.set('MCPServer', server('s-noauth'));
    cache.set('MCPRemoteProxy', proxy('p1', { externalAuthConfigRef: { name: 'auth' } }));
    cache.set(
      'MCPServerEntry',
      entry('e1', {
        groupRef: 'team-a',
        externalAuthConfigRef: { name: 'auth' },
        caBundleRef: { configMapRef: { name: 'ca', key: 'ca.crt' } },
      }),
    );
    cache.set('MCPServerEntry', entry('e2', { caBundleRef: { configMapRef: { name: 'ca' } } }));
    cache.set('MCPServerEntry', entry('e-other', { groupRef: { name: 'other' }, caBundleRef: { configMapRef: { name: 'ca' } } }));
    cache.set(
      'MCPServerEntry',
      entry('e-hf', {
        headerForward: {
          addHeadersFromSecret: [
            { headerName: 'X', valueSecretRef: { name: 'hf-secret', key: 'k' } },
            { headerName: 'Y', valueSecretRef: { name: 'te-secret', key: 'y' } },
          ],
        },
      }),
    );
    cache.set(
      'MCPServerEntry',
      entry('e-hf-other', {
        groupRef: { name: 'other' },
        headerForward: { addHeadersFromSecret: [{ headerName: 'X', valueSecretRef: { name: 'hf-secret', key: 'k' } }] },
      }),
    );
    cache.set(
      'MCPExternalAuthConfig',
      authConfig('auth', { type: 'tokenExchange', tokenExchange: { tokenUrl: 'u', clientSecretRef: { name: 'te-secret', key: 'k' } } }),
    );
    cache.set(
      'MCPExternalAuthConfig',
      authConfig('xaa', {
        type: 'xaa',
        xaa: { idpClientSecretRef: { name: 'idp', key: 'k' }, targetClientSecretRef: { name: 'target', key: 'k' } },
      }),
    );
    cache.set(
      'MCPExternalAuthConfig',
      authConfig('hi', {
        type: 'headerInjection',
        headerInjection: { headerName: 'X', valueSecretRef: { name: 'te-secret', key: 'other' } },
      }),
    );
    cache.set(
      'MCPExternalAuthConfig',
      authConfig('bearer', { type: 'bearerToken', bearerToken: { tokenSecretRef: { name: 'bt', key: 'k' } } }),
    );
    return cache;
  }
  const mapOf = (kind: string, o: KubeObject, cache: ReturnType<typeof setup>) => [...kindOf(kind).mapToBackends(o, cache)].sort();

  it('source kinds map to their own name, in our group or not (so out-of-group objects are reported whenever they come)', () => {
    const cache = setup();
    expect(mapOf('MCPServer', server('a'), cache)).toEqual(['a']);
    expect(mapOf('MCPServer', server('a', { groupRef: 'team-a' }), cache)).toEqual(['a']);
    // Regression (convergence suite, seed 3321833637): an object created in another group after the start was never
    // reconciled, so it was missing from the exclusions that list the same object when it existed at the start.
    expect(mapOf('MCPServer', server('a', { groupRef: { name: 'other' } }), cache)).toEqual(['a']);
    expect(mapOf('MCPRemoteProxy', proxy('a', { groupRef: null }), cache)).toEqual(['a']);
    expect(mapOf('MCPServerEntry', entry('a'), cache)).toEqual(['a']);
    expect(mapOf('MCPServerEntry', entry('a', { groupRef: { name: 'TEAM-A' } }), cache)).toEqual(['a']);
    expect(mapOf('MCPServer', { metadata: { name: '' } }, cache)).toEqual([]);
  });

  it('indexes: authConfig, caBundleConfigMap, secret', () => {
    const cache = setup();
    expect(
      cache
        .byIndex('MCPServer', AUTH_CONFIG_INDEX, 'auth')
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(['s-other', 's1']);
    expect(
      cache
        .byIndex('MCPServerEntry', CA_BUNDLE_CONFIG_MAP_INDEX, 'ca')
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(['e-other', 'e1', 'e2']);
    expect(
      cache
        .byIndex('MCPExternalAuthConfig', SECRET_INDEX, 'te-secret')
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(['auth', 'hi']);
    expect(cache.byIndex('MCPExternalAuthConfig', SECRET_INDEX, 'idp').map((o) => o.metadata.name)).toEqual(['xaa']);
    expect(cache.byIndex('MCPExternalAuthConfig', SECRET_INDEX, 'target').map((o) => o.metadata.name)).toEqual(['xaa']);
    expect(cache.byIndex('MCPExternalAuthConfig', SECRET_INDEX, 'bt').map((o) => o.metadata.name)).toEqual(['bearer']);
    expect(() => cache.byIndex('MCPServer', 'nope', 'x')).toThrow('kind MCPServer has no index nope');
  });

  it('MCPExternalAuthConfig → in-group servers, proxies and entries referencing it', () => {
    const cache = setup();
    expect(mapOf('MCPExternalAuthConfig', authConfig('auth', {}), cache)).toEqual(['e1', 'p1', 's1']);
    expect(mapOf('MCPExternalAuthConfig', authConfig('unused', {}), cache)).toEqual([]);
  });

  it('ConfigMap → in-group entries using it as CA bundle', () => {
    const cache = setup();
    expect(mapOf('ConfigMap', { metadata: { name: 'ca' } }, cache)).toEqual(['e1', 'e2']);
    expect(mapOf('ConfigMap', { metadata: { name: 'unrelated' } }, cache)).toEqual([]);
  });

  it('Secret → backends of the auth configs referencing it (two hops) and in-group entries forwarding a header from it', () => {
    const cache = setup();
    expect(mapOf('Secret', { metadata: { name: 'te-secret' } }, cache)).toEqual(['e-hf', 'e1', 'p1', 's1']);
    expect(mapOf('Secret', { metadata: { name: 'hf-secret' } }, cache)).toEqual(['e-hf']);
    expect(
      cache
        .byIndex('MCPServerEntry', HEADER_FORWARD_SECRET_INDEX, 'hf-secret')
        .map((o) => o.metadata.name)
        .sort(),
    ).toEqual(['e-hf', 'e-hf-other']);
    cache.set('MCPServer', server('s2', { externalAuthConfigRef: { name: 'hi' } }));
    expect(mapOf('Secret', { metadata: { name: 'te-secret' } }, cache)).toEqual(['e-hf', 'e1', 'p1', 's1', 's2']);
    expect(mapOf('Secret', { metadata: { name: 'idp' } }, cache)).toEqual([]);
    expect(mapOf('Secret', { metadata: { name: 'unrelated' } }, cache)).toEqual([]);
  });

  it('indexes follow updates and deletes', () => {
    const cache = setup();
    cache.set('MCPServer', server('s1', { externalAuthConfigRef: { name: 'hi' } }));
    expect(mapOf('MCPExternalAuthConfig', authConfig('auth', {}), cache)).toEqual(['e1', 'p1']);
    expect(mapOf('MCPExternalAuthConfig', authConfig('hi', {}), cache)).toEqual(['s1']);
    expect(cache.delete('MCPRemoteProxy', 'p1')).toBe(true);
    expect(cache.delete('MCPRemoteProxy', 'p1')).toBe(false);
    expect(mapOf('MCPExternalAuthConfig', authConfig('auth', {}), cache)).toEqual(['e1']);
    cache.delete('MCPExternalAuthConfig', 'hi');
    expect(mapOf('Secret', { metadata: { name: 'te-secret' } }, cache)).toEqual(['e-hf', 'e1']);
    cache.delete('MCPServerEntry', 'e-hf');
    expect(mapOf('Secret', { metadata: { name: 'te-secret' } }, cache)).toEqual(['e1']);
  });

  it('wrong-typed references index nothing and never throw', () => {
    const cache = createMemoryCacheReader(plan);
    cache.set('MCPServer', server('s', { externalAuthConfigRef: 'auth' }));
    cache.set('MCPServerEntry', entry('e', { caBundleRef: { configMapRef: { name: 5 } } }));
    cache.set('MCPExternalAuthConfig', authConfig('a', { tokenExchange: { clientSecretRef: 'x' } }));
    expect(cache.byIndex('MCPServer', AUTH_CONFIG_INDEX, 'auth')).toEqual([]);
    expect(mapOf('ConfigMap', { metadata: { name: '5' } }, cache)).toEqual([]);
    expect(cache.get('MCPServer', 's')).toMatchObject({ spec: { externalAuthConfigRef: 'auth' } });
  });
});

describe('createMemoryCacheReader', () => {
  it('applies the plan transform and rejects unknown kinds and nameless objects', () => {
    const cache = createMemoryCacheReader(plan);
    cache.set('MCPServer', server('s', {}, undefined, { managedFields: [{}] }));
    expect(cache.get('MCPServer', 's')?.metadata.managedFields).toBeUndefined();
    expect(cache.list('MCPServer')).toHaveLength(1);
    expect(() => cache.get('Service', 'x')).toThrow('kind Service is not in the watch plan');
    expect(() => cache.set('MCPServer', { metadata: {} } as unknown as KubeObject)).toThrow('without a string metadata.name');
    cache.clear();
    expect(cache.list('MCPServer')).toEqual([]);
    expect(cache.byIndex('MCPServer', AUTH_CONFIG_INDEX, 'x')).toEqual([]);
  });
});
