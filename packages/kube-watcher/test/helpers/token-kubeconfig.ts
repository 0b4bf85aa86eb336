/** A kubeconfig that authenticates with a ServiceAccount's TokenRequest token, as a pod's mounted token would. */
import { KubeConfig } from '@kubernetes/client-node';
import { KubeHttpClient } from '../../src/index.ts';
import { requestServiceAccountToken } from '../../src/testing/index.ts';

/** Requests a token of `namespace/serviceAccount` with `admin`'s credentials; the kubeconfig talks to `admin`'s cluster. */
export async function serviceAccountKubeConfig(admin: KubeConfig, namespace: string, serviceAccount: string): Promise<KubeConfig> {
  const token = await requestServiceAccountToken(new KubeHttpClient(admin), namespace, serviceAccount);
  const cluster = admin.getCurrentCluster();
  if (!cluster) throw new Error('admin kubeconfig has no current cluster');
  const kc = new KubeConfig();
  const user = `${namespace}-${serviceAccount}`;
  kc.loadFromOptions({
    clusters: [cluster],
    users: [{ name: user, token }],
    contexts: [{ name: user, cluster: cluster.name, user }],
    currentContext: user,
  });
  return kc;
}
