/** Runs the envtest CLI from source in a child process (the CLI tests). */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

const pkg = path.join(import.meta.dirname, '..');

/** A temporary directory for this test file, removed after it. */
export function cliTempDir(): string {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'envtest-cli-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  return tmp;
}

/** Runs the CLI from source; resolves with its exit code and output. */
export function cli(args: string[], env: NodeJS.ProcessEnv, onStdout?: (text: string, child: ReturnType<typeof spawn>) => void) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@vmcp/source', 'src/cli.ts', ...args], {
      cwd: pkg,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
      onStdout?.(stdout, child);
    });
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
