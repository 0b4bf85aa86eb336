import type { KubeObject } from '@vmcp/api';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WorkloadType } from '../src/index.ts';
import { GROUP, NS } from './fixtures.ts';
import { assertNoSecret, harness, secret, PLANTED } from './harness.ts';

const CODES = new Set([
  'no-url',
  'entry-not-valid',
  'invalid-url',
  'auth-unresolved',
  'ca-bundle-unreadable',
  'header-forward-unresolved',
  'malformed',
]);

/** Any JSON, biased towards the shapes conversion reads so deep fields get exercised. */
const json = fc.jsonValue({ maxDepth: 3 });
const spec = fc.record(
  {
    groupRef: fc.oneof(fc.constant({ name: GROUP }), fc.constant(GROUP), json),
    transport: fc.oneof(fc.constantFrom('stdio', 'sse', 'streamable-http', 'SSE', 'bogus', ''), json),
    proxyMode: fc.oneof(fc.constantFrom('sse', ''), json),
    remoteUrl: fc.oneof(fc.webUrl(), fc.string(), json),
    externalAuthConfigRef: fc.oneof(fc.constant({ name: 'auth' }), json),
    caBundleRef: fc.oneof(fc.constant({ configMapRef: { name: 'ca' } }), json),
    headerForward: fc.oneof(fc.constant({ addHeadersFromSecret: [{ headerName: 'X', valueSecretRef: { name: 's', key: 'k' } }] }), json),
  },
  { requiredKeys: [] },
);
const object = fc.record({
  spec: fc.oneof(spec, json),
  status: fc.oneof(
    fc.record(
      { url: fc.oneof(fc.webUrl(), json), phase: fc.oneof(fc.constantFrom('Ready', 'Valid', 'Failed'), json) },
      { requiredKeys: [] },
    ),
    json,
  ),
  annotations: fc.oneof(fc.dictionary(fc.string(), fc.string()), json),
  kind: fc.constantFrom<WorkloadType>('MCPServer', 'MCPRemoteProxy', 'MCPServerEntry'),
});

describe('fuzz: arbitrary JSON never crashes conversion, the plan or the indexes', () => {
  it('resolveWorkload always resolves to a backend or a known reason, with no secret in it', async () => {
    await fc.assert(
      fc.asyncProperty(object, async ({ spec: s, status, annotations, kind }) => {
        const h = harness();
        h.direct.setSecret(secret('te', { k: PLANTED[0] }));
        h.direct.setConfigMap({ metadata: { name: 'ca', namespace: NS }, data: { 'ca.crt': 'PEM' } });
        h.put({
          kind: 'MCPExternalAuthConfig',
          metadata: { name: 'auth' },
          spec: { type: 'tokenExchange', tokenExchange: { tokenUrl: 'u', clientSecretRef: { name: 'te', key: 'k' } } },
        } as KubeObject);
        const o = { kind, metadata: { name: 'x', namespace: NS, annotations }, spec: s, status } as unknown as KubeObject;
        h.put(o);
        for (const k of h.plan.kinds) {
          k.mapToBackends(o, h.cache);
          for (const indexer of Object.values(k.indexers ?? {})) indexer(o);
        }
        const r = await h.discoverer.resolveWorkload({ name: 'x', type: kind });
        if (r.backend === null) expect(CODES.has(r.reason.code)).toBe(true);
        assertNoSecret(r.reason ?? {});
        assertNoSecret(h.logs);
      }),
      { numRuns: 300 },
    );
  });
});
