/**
 * Builders of the objects the benchmarks create. Only what the CRDs require plus the fields the conversion reads.
 */
import { TOOLHIVE_API_GROUP, TOOLHIVE_API_VERSION } from '@vmcp/api';

const API_VERSION = `${TOOLHIVE_API_GROUP}/${TOOLHIVE_API_VERSION}`;

/** The annotation that carries the churn sequence number; the discoverer copies non-system annotations into metadata. */
export const SEQ_ANNOTATION = 'bench.vmcp.dev/seq';

/** An MCPServer in group `group` (spec only; status goes through the status subresource). */
export function mcpServer(name: string, group: string, extra: { authConfig?: string } = {}): Record<string, unknown> {
  return {
    apiVersion: API_VERSION,
    kind: 'MCPServer',
    metadata: { name, labels: { 'app.kubernetes.io/part-of': 'vmcp-bench' }, annotations: { [SEQ_ANNOTATION]: '0' } },
    spec: {
      image: 'ghcr.io/example/mcp-server:1.0.0',
      transport: 'streamable-http',
      proxyPort: 8080,
      groupRef: { name: group },
      ...(extra.authConfig === undefined ? {} : { externalAuthConfigRef: { name: extra.authConfig } }),
    },
  };
}

/** The status a running server reports: a URL and phase Ready, i.e. a servable, healthy backend. */
export function readyStatus(name: string): Record<string, unknown> {
  return { status: { url: `http://${name}.bench.svc.cluster.local:8080/mcp`, phase: 'Ready' } };
}

/** A header-injection auth config whose value comes from `secret`/`key`. */
export function headerInjectionAuth(name: string, secret: string, key: string): Record<string, unknown> {
  return {
    apiVersion: API_VERSION,
    kind: 'MCPExternalAuthConfig',
    metadata: { name },
    spec: { type: 'headerInjection', headerInjection: { headerName: 'X-Api-Key', valueSecretRef: { name: secret, key } } },
  };
}

/** An Opaque Secret with string data (sent as `stringData`, stored base64 by the API server). */
export function secret(name: string, data: Record<string, string>): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name }, type: 'Opaque', stringData: data };
}

/** A Namespace. */
export function namespace(name: string): Record<string, unknown> {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}
