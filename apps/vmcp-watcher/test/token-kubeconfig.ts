/** A kubeconfig holding a TokenRequest token of a ServiceAccount: what the kubelet would mount into the pod. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import type { TestEnv } from '@vmcp/envtest/vitest';
import { requestServiceAccountToken } from '@vmcp/kube-watcher/testing';
import { parse, stringify } from 'yaml';
import { clientOf } from './kube-fixtures.ts';

/** TokenRequest (a create on the ServiceAccount's `token` subresource), written as a kubeconfig file under `dir`. */
export async function tokenKubeConfig(
  env: TestEnv,
  dir: string,
  ns: string,
  serviceAccount: string,
): Promise<KubeConfig & { kubeconfigPath: string }> {
  const token = await requestServiceAccountToken(clientOf(env.kubeConfig), ns, serviceAccount);
  const admin = parse(env.kubeconfigYaml) as { clusters: Array<{ cluster: Record<string, string> }> };
  const yaml = stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'envtest', cluster: admin.clusters[0]!.cluster }],
    users: [{ name: serviceAccount, user: { token } }],
    contexts: [{ name: serviceAccount, context: { cluster: 'envtest', user: serviceAccount, namespace: ns } }],
    'current-context': serviceAccount,
  });
  const file = path.join(mkdtempSync(path.join(dir, 'kc-')), 'kubeconfig');
  writeFileSync(file, yaml, { mode: 0o600 });
  const kc = new KubeConfig();
  kc.loadFromString(yaml);
  return Object.assign(kc, { kubeconfigPath: file });
}
