import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, sourceFiles, workspacePackages } from './repo.ts';

const root = repoRoot();
const packages = workspacePackages(root);

/** Module specifiers of static imports, re-exports and dynamic imports in one file. */
function specifiers(source: string): string[] {
  return [...source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

describe('the workspace', () => {
  it('has the shared-config packages this test is about', () => {
    const names = packages.map((p) => p.name);
    for (const name of ['@vmcp/tsconfig', '@vmcp/tsup-config', '@vmcp/vitest-config', '@vmcp/eslint-config', '@vmcp/check-package']) {
      expect(names).toContain(name);
    }
  });

  it.each(packages.map((p) => [p.dir, p] as const))('%s takes each shared config it uses from its tooling package', (dir, pkg) => {
    const deps = { ...pkg.manifest.dependencies, ...pkg.manifest.devDependencies };
    const scripts = pkg.manifest.scripts ?? {};
    const needs: [boolean, string][] = [
      [existsSync(path.join(root, dir, 'tsup.config.ts')), '@vmcp/tsup-config'],
      [existsSync(path.join(root, dir, 'vitest.config.ts')), '@vmcp/vitest-config'],
      [existsSync(path.join(root, dir, 'tsconfig.json')) && pkg.name !== '@vmcp/tsconfig', '@vmcp/tsconfig'],
      ['lint' in scripts && pkg.name !== '@vmcp/eslint-config', '@vmcp/eslint-config'],
      ['check:package' in scripts, '@vmcp/check-package'],
    ];
    for (const [uses, config] of needs) {
      if (uses) expect(deps[config], `${dir} uses ${config}`).toBe('workspace:*');
    }
    if ('lint' in scripts) expect(existsSync(path.join(root, dir, 'eslint.config.js')), `${dir}/eslint.config.js`).toBe(true);
  });

  it.each(packages.map((p) => [p.dir] as const))('%s imports and runs nothing outside its own folder', (dir) => {
    const outside: string[] = [];
    for (const file of sourceFiles(dir)) {
      for (const spec of specifiers(readFileSync(path.join(root, file), 'utf8'))) {
        if (!spec.startsWith('.')) continue;
        const target = path.resolve(root, path.dirname(file), spec);
        if (!target.startsWith(path.join(root, dir) + path.sep)) outside.push(`${file} → ${spec}`);
      }
    }
    const manifest = JSON.parse(readFileSync(path.join(root, dir, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
    for (const [name, command] of Object.entries(manifest.scripts ?? {})) {
      if (/(^|\s)\.\.\//.test(command)) outside.push(`script ${name}: ${command}`);
    }
    expect(outside).toEqual([]);
  });
});

describe('the service (apps/vmcp-watcher)', () => {
  it('depends on exactly the packages its run-time code imports (tests and tools are development dependencies)', () => {
    const app = packages.find((p) => p.dir === 'apps/vmcp-watcher')!;
    const imported = new Set<string>();
    for (const file of sourceFiles(`${app.dir}/src`)) {
      if (file.endsWith('.test.ts')) continue;
      for (const spec of specifiers(readFileSync(path.join(root, file), 'utf8'))) {
        if (spec.startsWith('.') || spec.startsWith('node:')) continue;
        const parts = spec.split('/');
        imported.add(spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
      }
    }
    expect([...imported].sort()).toEqual(Object.keys(app.manifest.dependencies ?? {}).sort());
    // The local demo's control plane is never part of the service.
    expect(Object.keys(app.manifest.dependencies ?? {})).not.toContain('@vmcp/envtest');
    expect(Object.keys(app.manifest.dependencies ?? {})).not.toContain('@vmcp/demo');
  });
});
