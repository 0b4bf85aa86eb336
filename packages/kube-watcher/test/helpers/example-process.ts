import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

/** What a README example printed, and how it exited. */
export interface ExampleRun {
  code: number | null;
  out: string;
  err: string;
}

/**
 * Runs a long-running README example as a user would (plain node with the workspace's source condition, KUBECONFIG
 * pointing at a real API server, no HOME), waits until its output satisfies `until` (at most 60 s), then sends it
 * SIGTERM and waits for it to exit.
 */
export async function runUntilThenTerminate(
  file: string,
  cwd: string,
  kubeconfigPath: string,
  until: (out: string) => boolean,
): Promise<ExampleRun> {
  const child = spawn(process.execPath, ['--conditions=@vmcp/source', file], {
    cwd,
    env: { PATH: process.env['PATH'] ?? '', HOME: '/nonexistent-home', KUBECONFIG: kubeconfigPath },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const deadline = Date.now() + 60_000;
  while (!until(out) && Date.now() < deadline && child.exitCode === null) await sleep(50);
  child.kill('SIGTERM');
  return { code: await exited, out, err };
}
