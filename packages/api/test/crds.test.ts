/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return -- walks untyped parsed YAML; the tests assert its shape */
import { describe, expect, it } from 'vitest';
import {
  crdDirectory,
  crdFiles,
  MCPExternalAuthConfigResource,
  MCPGroupResource,
  MCPRemoteProxyResource,
  MCPServerEntryResource,
  MCPServerResource,
  TOOLHIVE_API_GROUP,
  type ResourceDescriptor,
} from '../src/index.ts';
import { loadYamlFile } from './load-yaml.ts';
import { schemaNodes, validate, type Schema } from './schema-check.ts';

const crds = crdFiles()
  .flatMap(loadYamlFile)
  .map((d) => d.value);
const byPlural = new Map(crds.map((crd) => [crd['spec']?.names?.plural as string, crd]));

const kinds: [ResourceDescriptor, string[]][] = [
  [MCPServerResource, ['mcpserver', 'mcpservers']],
  [MCPRemoteProxyResource, ['rp', 'mcprp']],
  [MCPServerEntryResource, ['mcpentry']],
  [MCPExternalAuthConfigResource, ['extauth', 'mcpextauth']],
  [MCPGroupResource, ['mcpg', 'mcpgroup']],
];

function crd(plural: string): Record<string, any> {
  const found = byPlural.get(plural);
  if (!found) throw new Error(`no CRD with plural ${plural} in ${crdDirectory}`);
  return found;
}
const schemaOf = (plural: string, version = 'v1beta1'): Schema =>
  crd(plural)['spec'].versions.find((v: { name: string }) => v.name === version).schema.openAPIV3Schema;
const specOf = (plural: string): Schema => schemaOf(plural)['properties'].spec;
const statusOf = (plural: string): Schema => schemaOf(plural)['properties'].status;

