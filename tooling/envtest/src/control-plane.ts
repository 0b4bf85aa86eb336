import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { readIdentity, startApiServer as launchApiServer, type ApiServerConfig } from './apiserver.ts';
import { findBinaries, type ControlPlaneBinaries } from './binaries.ts';
import { installCrds, loadCrds } from './crds.ts';
import { compactEtcd, etcdClientUrl, startEtcd } from './etcd.ts';
import { request, type TlsIdentity } from './internal/http.ts';
import { freePort } from './internal/ports.ts';
import type { ManagedProcess } from './internal/process.ts';
import { Reaper } from './internal/reaper-client.ts';
import { ProcessExitedError } from './internal/wait.ts';
import { kubeConfigFromYaml, kubeconfigYaml } from './kubeconfig.ts';
import { createPki, issueClientCert, type PkiFiles } from './pki.ts';

/** Options of {@link startControlPlane}. */
export interface ControlPlaneOptions {
  /** CRD files or directories to install before returning (create or update, then wait until served). */
  crds?: readonly string[];
  /** Binaries to run. Default: {@link findBinaries} (KUBEBUILDER_ASSETS, then the cache); never builds. */
  binaries?: ControlPlaneBinaries;
  /** Per-process start timeout. Default 90 s: generous, because 2 busy cores can make kube-apiserver take 30 s+. */
  startTimeoutMs?: number;
  /** Grace period between SIGTERM and SIGKILL when stopping. Default 10 s. */
  stopGraceMs?: number;
  /** Where the temporary directory is created. Default `os.tmpdir()`. */
  tmpDir?: string;
  /** Also write the admin kubeconfig here (it is always written inside the temp dir too). */
  kubeconfigOut?: string;
  /** Extra kube-apiserver flags (`--name=value`), e.g. `--watch-cache=false`. */
  apiServerArgs?: readonly string[];
}

/** A user of the control plane: a KubeConfig for it, plus the kubeconfig file written for it. */
export type UserKubeConfig = KubeConfig & { kubeconfigPath: string; kubeconfigYaml: string };

/** A user to add: CN = name, O = groups. */
export interface UserSpec {
  name: string;
  groups?: readonly string[];
}

/** Start-up times and memory of the two processes. */
export interface ControlPlaneStats {
  etcdStartMs: number;
  apiServerStartMs: number;
  /** From the call to startControlPlane to ready, CRDs included. */
  totalStartMs: number;
  etcdRssBytes: number | undefined;
  apiServerRssBytes: number | undefined;
  etcdPid: number | undefined;
  apiServerPid: number | undefined;
  /** The watchdog that kills both and removes the temp dir if this process dies without `stop()`. */
  reaperPid: number | undefined;
}

/** A running etcd + kube-apiserver pair; see {@link startControlPlane}. */
export interface ControlPlane {
  /** Admin (`O=system:masters`) client configuration. */
  readonly kubeConfig: KubeConfig;
  /** Admin kubeconfig YAML (certificates embedded). */
  readonly kubeconfigYaml: string;
  /** Path of the admin kubeconfig file. */
  readonly kubeconfigPath: string;
  /** `https://127.0.0.1:<port>`; the same across stopApiServer/startApiServer. */
  readonly server: string;
  /** `http://127.0.0.1:<port>` of etcd. */
  readonly etcdUrl: string;
  /** The temporary directory with PKI, data, logs and kubeconfigs; removed by stop(). */
  readonly dir: string;
  /** PKI files (the client CA signs user certificates). */
  readonly pki: PkiFiles;
  /** Log files of both processes. */
  readonly logs: { etcd: string; apiServer: string };
  /** Issues a client certificate (CN = name, O = groups) and writes a kubeconfig for it. */
  addUser(user: UserSpec): Promise<UserKubeConfig>;
  /** Creates or updates the CRDs in these files/directories and waits until they are served. */
  installCRDs(paths: readonly string[]): Promise<string[]>;
  /** Creates a namespace `<prefix>-<random>` and returns its name. */
  createNamespace(prefix?: string): Promise<string>;
  /** Stops kube-apiserver only; etcd and its data stay. */
  stopApiServer(): Promise<void>;
  /** Starts kube-apiserver again on the same port, against the same etcd. */
  startApiServer(): Promise<void>;
  /** SIGSTOPs kube-apiserver: connections stay open but nothing is answered. */
  pause(): void;
  /** SIGCONTs kube-apiserver. */
  resume(): void;
  /**
   * Compacts etcd at its current revision (recording it under `compact_rev_key`, as kube-apiserver's own compactor
   * does) and returns that revision, so a watch from an older resourceVersion gets 410 Gone.
   *
   * Why it restarts kube-apiserver by default: a running kube-apiserver serves watches from its in-memory watch
   * cache, which etcd compaction does not touch (measured on 1.36: a watch from a compacted revision still
   * succeeded). A restarted one re-lists at the current revision and answers 410 for anything older, which is what
   * a client resuming after an outage meets. `{ restartApiServer: false }` only compacts etcd (the apiserver is
   * left as it is; if it is stopped, it is never started here).
   */
  compact(opts?: { restartApiServer?: boolean }): Promise<number>;
  /** Start-up times and current RSS of both processes. */
  stats(): ControlPlaneStats;
  /** Stops both processes (apiserver first), removes the temporary directory, dismisses the reaper. Idempotent. */
  stop(): Promise<void>;
}

