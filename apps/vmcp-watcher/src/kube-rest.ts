/**
 * A few-line REST client over a KubeConfig for what the watcher never does: create objects, write status, apply
 * manifests with a dry run. Used by the local demo (and the integration tests). Errors name the method, the path
 * and the server's message — never a request body (which may hold Secret data).
 */
import http from 'node:http';
import https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

/** The API server answered with an error status. */
export class KubeRestError extends Error {
  override readonly name = 'KubeRestError';
  readonly status: number;
  readonly reason: string;
  constructor(method: string, path: string, status: number, reason: string, message: string) {
    super(`${method} ${path}: ${status}${reason === '' ? '' : ` ${reason}`}${message === '' ? '' : ` (${message})`}`);
    this.status = status;
    this.reason = reason;
  }
}

/** One request; resolves with the parsed JSON answer (or undefined for an empty body). */
export async function kubeRequest<T = unknown>(
  kc: KubeConfig,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<T> {
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new Error('kube config has no current cluster');
  const options: https.RequestOptions = { headers: {} };
  await kc.applyToHTTPSOptions(options);
  const url = new URL(cluster.server.replace(/\/+$/, '') + path);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = { ...(options.headers as Record<string, string>), accept: 'application/json' };
  if (payload !== undefined) {
    headers['content-type'] = contentType;
    headers['content-length'] = String(Buffer.byteLength(payload));
  }
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<T>((resolve, reject) => {
    const req = transport.request(url, { ...options, method, headers, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown;
        try {
          parsed = text === '' ? undefined : JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) {
          resolve(parsed as T);
          return;
        }
        const s = (parsed ?? {}) as { reason?: string; message?: string };
        reject(new KubeRestError(method, url.pathname, status, s.reason ?? '', s.message ?? ''));
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${url.pathname}: timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** A Kubernetes object as read from YAML. */
export interface ManifestObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  status?: unknown;
  [key: string]: unknown;
}

/** Kinds the demo and tests create, with their REST collection (namespaced unless said). */
const COLLECTIONS: Record<string, { plural: string; namespaced: boolean }> = {
  Namespace: { plural: 'namespaces', namespaced: false },
  Secret: { plural: 'secrets', namespaced: true },
  ConfigMap: { plural: 'configmaps', namespaced: true },
  ServiceAccount: { plural: 'serviceaccounts', namespaced: true },
  Service: { plural: 'services', namespaced: true },
  Role: { plural: 'roles', namespaced: true },
  RoleBinding: { plural: 'rolebindings', namespaced: true },
  ClusterRole: { plural: 'clusterroles', namespaced: false },
  ClusterRoleBinding: { plural: 'clusterrolebindings', namespaced: false },
  Deployment: { plural: 'deployments', namespaced: true },
  MCPGroup: { plural: 'mcpgroups', namespaced: true },
  MCPServer: { plural: 'mcpservers', namespaced: true },
  MCPRemoteProxy: { plural: 'mcpremoteproxies', namespaced: true },
  MCPServerEntry: { plural: 'mcpserverentries', namespaced: true },
  MCPExternalAuthConfig: { plural: 'mcpexternalauthconfigs', namespaced: true },
};

/** `/api/v1/namespaces/ns/secrets` or `/apis/group/version/namespaces/ns/plural`. */
export function collectionPathOf(object: Pick<ManifestObject, 'apiVersion' | 'kind'>, namespace: string | undefined): string {
  const info = COLLECTIONS[object.kind];
  if (info === undefined) throw new Error(`unsupported kind ${object.kind}`);
  const prefix = object.apiVersion.includes('/') ? `/apis/${object.apiVersion}` : `/api/${object.apiVersion}`;
  if (!info.namespaced) return `${prefix}/${info.plural}`;
  if (namespace === undefined) throw new Error(`a ${object.kind} needs a namespace`);
  return `${prefix}/namespaces/${encodeURIComponent(namespace)}/${info.plural}`;
}

/**
 * Creates `object` in `namespace`, then writes its `status` through the status subresource (the API server drops
 * `status` on create for every CRD with that subresource). Returns the stored object.
 */
export async function createWithStatus(kc: KubeConfig, object: ManifestObject, namespace: string): Promise<ManifestObject> {
  const { status, ...spec } = object;
  const base = collectionPathOf(object, namespace);
  const created = await kubeRequest<ManifestObject>(kc, 'POST', base, { ...spec, metadata: { ...spec.metadata, namespace } });
  if (status === undefined || COLLECTIONS[object.kind]?.plural.startsWith('mcp') !== true) return created;
  return kubeRequest<ManifestObject>(
    kc,
    'PATCH',
    `${base}/${encodeURIComponent(object.metadata.name)}/status`,
    { status },
    'application/merge-patch+json',
  );
}
