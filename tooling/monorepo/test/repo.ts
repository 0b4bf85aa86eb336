import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The repository root: the nearest folder above this file that holds pnpm-workspace.yaml. */
export function repoRoot(): string {
  for (let dir = import.meta.dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no pnpm-workspace.yaml above ${import.meta.dirname}`);
  }
}

/** Folders that are build output, caches or installs, never sources (the .gitignore entries that are folders). */
const notSources = new Set(['node_modules', 'dist', '.turbo', '.git', '.pack', '.test-results', 'artifacts', 'coverage']);

/** A throw-away copy of the repository's sources (no installs, no build output); `dispose()` removes it. */
export function copyOfRepo(): { dir: string; dispose: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'vmcp-monorepo-'));
  cpSync(repoRoot(), dir, { recursive: true, filter: (source) => !notSources.has(path.basename(source)) });
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface WorkspacePackage {
  name: string;
  /** Folder relative to the repository root, e.g. `packages/api`. */
  dir: string;
  manifest: {
    name: string;
    scripts?: Record<string, string>;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
}

/** Every workspace package (the folders pnpm-workspace.yaml globs as `<group>/*`). */
export function workspacePackages(root = repoRoot()): WorkspacePackage[] {
  const groups = [...readFileSync(path.join(root, 'pnpm-workspace.yaml'), 'utf8').matchAll(/^\s*-\s*(\S+)\/\*\s*$/gm)].map((m) => m[1]!);
  return groups.flatMap((group) =>
    readdirSync(path.join(root, group), { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && existsSync(path.join(root, group, entry.name, 'package.json')))
      .map((entry) => {
        const dir = `${group}/${entry.name}`;
        const manifest = JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8')) as WorkspacePackage['manifest'];
        return { name: manifest.name, dir, manifest };
      }),
  );
}

/** Source files (`.ts`, `.js`, `.mjs`, `.cjs`) under `dir` (no installs, no build output), relative to `root`. */
export function sourceFiles(dir: string, root = repoRoot()): string[] {
  const skip = new Set(['node_modules', 'dist', '.turbo', 'coverage', 'results', 'go']);
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      if (skip.has(entry.name)) continue;
      const child = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(child);
      else if (/\.(ts|js|mjs|cjs)$/.test(entry.name)) out.push(child);
    }
  };
  walk(dir);
  return out;
}
