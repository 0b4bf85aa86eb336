import { ManagedProcess } from './internal/process.ts';
import type { Reaper } from './internal/reaper-client.ts';
import { request } from './internal/http.ts';
import { waitUntil } from './internal/wait.ts';

/** Where etcd listens and keeps its data. */
export interface EtcdConfig {
  binary: string;
  dataDir: string;
  logFile: string;
  clientPort: number;
  peerPort: number;
  /** Registers the process group with this reaper (see `internal/reaper.ts`). */
  reaper?: Reaper | undefined;
}

/** The client URL of an etcd started by {@link startEtcd}. */
export const etcdClientUrl = (port: number): string => `http://127.0.0.1:${port}`;

/**
 * Starts etcd on loopback and waits for `/health` to say `"health":"true"`. `--unsafe-no-fsync` because test data
 * is throwaway and fsync dominates write latency on slow disks.
 */
export async function startEtcd(cfg: EtcdConfig, timeoutMs: number): Promise<ManagedProcess> {
  const url = etcdClientUrl(cfg.clientPort);
  const proc = new ManagedProcess(
    'etcd',
    cfg.binary,
    [
      `--advertise-client-urls=${url}`,
      `--data-dir=${cfg.dataDir}`,
      `--listen-client-urls=${url}`,
      `--listen-peer-urls=http://127.0.0.1:${cfg.peerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${cfg.peerPort}`,
      `--initial-cluster=default=http://127.0.0.1:${cfg.peerPort}`,
      '--unsafe-no-fsync=true',
      '--log-level=warn',
    ],
    cfg.logFile,
    { reaper: cfg.reaper },
  );
  try {
    await waitUntil(
      `etcd health at ${url}/health`,
      async () => {
        const res = await request(`${url}/health`, { timeoutMs: 2000 });
        return res.status === 200 && /"health":\s*"true"/.test(res.body);
      },
      { timeoutMs, proc },
    );
  } catch (error) {
    await proc.stop(2000);
    throw error;
  }
  return proc;
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** The key kube-apiserver's compactor watches (k8s.io/apiserver pkg/storage/etcd3/compact.go, `compactRevKey`). */
const COMPACT_REV_KEY = 'compact_rev_key';

/**
 * Compacts etcd's history at its current revision through etcd's HTTP/JSON gRPC gateway, physically, so reads and
 * watches from older revisions fail with "required revision has been compacted". Like the apiserver's own compactor,
 * it records the revision under `compact_rev_key` first, so kube-apiserver learns about it too. Returns the
 * compacted revision.
 */
export async function compactEtcd(clientUrl: string): Promise<number> {
  const post = async (path: string, body: unknown): Promise<Record<string, unknown>> => {
    const res = await request(`${clientUrl}${path}`, { method: 'POST', body, timeoutMs: 30_000 });
    if (res.status !== 200) throw new Error(`etcd POST ${path} answered ${res.status}: ${res.body}`);
    return JSON.parse(res.body) as Record<string, unknown>;
  };
  const range = await post('/v3/kv/range', { key: b64(COMPACT_REV_KEY) });
  const current = Number((range['header'] as { revision?: string } | undefined)?.revision);
  if (!Number.isSafeInteger(current) || current <= 0)
    throw new Error(`etcd /v3/kv/range returned no header.revision: ${JSON.stringify(range)}`);
  // Record the revision the put itself will create (current + 1, or higher if someone else wrote in between) and
  // compact at it: it is <= the newest revision once the put is done, and nothing older survives.
  const revision = current + 1;
  await post('/v3/kv/put', { key: b64(COMPACT_REV_KEY), value: b64(String(revision)) });
  await post('/v3/kv/compaction', { revision: String(revision), physical: true });
  return revision;
}
