/* eslint-disable @typescript-eslint/no-explicit-any, @typescript-eslint/no-unsafe-return -- untyped Kubernetes objects; the tests assert their shape */
// Installs the CRDs into a real kube-apiserver (@vmcp/envtest) and creates every example server-side: the schema,
// defaults, CEL rules and the status subresource are checked by the API server itself, not by our reading of them.
import { ApiException, CustomObjectsApi, KubernetesObjectApi } from '@kubernetes/client-node';
import { describeIntegration, useEnvtest } from '@vmcp/envtest/vitest';
import { beforeAll, expect, it } from 'vitest';
import {
  crdDirectory,
  exampleFiles,
  MCPExternalAuthConfigResource,
  MCPGroupResource,
  MCPRemoteProxyResource,
  MCPServerEntryResource,
  MCPServerResource,
  TOOLHIVE_API_GROUP,
  type ResourceDescriptor,
} from '../src/index.ts';
import { loadYamlFile } from './load-yaml.ts';

const toolhiveKinds = new Map<string, ResourceDescriptor>(
  [MCPServerResource, MCPRemoteProxyResource, MCPServerEntryResource, MCPExternalAuthConfigResource, MCPGroupResource].map((r) => [
    r.kind,
    r,
  ]),
);
const examples = exampleFiles()
  .flatMap(loadYamlFile)
  .map((d) => d.value);

/** The API server's answer to a rejected write: status code and message, or a failed test if it accepted it. */
async function rejection(write: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await write;
  } catch (error) {
    if (error instanceof ApiException) {
      const body = typeof error.body === 'string' ? (JSON.parse(error.body) as { message?: string }) : (error.body as { message?: string });
      return { code: error.code, message: body.message ?? String(error.body) };
    }
    throw error;
  }
  throw new Error('the API server accepted an object it should have rejected');
}