const MAX_ATTEMPTS = 5;

/** Runs `start` with fresh ports until it does not die early (a lost port race), at most 5 times. */
async function withPortRetry<T>(what: string, start: () => Promise<T>): Promise<T> {
  let last: unknown;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (!(error instanceof ProcessExitedError)) throw error;
      last = error;
    }
  }
  throw new Error(`${what} failed to start ${MAX_ATTEMPTS} times in a row; last failure: ${(last as Error).message}`, { cause: last });
}

/**
 * Starts a throwaway etcd + kube-apiserver on loopback with a fresh PKI, RBAC authorization and an admin user, and
 * installs `options.crds`. Throws if the binaries are missing (with how to build them) or a process does not become
 * ready (with its log tail). Always `stop()` it; exit hooks kill it if the process dies first, and a detached reaper
 * process kills it and removes its temp dir even if this process is SIGKILLed.
 *
 * @example
 * const cp = await startControlPlane({ crds: ['packages/api/crds'] });
 * try { const core = cp.kubeConfig.makeApiClient(CoreV1Api); … } finally { await cp.stop(); }
 */
export async function startControlPlane(options: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const t0 = Date.now();
  let binaries = options.binaries;
  if (!binaries) {
    const found = findBinaries();
    if (!found.found) throw new Error(found.reason);
    binaries = found.binaries;
  }
  const bin = binaries;
  const startTimeoutMs = options.startTimeoutMs ?? 90_000;
  const grace = options.stopGraceMs ?? 10_000;
  const dir = mkdtempSync(path.join(options.tmpDir ?? os.tmpdir(), 'vmcp-envtest-'));
  const logs = { etcd: path.join(dir, 'etcd.log'), apiServer: path.join(dir, 'kube-apiserver.log') };
  let etcd: ManagedProcess | undefined;
  let apiServer: ManagedProcess | undefined;
  let stopped = false;
  let reaper: Reaper;
  try {
    // Before any process: whatever is spawned from here on is registered with it in the same tick.
    reaper = Reaper.start({ dirs: [dir], graceMs: grace });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const cleanup = async (): Promise<void> => {
    try {
      await apiServer?.stop(grace);
      await etcd?.stop(grace);
      rmSync(dir, { recursive: true, force: true });
    } finally {
      await reaper.release();
    }
  };

  try {
    const pki = await createPki(path.join(dir, 'pki'));
    const usersDir = path.join(dir, 'users');
    const clientCa = { cert: pki.clientCaCert, key: pki.clientCaKey };
    const admin = await issueClientCert(clientCa, usersDir, 'admin', ['system:masters']);
    const caPem = readFileSync(pki.servingCaCert, 'utf8');
    const adminTls: TlsIdentity = readIdentity(pki.servingCaCert, admin.cert, admin.key);

    const tEtcd = Date.now();
    let etcdPort = 0;
    etcd = await withPortRetry('etcd', async () => {
      const [clientPort, peerPort] = [await freePort(), await freePort()];
      etcdPort = clientPort;
      rmSync(path.join(dir, 'etcd-data'), { recursive: true, force: true });
      return startEtcd(
        { binary: bin.etcd, dataDir: path.join(dir, 'etcd-data'), logFile: logs.etcd, clientPort, peerPort, reaper },
        startTimeoutMs,
      );
    });
    const etcdStartMs = Date.now() - tEtcd;
    const etcdUrl = etcdClientUrl(etcdPort);

    const tApi = Date.now();
    let apiConfig: ApiServerConfig | undefined;
    apiServer = await withPortRetry('kube-apiserver', async () => {
      apiConfig = {
        binary: bin.kubeApiserver,
        etcdUrl,
        port: await freePort(),
        certDir: path.join(dir, 'cert-dir'),
        logFile: logs.apiServer,
        pki,
        extraArgs: options.apiServerArgs ?? [],
        reaper,
      };
      return launchApiServer(apiConfig, adminTls, startTimeoutMs);
    });
    const apiServerStartMs = Date.now() - tApi;
    const cfg = apiConfig!;
    const server = `https://127.0.0.1:${cfg.port}`;

    const adminYaml = kubeconfigYaml({ server, caPem, certPem: admin.certPem, keyPem: admin.keyPem, user: 'admin' });
    const kubeconfigPath = path.join(dir, 'admin.kubeconfig');
    writeFileSync(kubeconfigPath, adminYaml, { mode: 0o600 });
    if (options.kubeconfigOut) {
      mkdirSync(path.dirname(path.resolve(options.kubeconfigOut)), { recursive: true });
      writeFileSync(options.kubeconfigOut, adminYaml, { mode: 0o600 });
    }

    const installCRDs = (paths: readonly string[]): Promise<string[]> => installCrds(server, adminTls, loadCrds(paths));
    if (options.crds && options.crds.length > 0) await installCRDs(options.crds);
    const totalStartMs = Date.now() - t0;

    const requireRunning = (what: string): ManagedProcess => {
      if (stopped) throw new Error(`${what}: the control plane was stopped`);
      if (!apiServer || apiServer.status) throw new Error(`${what}: kube-apiserver is not running (call startApiServer() first)`);
      return apiServer;
    };

    const cp: ControlPlane = {
      kubeConfig: kubeConfigFromYaml(adminYaml),
      kubeconfigYaml: adminYaml,
      kubeconfigPath,
      server,
      etcdUrl,
      dir,
      pki,
      logs,
      async addUser(user) {
        const c = await issueClientCert(clientCa, usersDir, user.name, user.groups ?? []);
        const yaml = kubeconfigYaml({ server, caPem, certPem: c.certPem, keyPem: c.keyPem, user: user.name });
        const file = c.cert.replace(/\.crt$/, '.kubeconfig');
        writeFileSync(file, yaml, { mode: 0o600 });
        return Object.assign(kubeConfigFromYaml(yaml), { kubeconfigPath: file, kubeconfigYaml: yaml });
      },
      installCRDs,
      async createNamespace(prefix = 'test') {
        const name = `${prefix}-${randomBytes(4).toString('hex')}`;
        const res = await request(`${server}/api/v1/namespaces`, {
          method: 'POST',
          tls: adminTls,
          body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
        });
        if (res.status !== 201) throw new Error(`creating namespace ${name} failed: HTTP ${res.status} ${res.body}`);
        return name;
      },
      async stopApiServer() {
        await requireRunning('stopApiServer').stop(grace);
      },
      async startApiServer() {
        if (stopped) throw new Error('startApiServer: the control plane was stopped');
        if (apiServer && !apiServer.status)
          throw new Error('startApiServer: kube-apiserver is already running (call stopApiServer() first)');
        // Same port: clients keep their kubeconfig. A port grabbed by someone else meanwhile is reported, not retried.
        apiServer = await launchApiServer(cfg, adminTls, startTimeoutMs);
      },
      pause() {
        requireRunning('pause').signal('SIGSTOP');
      },
      resume() {
        requireRunning('resume').signal('SIGCONT');
      },
      async compact(opts = {}) {
        if (stopped || !etcd || etcd.status) throw new Error('compact: etcd is not running');
        const revision = await compactEtcd(etcdUrl);
        if (opts.restartApiServer !== false && apiServer && !apiServer.status) {
          await cp.stopApiServer();
          await cp.startApiServer();
        }
        return revision;
      },
      stats() {
        return {
          etcdStartMs,
          apiServerStartMs,
          totalStartMs,
          etcdRssBytes: etcd?.rssBytes(),
          apiServerRssBytes: apiServer?.rssBytes(),
          etcdPid: etcd && !etcd.status ? etcd.pid : undefined,
          apiServerPid: apiServer && !apiServer.status ? apiServer.pid : undefined,
          reaperPid: reaper.running ? reaper.pid : undefined,
        };
      },
      async stop() {
        if (stopped) return;
        stopped = true;
        await cleanup();
      },
    };
    return cp;
  } catch (error) {
    await cleanup();
    throw error;
  }
}
