/** The kube config the configuration names: in-cluster, or exactly the kubeconfig files it validated. */
import { KubeConfig } from '@kubernetes/client-node';
import { errorMessage } from '@vmcp/core';
import { ConfigError } from '../config/error.ts';
import type { ClusterSource } from '../config/cluster-source.ts';
import { loadKubeconfigFiles } from './kubeconfig-files.ts';

/** Loads the kube config the configuration names. Throws ConfigError for a bad file or an unknown context. */
export function loadKubeConfig(cluster: ClusterSource): KubeConfig {
  if (cluster.kind === 'in-cluster') {
    const kc = new KubeConfig();
    kc.loadFromCluster();
    return kc;
  }
  let kc: KubeConfig;
  try {
    // Exactly the files that were validated (a list is merged with kubectl's rules): never KUBECONFIG or HOME.
    kc = loadKubeconfigFiles(cluster.paths);
  } catch (error) {
    throw new ConfigError(cluster.from, `cannot load kubeconfig ${errorMessage(error)}`);
  }
  if (cluster.context !== undefined) {
    if (kc.getContextObject(cluster.context) === null) {
      throw new ConfigError('--context', `context "${cluster.context}" is not in ${cluster.path}`);
    }
    kc.setCurrentContext(cluster.context);
  }
  if (kc.getCurrentCluster() === null) {
    throw new ConfigError(cluster.from, `kubeconfig ${cluster.path} has no current context with a cluster`);
  }
  return kc;
}
