/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return -- walks untyped parsed YAML; the tests assert its shape */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { crdFiles, exampleFiles, expectedEngineeringBackendsFile, groupRefName, remoteUrlOf } from '../src/index.ts';
import { loadYamlFile, type LoadedDocument } from './load-yaml.ts';
import { validate, type Schema } from './schema-check.ts';

const crds = crdFiles()
  .flatMap(loadYamlFile)
  .map((d) => d.value);
const examples: LoadedDocument[] = exampleFiles().flatMap(loadYamlFile);
const expected = JSON.parse(readFileSync(expectedEngineeringBackendsFile, 'utf8')) as {
  group: string;
  served: { id: string; kind: string; baseUrl: string; transportType: string; healthStatus: string; authConfigRef: string | null }[];
  excluded: { id: string; kind: string; reason: string }[];
  plantedSecretValues: string[];
};

const CORE_KINDS = new Set(['Secret', 'ConfigMap']);
const WORKLOAD_KINDS = new Set(['MCPServer', 'MCPRemoteProxy', 'MCPServerEntry']);
const label = (d: LoadedDocument): string => `${d.file}#${d.index} ${d.value['kind']}/${d.value['metadata']?.name}`;
const objectsOf = (kind: string): Record<string, any>[] => examples.filter((d) => d.value['kind'] === kind).map((d) => d.value);
const named = (kind: string, name: string): Record<string, any> | undefined => objectsOf(kind).find((o) => o['metadata'].name === name);

/** Secret values as the discoverer would see them: `data` base64-decoded, `stringData` as is. */
function secretValues(secret: Record<string, any>): Map<string, string> {
  const values = new Map<string, string>();
  for (const [k, v] of Object.entries((secret['data'] ?? {}) as Record<string, string>))
    values.set(k, Buffer.from(v, 'base64').toString('utf8'));
  for (const [k, v] of Object.entries((secret['stringData'] ?? {}) as Record<string, string>)) values.set(k, v);
  return values;
}

function crdSchemaFor(apiVersion: string, kind: string): Schema | undefined {
  const [group, version] = apiVersion.split('/');
  const c = crds.find((x) => x['spec'].group === group && x['spec'].names.kind === kind);
  return c?.['spec'].versions.find((v: { name: string; served: boolean }) => v.name === version && v.served)?.schema.openAPIV3Schema;
}

