/**
 * Starts the bench's own control plane (etcd + kube-apiserver from `@vmcp/envtest`) with the ToolHive CRDs, and
 * reads the versions the report must name. One control plane per bench run; the convergence suite starts its own.
 */
import { crdDirectory } from '@vmcp/api';
import { ETCD_VERSION, KUBE_APISERVER_VERSION, startControlPlane, type ControlPlane } from '@vmcp/envtest';
import type { KubeHttpClient } from '@vmcp/kube-watcher';

export type { ControlPlane };

/** Starts a control plane with the CRDs of `@vmcp/api` installed. */
export function startBenchControlPlane(options: { apiServerArgs?: readonly string[] } = {}): Promise<ControlPlane> {
  return startControlPlane({ crds: [crdDirectory], ...(options.apiServerArgs ? { apiServerArgs: options.apiServerArgs } : {}) });
}

/** kube-apiserver and etcd versions: the apiserver's own `/version` answer, and the pinned etcd build. */
export async function controlPlaneVersions(client: KubeHttpClient): Promise<{ kubeApiServer: string; etcd: string }> {
  let kubeApiServer = KUBE_APISERVER_VERSION;
  try {
    // `/version` is a non-resource URL: the target only names it in an error.
    const v = await client.getJson<{ gitVersion?: string }>({
      target: { verb: 'get', resource: { group: '', plural: 'version' } },
      path: '/version',
      accept: 'application/json',
    });
    if (typeof v.gitVersion === 'string' && v.gitVersion !== '') kubeApiServer = v.gitVersion;
  } catch {
    // The pinned version is still right; /version is only a cross-check.
  }
  return { kubeApiServer, etcd: ETCD_VERSION };
}
