/**
 * The start-up check: API discovery of ToolHive's group, then one LIST of MCPServers (limit 1) in the namespace at
 * the version the cluster serves (`v1beta1`, else `v1alpha1`), before anything starts. It tells apart "cannot
 * connect", "credentials rejected", "not allowed" and "ToolHive's CRDs not installed" (naming the versions the
 * cluster serves), so a misconfiguration is one clear message and a non-zero exit instead of a service that retries
 * quietly forever. The hints speak of what an operator has (the chart's values, the image), not of this repository.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import { MCPServerResource, collectionPath, type ResourceDescriptor } from '@vmcp/api';
import { errorMessage } from '@vmcp/core';
import { KubeApiError, KubeHttpClient, ToolHiveKindNotServedError, resolveToolHiveVersions } from '@vmcp/kube-watcher';
import { publicUrl } from '@vmcp/registry';

/** The cluster could not be used at start-up; the message says what and what to check. */
export class ClusterUnavailableError extends Error {
  override readonly name = 'ClusterUnavailableError';
}

/** What to check for an API error status. */
export function hintFor(status: number, resource: Pick<ResourceDescriptor, 'group' | 'version'>): string {
  switch (status) {
    case 401:
      return 'the credentials were rejected';
    case 403:
      return (
        'the service account may not list MCPServers here; with the Helm chart keep rbac.create=true (the default) or ' +
        'bind a Role granting list and watch on the ToolHive kinds, Secrets and ConfigMaps in this namespace'
      );
    case 404:
      return `MCPServers are not served at ${resource.group}/${resource.version} (is ToolHive's operator installed?)`;
    default:
      return 'the API server refused the request';
  }
}

/** Runs the check; throws {@link ClusterUnavailableError} with one line saying what is wrong. */
export async function checkCluster(kc: KubeConfig, namespace: string, timeoutMs = 10_000): Promise<void> {
  const client = new KubeHttpClient(kc, { userAgent: 'vmcp-watcher/preflight' });
  const signal = AbortSignal.timeout(timeoutMs);
  // The server address as the one URL-display rule allows: a kubeconfig may carry userinfo in it.
  const server = publicUrl(client.server);
  let resource = MCPServerResource;
  try {
    const found = await resolveToolHiveVersions(client, [MCPServerResource], signal);
    if (found.missing.length > 0) {
      throw new ClusterUnavailableError(
        `cannot use the Kubernetes API at ${server}: ${new ToolHiveKindNotServedError(found.missing, found.servedVersions).message}`,
      );
    }
    resource = found.resources.get(MCPServerResource.kind) ?? MCPServerResource;
    await client.getJson({
      target: { verb: 'list', resource, namespace },
      path: collectionPath(resource, namespace),
      query: { limit: '1' },
      accept: 'application/json',
      signal,
    });
  } catch (error) {
    if (error instanceof ClusterUnavailableError) throw error;
    if (error instanceof KubeApiError) {
      throw new ClusterUnavailableError(`cannot use the Kubernetes API at ${server}: ${hintFor(error.status, resource)}: ${error.message}`);
    }
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    throw new ClusterUnavailableError(
      `cannot reach the Kubernetes API at ${server}: ${timedOut ? `no answer within ${timeoutMs} ms` : errorMessage(error)}`,
    );
  }
}
