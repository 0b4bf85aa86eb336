import { compareBy } from '@vmcp/core';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

/** The repository root (this package lives in tooling/release-rehearsal). */
export const REPO_ROOT = path.resolve(import.meta.dirname, '../../..');

export interface WorkspacePackage {
  name: string;
  version: string;
  /** Relative to the repository root. */
  dir: string;
}

/**
 * Every package the workspace would publish: the pnpm-workspace.yaml globs (`dir/*` form), minus `private: true`.
 * Discovered, so a new package is rehearsed without anyone editing a list.
 */
export function publicPackages(root = REPO_ROOT): WorkspacePackage[] {
  const workspace = parse(readFileSync(path.join(root, 'pnpm-workspace.yaml'), 'utf8')) as { packages: string[] };
  const found: WorkspacePackage[] = [];
  for (const glob of workspace.packages) {
    if (!glob.endsWith('/*') || glob.slice(0, -2).includes('*'))
      throw new Error(`pnpm-workspace.yaml: glob ${glob} is not of the form dir/*`);
    const parent = path.join(root, glob.slice(0, -2));
    if (!existsSync(parent)) continue;
    for (const entry of readdirSync(parent, { withFileTypes: true })) {
      const manifest = path.join(parent, entry.name, 'package.json');
      if (!entry.isDirectory() || !existsSync(manifest)) continue;
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string; version: string; private?: boolean };
      if (pkg.private === true) continue;
      found.push({ name: pkg.name, version: pkg.version, dir: path.relative(root, path.join(parent, entry.name)) });
    }
  }
  return found.sort(compareBy((entry) => entry.name));
}