describe('example resources', () => {
  it('exist, in apply order: groups first, workloads last', () => {
    expect(examples.length).toBeGreaterThan(15);
    const order = examples.map((d) => d.value['kind'] as string);
    expect(order.indexOf('MCPGroup')).toBe(0);
    expect(order.lastIndexOf('MCPGroup')).toBeLessThan(order.indexOf('MCPExternalAuthConfig'));
    expect(order.lastIndexOf('Secret')).toBeLessThan(order.indexOf('MCPExternalAuthConfig'));
    expect(order.lastIndexOf('MCPExternalAuthConfig')).toBeLessThan(order.findIndex((k) => WORKLOAD_KINDS.has(k)));
  });

  it.each(examples.map((d) => [label(d), d] as const))(
    '%s: a core kind or a kind a CRD serves, and valid against its schema',
    (_l, doc) => {
      const { apiVersion, kind, metadata } = doc.value;
      expect(metadata?.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      expect(metadata?.namespace, 'examples must not pin a namespace').toBeUndefined();
      if (CORE_KINDS.has(kind)) {
        expect(apiVersion).toBe('v1');
        return;
      }
      const schema = crdSchemaFor(apiVersion, kind);
      expect(schema, `no CRD serves ${apiVersion} ${kind}`).toBeDefined();
      expect(validate(schema!, doc.value)).toEqual([]);
    },
  );

  it('ids are unique across workload kinds (the registry is keyed by name)', () => {
    const names = examples.filter((d) => WORKLOAD_KINDS.has(d.value['kind'])).map((d) => d.value['metadata'].name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('every reference resolves to an example object with the referenced key', () => {
    const groups = new Set(objectsOf('MCPGroup').map((g) => g['metadata'].name));
    for (const doc of examples.filter((d) => WORKLOAD_KINDS.has(d.value['kind']))) {
      const spec = doc.value['spec'];
      expect(groups, label(doc)).toContain(groupRefName(spec));
      if (spec.externalAuthConfigRef) expect(named('MCPExternalAuthConfig', spec.externalAuthConfigRef.name), label(doc)).toBeDefined();
      for (const header of spec.headerForward?.addHeadersFromSecret ?? []) {
        const secret = named('Secret', header.valueSecretRef.name);
        expect(secret && secretValues(secret).has(header.valueSecretRef.key), `${label(doc)} header ${header.headerName}`).toBe(true);
      }
    }
    for (const auth of objectsOf('MCPExternalAuthConfig')) {
      const sub = auth['spec'][auth['spec'].type] ?? {};
      for (const ref of [sub.clientSecretRef, sub.valueSecretRef].filter(Boolean)) {
        const secret = named('Secret', ref.name);
        expect(secret && secretValues(secret).has(ref.key), `${auth['metadata'].name} → ${ref.name}/${ref.key}`).toBe(true);
      }
    }
  });

  it('the CA ConfigMap behind caBundleRef holds a syntactically valid PEM certificate', () => {
    const entries = objectsOf('MCPServerEntry').filter((e) => e['spec'].caBundleRef);
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) {
      const ref = entry['spec'].caBundleRef.configMapRef;
      const pem = named('ConfigMap', ref.name)?.['data']?.[ref.key || 'ca.crt'];
      expect(pem, `${entry['metadata'].name} CA bundle`).toMatch(/^-----BEGIN CERTIFICATE-----\n[\s\S]+\n-----END CERTIFICATE-----\n$/);
      const cert = new X509Certificate(pem as string);
      expect(cert.ca).toBe(true);
    }
  });

  it('cover the cases the brief asks for', () => {
    const servers = objectsOf('MCPServer');
    expect(servers.some((s) => s['spec'].transport === 'stdio' && s['spec'].proxyMode === 'sse')).toBe(true);
    expect(servers.some((s) => s['spec'].transport === 'streamable-http' && s['status']?.url)).toBe(true);
    expect(servers.some((s) => groupRefName(s['spec']) === 'research')).toBe(true);
    expect(servers.some((s) => !s['status']?.url)).toBe(true);
    expect(objectsOf('MCPServerEntry').some((e) => e['spec'].headerForward)).toBe(true);
    expect(new Set(objectsOf('MCPExternalAuthConfig').map((a) => a['spec'].type))).toEqual(
      new Set(['tokenExchange', 'headerInjection', 'unauthenticated']),
    );
    expect(
      objectsOf('MCPExternalAuthConfig').find((a) => a['spec'].type === 'tokenExchange')?.['spec'].tokenExchange.clientSecretRef,
    ).toBeDefined();
  });
});

describe('expected/engineering-backends.json', () => {
  it('accounts for every workload exactly once, served or excluded', () => {
    const listed = [...expected.served, ...expected.excluded].map((b) => `${b.kind}/${b.id}`).sort();
    const workloads = examples
      .filter((d) => WORKLOAD_KINDS.has(d.value['kind']))
      .map((d) => `${d.value['kind']}/${d.value['metadata'].name}`)
      .sort();
    expect(listed).toEqual(workloads);
  });

  it('serves only in-group workloads with a URL (and entries only when Valid); the URL is where the discoverer reads it', () => {
    for (const backend of expected.served) {
      const object = named(backend.kind, backend.id)!;
      expect(groupRefName(object['spec']), backend.id).toBe(expected.group);
      const url = backend.kind === 'MCPServerEntry' ? remoteUrlOf(object['spec']) : object['status']?.url;
      expect(backend.baseUrl, backend.id).toBe(url);
      if (backend.kind === 'MCPServerEntry') expect(object['status']?.phase).toBe('Valid');
      expect(backend.authConfigRef ?? undefined).toBe(object['spec'].externalAuthConfigRef?.name);
    }
  });

  it('every excluded workload really fails a serving rule', () => {
    for (const { id, kind } of expected.excluded) {
      const object = named(kind, id)!;
      const outOfGroup = groupRefName(object['spec']) !== expected.group;
      const noUrl = kind !== 'MCPServerEntry' && !object['status']?.url;
      const notValid = kind === 'MCPServerEntry' && object['status']?.phase !== 'Valid';
      expect(outOfGroup || noUrl || notValid, `${kind}/${id}`).toBe(true);
    }
  });

  it('plantedSecretValues are exactly the example Secret values, each distinctive', () => {
    const values = objectsOf('Secret').flatMap((s) => [...secretValues(s).values()]);
    expect(values.sort()).toEqual([...expected.plantedSecretValues].sort());
    for (const v of values) expect(v).toMatch(/^vmcp-planted-secret-[a-z-]+-[0-9a-f]{6}$/);
  });

  it('no planted secret value appears in plain text anywhere but the Secrets file and the expectations', () => {
    for (const file of exampleFiles().filter((f) => !f.endsWith('10-secrets.yaml'))) {
      const text = readFileSync(file, 'utf8');
      for (const secret of expected.plantedSecretValues) expect(text, file).not.toContain(secret);
    }
  });
});
