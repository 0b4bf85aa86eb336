import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, workspacePackages } from './repo.ts';

// docs/architecture.md's package table says what each package depends on at run time; the package.json files say
// what it really does. This test keeps the two equal, so the table cannot drift.

const root = repoRoot();

/** Package name → the workspace packages the table says it depends on, by short name (`@vmcp/api` → `api`). */
export function tableDependencies(markdown: string): Map<string, string[]> {
  const start = markdown.search(/^## The packages$/m);
  const rest = markdown.slice(start + 1);
  // The table is the section's first one: stop at the next heading.
  const next = rest.search(/^#{2,3} /m);
  const section = next < 0 ? rest : rest.slice(0, next);
  const rows = new Map<string, string[]>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    // | `@vmcp/x` | job | depends on |
    const name = /^`(@vmcp\/[\w-]+)`$/.exec(cells[1] ?? '')?.[1];
    if (name === undefined || cells.length < 5) continue;
    const dependsOn = cells[3]!;
    rows.set(
      name,
      dependsOn === '—'
        ? []
        : dependsOn
            .split(',')
            .map((item) => item.replace(/\(.*?\)/g, '').trim())
            .filter((item) => item !== ''),
    );
  }
  return rows;
}

/** The `@vmcp/*` run-time dependencies of a manifest, by short name, sorted. */
function runtimeDependencies(manifest: { dependencies?: Record<string, string> }): string[] {
  return Object.keys(manifest.dependencies ?? {})
    .filter((name) => name.startsWith('@vmcp/'))
    .map((name) => name.slice('@vmcp/'.length))
    .sort();
}

const table = tableDependencies(readFileSync(path.join(root, 'docs/architecture.md'), 'utf8'));
const libraries = workspacePackages(root).filter((p) => p.dir.startsWith('packages/'));

describe("docs/architecture.md's package table", () => {
  it('is read as the table it is (a planted table parses, notes in parentheses dropped)', () => {
    const planted = [
      '## The packages',
      '',
      '| package | job | depends on |',
      '|---|---|---|',
      '| `@vmcp/a` | a leaf | — |',
      '| `@vmcp/b` | uses a | a, c (the `X` type only) |',
      '| `vmcp-watcher` (app) | the service | what it imports |',
      '',
      '### Another section',
      '',
      '| `@vmcp/c` | a table of something else | x |',
    ].join('\n');
    expect([...tableDependencies(planted)]).toEqual([
      ['@vmcp/a', []],
      ['@vmcp/b', ['a', 'c']],
    ]);
  });

  it('has a row for every package in packages/', () => {
    expect([...table.keys()].sort()).toEqual(libraries.map((p) => p.name).sort());
  });

  it.each(libraries.map((p) => [p.name, p] as const))('%s: the table names exactly its run-time workspace dependencies', (name, pkg) => {
    expect([...(table.get(name) ?? [])].sort()).toEqual(runtimeDependencies(pkg.manifest));
  });
});
