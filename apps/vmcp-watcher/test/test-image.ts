/** The image the test command builds (`scripts/image.sh build`), and buildah on the storage it is built into. */
import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

export const IMAGE = 'localhost/vmcp-watcher:test';
export const IMAGE_SH = path.resolve(import.meta.dirname, '../scripts/image.sh');

/** `buildah ARGS…` on the storage scripts/image.sh builds into; its trimmed stdout. */
export async function buildah(args: readonly string[]): Promise<string> {
  const { stdout } = await promisify(execFile)('bash', [IMAGE_SH, 'buildah', ...args], { maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim();
}

/** Whether the image was built (the step needs buildah and debootstrap). */
export function imageBuilt(): boolean {
  try {
    execFileSync('bash', [IMAGE_SH, 'buildah', 'inspect', '--type', 'image', IMAGE], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
