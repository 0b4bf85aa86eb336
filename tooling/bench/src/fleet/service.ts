/**
 * The vmcp-watcher service itself (its bundled `dist/cli.js`, the image's Node flags) in a process of its own: the
 * one watcher of the feed mode, and the "service" column of the cold-start phases. Ready when its plain probe port
 * answers `/readyz` 200; the spawn time is taken just before `spawn()`, so spawn → ready includes Node's boot.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { freePort } from '@vmcp/envtest';
import { rssOf } from '../peers/process.ts';
import { epochMs } from '../peers/protocol.ts';
import { sleep } from '../phases/context.ts';

/** Where the service's entry is: the workspace package `vmcp-watcher`, built. */
export function serviceEntry(): string {
  const manifest = createRequire(import.meta.url).resolve('vmcp-watcher/package.json');
  return path.join(path.dirname(manifest), 'dist', 'cli.js');
}

/** Options of {@link startService}. */
export interface ServiceOptions {
  kubeconfig: string;
  namespace: string;
  /** One group, or several (`--group a,b`: a flag of issue 23's service). */
  groups: readonly string[];
  nodeFlags: readonly string[];
  /** More service flags (the feed's TLS, …). */
  extraArgs?: readonly string[];
  env?: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** How often `/readyz` is asked while waiting; default 50 ms (the start's resolution). */
  pollMs?: number;
}

/** A running watcher service. */
export interface RunningService {
  /** `http(s)://127.0.0.1:<port>`: the API port (API, page, events, the feed). */
  url: string;
  /** `http://127.0.0.1:<port>`: the probes. */
  probesUrl: string;
  pid: number;
  /** Epoch ms just before spawn, and when `/readyz` first answered 200. */
  spawnedAt: number;
  readyAt: number;
  /** Resident set size now, from /proc (null when unreadable). */
  rss(): number | null;
  stop(): Promise<void>;
}

/**
 * Starts the service and waits for readiness.
 * @throws Error with the service's last output when it exits (e.g. refuses a flag) or does not get ready in time.
 */
export async function startService(o: ServiceOptions): Promise<RunningService> {
  const [api, probes] = [await freePort(), await freePort()];
  const tls = o.extraArgs?.some((a) => a.startsWith('--tls-cert-file')) === true;
  const args = [
    ...o.nodeFlags,
    serviceEntry(),
    `--kubeconfig=${o.kubeconfig}`,
    `--namespace=${o.namespace}`,
    `--group=${o.groups.join(',')}`,
    `--listen=127.0.0.1:${api}`,
    `--health-probe-bind-address=127.0.0.1:${probes}`,
    '--metrics-bind-address=0',
    '--log-level=warn',
    ...(o.extraArgs ?? []),
  ];
  const spawnedAt = epochMs();
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...o.env } });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (c: string) => (stderr = (stderr + c).slice(-2000)));
  let exited: string | undefined;
  child.once('exit', (code, signal) => (exited = `exited with ${signal ?? String(code)}`));
  const stop = async (): Promise<void> => {
    if (exited !== undefined) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(timer);
  };
  const probesUrl = `http://127.0.0.1:${probes}`;
  const deadline = Date.now() + o.timeoutMs;
  let readyAt: number;
  for (;;) {
    if (exited !== undefined) throw new Error(`the watcher service ${exited}: ${stderr.trim()}`);
    try {
      if ((await fetch(`${probesUrl}/readyz`)).status === 200) {
        readyAt = epochMs();
        break;
      }
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the watcher service was not ready within ${o.timeoutMs} ms: ${stderr.trim()}`);
    }
    await sleep(o.pollMs ?? 50);
  }
  const pid = child.pid ?? 0;
  return { url: `${tls ? 'https' : 'http'}://127.0.0.1:${api}`, probesUrl, pid, spawnedAt, readyAt, rss: () => rssOf(pid), stop };
}

/** Options of {@link startFeedService}. */
export interface FeedServiceOptions {
  kubeconfig: string;
  namespace: string;
  group: string;
  certFile: string;
  keyFile: string;
  nodeFlags: readonly string[];
  timeoutMs: number;
}

/** Starts the service with the feed on over TLS (the fleet phase's one watcher). */
export function startFeedService(o: FeedServiceOptions): Promise<RunningService> {
  return startService({
    kubeconfig: o.kubeconfig,
    namespace: o.namespace,
    groups: [o.group],
    nodeFlags: o.nodeFlags,
    timeoutMs: o.timeoutMs,
    pollMs: 200,
    extraArgs: ['--feed', `--tls-cert-file=${o.certFile}`, `--tls-key-file=${o.keyFile}`],
  });
}
