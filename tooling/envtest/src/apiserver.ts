import { readFileSync } from 'node:fs';
import { request, type TlsIdentity } from './internal/http.ts';
import { ManagedProcess } from './internal/process.ts';
import type { Reaper } from './internal/reaper-client.ts';
import { waitUntil } from './internal/wait.ts';
import type { PkiFiles } from './pki.ts';

/** What kube-apiserver needs to start. */
export interface ApiServerConfig {
  binary: string;
  etcdUrl: string;
  port: number;
  certDir: string;
  logFile: string;
  pki: PkiFiles;
  /** Extra `--flag=value` arguments, appended after the defaults (a later flag wins). */
  extraArgs?: readonly string[];
  /** Registers the process group with this reaper (see `internal/reaper.ts`); restarts with this config too. */
  reaper?: Reaper | undefined;
}

/**
 * kube-apiserver flags of controller-runtime's envtest, with explicit serving certs (else it writes self-signed ones
 * relative to the working directory). Deliberately no `--advertise-address`: a loopback one is refused by recent
 * releases; the apiserver picks the default-route interface instead.
 */
export function apiServerArgs(cfg: ApiServerConfig): string[] {
  return [
    '--allow-privileged=true',
    '--authorization-mode=RBAC',
    '--bind-address=127.0.0.1',
    `--cert-dir=${cfg.certDir}`,
    `--client-ca-file=${cfg.pki.clientCaCert}`,
    '--disable-admission-plugins=ServiceAccount', // no controller creates the default ServiceAccount
    `--etcd-servers=${cfg.etcdUrl}`,
    `--secure-port=${cfg.port}`,
    `--service-account-issuer=https://127.0.0.1:${cfg.port}/`,
    `--service-account-key-file=${cfg.pki.serviceAccountPub}`,
    `--service-account-signing-key-file=${cfg.pki.serviceAccountKey}`,
    '--service-cluster-ip-range=10.0.0.0/24',
    `--tls-cert-file=${cfg.pki.apiserverCert}`,
    `--tls-private-key-file=${cfg.pki.apiserverKey}`,
    ...(cfg.extraArgs ?? []),
  ];
}

/**
 * Starts kube-apiserver and waits until it is ready: `/readyz` over mTLS as the admin (an anonymous probe can see
 * 403 until the RBAC bootstrap roles exist), then GET namespace `default` (created by a post-start hook).
 */
export async function startApiServer(cfg: ApiServerConfig, admin: TlsIdentity, timeoutMs: number): Promise<ManagedProcess> {
  const proc = new ManagedProcess('kube-apiserver', cfg.binary, apiServerArgs(cfg), cfg.logFile, { reaper: cfg.reaper });
  const base = `https://127.0.0.1:${cfg.port}`;
  try {
    const deadline = Date.now() + timeoutMs;
    await waitUntil(
      `kube-apiserver ${base}/readyz`,
      async () => {
        const res = await request(`${base}/readyz`, { tls: admin, timeoutMs: 5000 });
        return res.status === 200;
      },
      { timeoutMs, proc, intervalMs: 200 },
    );
    await waitUntil(
      'namespace "default"',
      async () => (await request(`${base}/api/v1/namespaces/default`, { tls: admin, timeoutMs: 5000 })).status === 200,
      { timeoutMs: Math.max(5000, deadline - Date.now()), proc },
    );
  } catch (error) {
    await proc.stop(2000);
    throw error;
  }
  return proc;
}

/** Reads the admin identity files into PEM text. */
export function readIdentity(ca: string, cert: string, key: string): TlsIdentity {
  return { ca: readFileSync(ca, 'utf8'), cert: readFileSync(cert, 'utf8'), key: readFileSync(key, 'utf8') };
}