describe('CRD manifests', () => {
  it('there is one file per kind, each holding exactly one CRD, and nothing else', () => {
    expect(crdFiles().map((f) => f.slice(crdDirectory.length))).toEqual(kinds.map(([r]) => `${r.plural}.yaml`).sort());
    expect(crds).toHaveLength(kinds.length);
    for (const c of crds) {
      expect(c['apiVersion']).toBe('apiextensions.k8s.io/v1');
      expect(c['kind']).toBe('CustomResourceDefinition');
    }
  });

  describe.each(kinds)('$kind', (resource, shortNames) => {
    const c = crd(resource.plural);

    it('names, group and scope match @vmcp/api resources', () => {
      expect(c['metadata'].name).toBe(`${resource.plural}.${TOOLHIVE_API_GROUP}`);
      expect(c['spec'].group).toBe(resource.group);
      expect(c['spec'].scope).toBe('Namespaced');
      expect(c['spec'].names).toMatchObject({
        kind: resource.kind,
        listKind: resource.listKind,
        plural: resource.plural,
        shortNames,
        categories: ['toolhive'],
      });
    });

    it('serves v1beta1 (storage) and a deprecated v1alpha1 with the identical schema and a status subresource', () => {
      const versions = c['spec'].versions as Record<string, any>[];
      expect(versions.map((v) => [v['name'], v['served'], v['storage']])).toEqual([
        ['v1beta1', true, true],
        ['v1alpha1', true, false],
      ]);
      const [beta, alpha] = versions as [Record<string, any>, Record<string, any>];
      expect(alpha['deprecated']).toBe(true);
      expect(alpha['deprecationWarning']).toBe('toolhive.stacklok.dev/v1alpha1 is deprecated; use v1beta1');
      expect(beta['deprecated']).toBeUndefined();
      expect(alpha['schema']).toEqual(beta['schema']);
      for (const v of versions) expect(v['subresources']).toEqual({ status: {} });
      expect(c['spec'].conversion).toEqual({ strategy: 'None' });
    });

    it('is structural: every node has a type, never both properties and additionalProperties', () => {
      for (const [path, node] of schemaNodes(schemaOf(resource.plural))) {
        expect(node['type'], `${resource.kind} ${path} has no type`).toBeTypeOf('string');
        expect(node['properties'] !== undefined && node['additionalProperties'] !== undefined, `${resource.kind} ${path}`).toBe(false);
        if (node['default'] !== undefined && node['enum']) expect(node['enum']).toContain(node['default']);
      }
    });

    it('keeps unknown fields in spec and status (upstream objects have many more fields)', () => {
      expect(specOf(resource.plural)['x-kubernetes-preserve-unknown-fields']).toBe(true);
      expect(statusOf(resource.plural)['x-kubernetes-preserve-unknown-fields']).toBe(true);
    });
  });

  it('MCPServer: image required; transport, proxyMode, proxyPort enums, ranges and defaults', () => {
    const spec = specOf('mcpservers');
    expect(spec['required']).toEqual(['image']);
    expect(spec['properties'].transport).toMatchObject({ enum: ['stdio', 'streamable-http', 'sse'], default: 'stdio' });
    expect(spec['properties'].proxyMode).toMatchObject({ enum: ['sse', 'streamable-http'], default: 'streamable-http' });
    expect(spec['properties'].proxyPort).toMatchObject({ type: 'integer', minimum: 1, maximum: 65535, default: 8080 });
    expect(statusOf('mcpservers')['properties'].phase.enum).toEqual(
      expect.arrayContaining(['Pending', 'Ready', 'Failed', 'Terminating', 'Stopped']),
    );
  });

  it('MCPRemoteProxy: remoteUrl required with ^https?://, transport defaults to streamable-http', () => {
    const spec = specOf('mcpremoteproxies');
    expect(spec['required']).toEqual(['remoteUrl']);
    expect(spec['properties'].remoteUrl.pattern).toBe('^https?://');
    expect(spec['properties'].transport).toMatchObject({ enum: ['sse', 'streamable-http'], default: 'streamable-http' });
  });

  it('MCPServerEntry: remoteUrl, transport (no default) and groupRef required; phase Valid/Pending/Failed default Pending', () => {
    const spec = specOf('mcpserverentries');
    expect(spec['required']).toEqual(['remoteUrl', 'transport', 'groupRef']);
    expect(spec['properties'].transport.default).toBeUndefined();
    expect(spec['properties'].caBundleRef.properties.configMapRef.required).toEqual(['key']);
    expect(statusOf('mcpserverentries')['properties'].phase).toMatchObject({ enum: ['Valid', 'Pending', 'Failed'], default: 'Pending' });
  });

  it.each(['mcpservers', 'mcpremoteproxies', 'mcpserverentries'])('%s: groupRef is an object {name, minLength 1, required}', (plural) => {
    expect(specOf(plural)['properties'].groupRef).toMatchObject({
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string', minLength: 1 } },
    });
  });

  describe('MCPExternalAuthConfig', () => {
    const spec = specOf('mcpexternalauthconfigs');
    const types = [
      'tokenExchange',
      'headerInjection',
      'bearerToken',
      'unauthenticated',
      'embeddedAuthServer',
      'awsSts',
      'upstreamInject',
      'obo',
      'xaa',
    ];

    it('type is required and one of the nine upstream types', () => {
      expect(spec['required']).toEqual(['type']);
      expect(spec['properties'].type.enum).toEqual(types);
    });

    it('has a CEL rule per sub-object tying it to its type, and one forbidding all for unauthenticated', () => {
      const rules = (spec['x-kubernetes-validations'] as { rule: string; message: string }[]).map((r) => r.rule);
      for (const t of types.filter((x) => x !== 'unauthenticated')) {
        expect(spec['properties'][t], `sub-object ${t}`).toMatchObject({ type: 'object' });
        expect(rules).toContain(`self.type == '${t}' ? has(self.${t}) : !has(self.${t})`);
      }
      const unauthenticated = rules.find((r) => r.startsWith("self.type != 'unauthenticated'"));
      for (const t of types.filter((x) => x !== 'unauthenticated')) expect(unauthenticated).toContain(`!has(self.${t})`);
    });
  });

  describe('offline schema check (positive and negative)', () => {
    const valid = { metadata: { name: 'x' }, spec: { image: 'img', groupRef: { name: 'g' }, somethingUpstream: { deep: 1 } } };
    it('accepts a valid MCPServer with fields we do not model', () => {
      expect(validate(schemaOf('mcpservers'), valid)).toEqual([]);
    });
    it.each([
      ['missing image', { spec: { transport: 'stdio' } }, 'missing required field image'],
      ['bad transport', { spec: { image: 'i', transport: 'http' } }, 'not in enum'],
      ['port out of range', { spec: { image: 'i', proxyPort: 70000 } }, 'above 65535'],
      ['string groupRef', { spec: { image: 'i', groupRef: 'g' } }, 'expected object, got string'],
      ['empty group name', { spec: { image: 'i', groupRef: { name: '' } } }, 'shorter than 1'],
    ])('rejects an MCPServer with %s', (_label, object, message) => {
      expect(validate(schemaOf('mcpservers'), { metadata: { name: 'x' }, ...object }).join('\n')).toContain(message);
    });
    it('rejects an MCPRemoteProxy with a non-http URL', () => {
      expect(validate(schemaOf('mcpremoteproxies'), { metadata: { name: 'x' }, spec: { remoteUrl: 'ftp://x' } }).join()).toContain(
        'does not match ^https?://',
      );
    });
  });
});
