import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';

/** What a kubeconfig for one user of the test control plane is made of (PEM text, not paths). */
export interface KubeconfigParts {
  server: string;
  caPem: string;
  certPem: string;
  keyPem: string;
  /** Context/user name; the cluster is always `envtest`. Default `envtest`. */
  user?: string;
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** Kubeconfig YAML with embedded certificates: one cluster `envtest`, one user, one current context. */
export function kubeconfigYaml(p: KubeconfigParts): string {
  const user = p.user ?? 'envtest';
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'envtest', cluster: { server: p.server, 'certificate-authority-data': b64(p.caPem) } }],
    users: [{ name: user, user: { 'client-certificate-data': b64(p.certPem), 'client-key-data': b64(p.keyPem) } }],
    contexts: [{ name: user, context: { cluster: 'envtest', user } }],
    'current-context': user,
    preferences: {},
  });
}

/** Loads kubeconfig YAML into a `@kubernetes/client-node` KubeConfig. */
export function kubeConfigFromYaml(yaml: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(yaml);
  return kc;
}
