/** Runs a README example as a user would: plain node with the source condition, KUBECONFIG of a real API server. */
import { spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const dir = path.resolve(import.meta.dirname, '..', '..');

/** The first ```ts block under the README heading `heading` (e.g. `## Usage`). */
export async function readmeExample(heading: string): Promise<string> {
  const readme = await readFile(path.join(dir, 'README.md'), 'utf8');
  const code = /```ts\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf(heading)))?.[1];
  if (code === undefined) throw new Error(`no ts block under ${heading}`);
  return code;
}

/**
 * Runs `code` until its stdout satisfies `done` (or 60 s pass), then sends SIGTERM. Resolves its stdout, stderr and
 * exit code.
 */
export async function runUntil(
  code: string,
  kubeconfigPath: string,
  done: (stdout: string) => boolean,
): Promise<{ out: string; err: string; exitCode: number | null }> {
  const file = path.join(dir, `.readme-example-${process.pid}-${Math.random().toString(36).slice(2, 8)}.ts`);
  await writeFile(file, code);
  try {
    const child = spawn(process.execPath, ['--conditions=@vmcp/source', file], {
      cwd: dir,
      env: { PATH: process.env['PATH'] ?? '', HOME: '/nonexistent-home', KUBECONFIG: kubeconfigPath },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    const deadline = Date.now() + 60_000;
    while (!done(out) && Date.now() < deadline && child.exitCode === null) await sleep(50);
    child.kill('SIGTERM');
    return { exitCode: await exited, out, err };
  } finally {
    await rm(file, { force: true });
  }
}
