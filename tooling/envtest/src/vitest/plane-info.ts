import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ControlPlane } from '../control-plane.ts';
import type { SharedPlaneInfo } from './protocol.ts';

/** What a test worker needs of a control plane, as plain JSON. */
export function planeInfo(cp: ControlPlane): SharedPlaneInfo {
  const admin = cp.kubeConfig.getCurrentUser();
  const decode = (s: string | undefined): string => Buffer.from(s ?? '', 'base64').toString('utf8');
  const s = cp.stats();
  return {
    server: cp.server,
    kubeconfigYaml: cp.kubeconfigYaml,
    kubeconfigPath: cp.kubeconfigPath,
    caPem: readFileSync(cp.pki.servingCaCert, 'utf8'),
    adminCertPem: decode(admin?.certData),
    adminKeyPem: decode(admin?.keyData),
    clientCaCert: cp.pki.clientCaCert,
    clientCaKey: cp.pki.clientCaKey,
    usersDir: path.join(cp.dir, 'users'),
    serviceAccountSigningKey: cp.pki.serviceAccountKey,
    stats: { totalStartMs: s.totalStartMs, etcdRssBytes: s.etcdRssBytes, apiServerRssBytes: s.apiServerRssBytes },
  };
}