describeIntegration('CRDs and examples on a real API server', () => {
  const env = useEnvtest({ crds: [crdDirectory], timeoutMs: 240_000 });
  let namespace = '';
  let objects: KubernetesObjectApi;
  let custom: CustomObjectsApi;

  const createToolhive = (plural: string, body: object, version = 'v1beta1') =>
    custom.createNamespacedCustomObject({ group: TOOLHIVE_API_GROUP, version, namespace, plural, body });
  const getToolhive = (plural: string, name: string, version = 'v1beta1'): Promise<any> =>
    custom.getNamespacedCustomObject({ group: TOOLHIVE_API_GROUP, version, namespace, plural, name });

  beforeAll(async () => {
    namespace = await env.newNamespace('api-crds');
    objects = KubernetesObjectApi.makeApiClient(env.kubeConfig);
    custom = env.kubeConfig.makeApiClient(CustomObjectsApi);
  }, 60_000);

  it('creates every example, then writes its status through /status, and reads back what the operator would have set', async () => {
    for (const example of examples) {
      const { status, ...withoutStatus } = example;
      const created: any = await objects.create({ ...withoutStatus, metadata: { ...example['metadata'], namespace } });
      expect(created.metadata.uid, `${example['kind']}/${example['metadata'].name}`).toBeTypeOf('string');
      const resource = toolhiveKinds.get(example['kind']);
      if (!resource || status === undefined) continue;
      // The status subresource ignores status on create: it must be written separately, as the examples README says.
      expect(created.status?.url).toBeUndefined();
      await custom.replaceNamespacedCustomObjectStatus({
        group: resource.group,
        version: resource.version,
        namespace,
        plural: resource.plural,
        name: created.metadata.name,
        body: { ...created, status },
      });
      const read = await getToolhive(resource.plural, created.metadata.name);
      expect(read.status, `${example['kind']}/${example['metadata'].name}`).toMatchObject(status);
    }
    const servers: { items: { metadata: { name: string } }[] } = await custom.listNamespacedCustomObject({
      group: TOOLHIVE_API_GROUP,
      version: 'v1beta1',
      namespace,
      plural: 'mcpservers',
    });
    expect(servers.items.map((s) => s.metadata.name).sort()).toEqual(
      examples
        .filter((e) => e['kind'] === 'MCPServer')
        .map((e): string => e['metadata'].name)
        .sort(),
    );
  }, 120_000);

  it('applies the defaults and keeps fields the schema does not list', async () => {
    await createToolhive('mcpservers', {
      apiVersion: `${TOOLHIVE_API_GROUP}/v1beta1`,
      kind: 'MCPServer',
      metadata: { name: 'defaults' },
      spec: { image: 'img', resources: { limits: { cpu: '100m' } }, podTemplateSpec: { spec: { nodeSelector: { a: 'b' } } } },
    });
    const read = await getToolhive('mcpservers', 'defaults');
    expect(read.spec).toMatchObject({
      transport: 'stdio',
      proxyMode: 'streamable-http',
      proxyPort: 8080,
      resources: { limits: { cpu: '100m' } },
      podTemplateSpec: { spec: { nodeSelector: { a: 'b' } } },
    });
  }, 60_000);

  it('serves the same object through the deprecated v1alpha1', async () => {
    const alpha = await getToolhive('mcpservers', 'defaults', 'v1alpha1');
    expect(alpha.apiVersion).toBe(`${TOOLHIVE_API_GROUP}/v1alpha1`);
    expect(alpha.spec.image).toBe('img');
  }, 60_000);

  it.each([
    [
      'MCPExternalAuthConfig',
      'mcpexternalauthconfigs',
      { type: 'unauthenticated', tokenExchange: { tokenUrl: 'https://idp', audience: 'a' } },
      'spec.tokenExchange must be set when type is tokenExchange, and only then',
    ],
    [
      'MCPExternalAuthConfig',
      'mcpexternalauthconfigs',
      { type: 'unauthenticated', headerInjection: { headerName: 'X', valueSecretRef: { name: 's', key: 'k' } } },
      'type unauthenticated must not set any configuration sub-object',
    ],
    [
      'MCPExternalAuthConfig',
      'mcpexternalauthconfigs',
      { type: 'tokenExchange' },
      'spec.tokenExchange must be set when type is tokenExchange',
    ],
    [
      'MCPExternalAuthConfig',
      'mcpexternalauthconfigs',
      {
        type: 'headerInjection',
        headerInjection: { headerName: 'X', valueSecretRef: { name: 's', key: 'k' } },
        awsSts: { region: 'eu-west-1' },
      },
      'spec.awsSts must be set when type is awsSts',
    ],
    ['MCPExternalAuthConfig', 'mcpexternalauthconfigs', { type: 'basicAuth' }, 'Unsupported value: "basicAuth"'],
    ['MCPServer', 'mcpservers', { transport: 'stdio' }, 'spec.image: Required value'],
    ['MCPServer', 'mcpservers', { image: 'i', proxyPort: 0 }, 'spec.proxyPort'],
    ['MCPServer', 'mcpservers', { image: 'i', groupRef: 'engineering' }, 'spec.groupRef: Invalid value: "string"'],
    ['MCPRemoteProxy', 'mcpremoteproxies', { remoteUrl: 'ftp://example.com' }, 'spec.remoteUrl'],
    ['MCPServerEntry', 'mcpserverentries', { remoteUrl: 'https://x', transport: 'sse' }, 'spec.groupRef: Required value'],
    ['MCPServerEntry', 'mcpserverentries', { remoteUrl: 'https://x', transport: 'sse', groupRef: { name: '' } }, 'spec.groupRef.name'],
  ])(
    'rejects an invalid %s (%#): %s',
    async (kind, plural, spec, message) => {
      const name = `invalid-${Math.random().toString(36).slice(2, 8)}`;
      const { code, message: actual } = await rejection(
        createToolhive(plural, { apiVersion: `${TOOLHIVE_API_GROUP}/v1beta1`, kind, metadata: { name }, spec }),
      );
      expect(code).toBe(422);
      expect(actual).toContain(message);
    },
    60_000,
  );
});
