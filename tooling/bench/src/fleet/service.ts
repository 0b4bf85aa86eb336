/**
 * The one watcher of the feed mode: the vmcp-watcher service itself (its bundled `dist/cli.js`, the image's Node
 * flags), in a process of its own, with the feed on over TLS. Ready when its plain probe port answers `/readyz` 200.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { freePort } from '@vmcp/envtest';
import { sleep } from '../phases/context.ts';

/** Where the service's entry is: the workspace package `vmcp-watcher`, built. */
export function serviceEntry(): string {
  const manifest = createRequire(import.meta.url).resolve('vmcp-watcher/package.json');
  return path.join(path.dirname(manifest), 'dist', 'cli.js');
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

/** A running watcher service. */
export interface FeedService {
  /** `https://127.0.0.1:<port>`: the API port, where the feed is. */
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/** Starts the service and waits for readiness. @throws Error with the service's last output when it does not get ready. */
export async function startFeedService(o: FeedServiceOptions): Promise<FeedService> {
  const [api, probes] = [await freePort(), await freePort()];
  const args = [
    ...o.nodeFlags,
    serviceEntry(),
    `--kubeconfig=${o.kubeconfig}`,
    `--namespace=${o.namespace}`,
    `--group=${o.group}`,
    `--listen=127.0.0.1:${api}`,
    `--health-probe-bind-address=127.0.0.1:${probes}`,
    '--metrics-bind-address=0',
    '--feed',
    `--tls-cert-file=${o.certFile}`,
    `--tls-key-file=${o.keyFile}`,
    '--log-level=warn',
  ];
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
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
  const deadline = Date.now() + o.timeoutMs;
  for (;;) {
    if (exited !== undefined) throw new Error(`the watcher service ${exited}: ${stderr.trim()}`);
    try {
      if ((await fetch(`http://127.0.0.1:${probes}/readyz`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the watcher service was not ready within ${o.timeoutMs} ms: ${stderr.trim()}`);
    }
    await sleep(200);
  }
  return { url: `https://127.0.0.1:${api}`, pid: child.pid ?? 0, stop };
}
