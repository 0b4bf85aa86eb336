import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { repoRoot, workspacePackages } from './repo.ts';

// Every export of a published package's entry points is a promise: it carries TSDoc and the package README's API
// section names it. An export nobody should rely on is removed instead (docs/architecture.md, "Public surface").

const root = repoRoot();

interface Entry {
  /** `@vmcp/x` or `@vmcp/x/testing`. */
  specifier: string;
  /** The entry's TypeScript source (its `@vmcp/source` export condition), absolute. */
  source: string;
  readme: string;
}

interface Manifest {
  name: string;
  private?: boolean;
  exports?: Record<string, string | Record<string, string>>;
}

const entries: Entry[] = workspacePackages(root)
  .filter((p) => p.dir.startsWith('packages/'))
  .flatMap((p) => {
    const manifest = JSON.parse(readFileSync(path.join(root, p.dir, 'package.json'), 'utf8')) as Manifest;
    if (manifest.private) return [];
    return Object.entries(manifest.exports ?? {})
      .filter(([subpath]) => subpath !== './package.json')
      .map(([subpath, target]) => {
        const source = typeof target === 'string' ? undefined : target['@vmcp/source'];
        if (!source) throw new Error(`${manifest.name}: export "${subpath}" has no @vmcp/source condition`);
        return {
          specifier: subpath === '.' ? manifest.name : `${manifest.name}/${subpath.slice(2)}`,
          source: path.join(root, p.dir, source),
          readme: path.join(root, p.dir, 'README.md'),
        };
      });
  });

const program = ts.createProgram(
  entries.map((e) => e.source),
  {
    noEmit: true,
    allowImportingTsExtensions: true,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2023,
    customConditions: ['@vmcp/source'],
    skipLibCheck: true,
  },
);
const checker = program.getTypeChecker();

/** Each exported name of an entry point with whether its declaration carries a TSDoc comment. */
function exportsOf(entry: Entry): { name: string; documented: boolean; declaredIn: string }[] {
  const file = program.getSourceFile(entry.source);
  const moduleSymbol = file && checker.getSymbolAtLocation(file);
  if (!moduleSymbol) throw new Error(`${entry.specifier}: cannot read ${entry.source}`);
  return checker.getExportsOfModule(moduleSymbol).map((symbol) => {
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    const declarations = target.declarations ?? [];
    const documented = declarations.some((d) => {
      // A `const` carries its comment on the statement, two levels up.
      const holder = ts.isVariableDeclaration(d) ? d.parent.parent : d;
      return ts.getJSDocCommentsAndTags(holder).length > 0;
    });
    const declaredIn = declarations[0] ? path.relative(root, declarations[0].getSourceFile().fileName) : '?';
    return { name: symbol.name, documented, declaredIn };
  });
}

/** The README's `## API` section, down to the next second-level heading. */
function apiSection(readme: string): string {
  const text = readFileSync(readme, 'utf8');
  const start = text.search(/^## API\b/m);
  if (start < 0) return '';
  const next = text.slice(start + 1).search(/^## /m);
  return next < 0 ? text.slice(start) : text.slice(start, start + 1 + next);
}

describe('the public surface of the published packages', () => {
  it('covers every published package and its ./testing entries', () => {
    const specifiers = entries.map((e) => e.specifier);
    for (const name of ['core', 'api', 'registry', 'discoverer', 'reconciler', 'kube-watcher', 'readiness', 'gateway']) {
      expect(specifiers).toContain(`@vmcp/${name}`);
    }
    expect(specifiers).toEqual(expect.arrayContaining(['@vmcp/kube-watcher/testing', '@vmcp/discoverer/testing']));
  });

  it.each(entries.map((e) => [e.specifier, e] as const))('%s: every export has TSDoc', (_specifier, entry) => {
    const exports = exportsOf(entry);
    expect(exports.length).toBeGreaterThan(0);
    expect(exports.filter((e) => !e.documented).map((e) => `${e.name} (${e.declaredIn})`)).toEqual([]);
  });

  it.each(entries.map((e) => [e.specifier, e] as const))("%s: the README's API section names every export", (_specifier, entry) => {
    const section = apiSection(entry.readme);
    expect(section, `${path.relative(root, entry.readme)} has no "## API" section`).not.toBe('');
    const missing = exportsOf(entry)
      .map((e) => e.name)
      .filter((name) => !new RegExp(`(?<![\\w$])${name.replace(/\$/g, '\\$')}(?![\\w$])`).test(section));
    expect(missing).toEqual([]);
  });
});
