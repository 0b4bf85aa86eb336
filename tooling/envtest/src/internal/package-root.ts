import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The directory holding @vmcp/envtest's package.json. Found by walking up from this module because the code runs
 * from `src/` in development and from differently nested bundles in `dist/`.
 */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
      if (name === '@vmcp/envtest') return (cached = dir);
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`@vmcp/envtest: cannot find the package root above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}
