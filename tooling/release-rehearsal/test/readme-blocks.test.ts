import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { brokenLinks, importsOf, readmeBlocks } from '../src/readme-blocks.ts';
import { publicPackages, REPO_ROOT } from '../src/workspace.ts';

const fence = '```';

describe('readmeBlocks', () => {
  it('reads the marker on the line before each TypeScript block', () => {
    const md = [
      `${fence}ts`,
      "import { a } from '@vmcp/api';",
      fence,
      '<!-- ts: run -->',
      `${fence}ts`,
      "import x from 'express';",
      fence,
      '<!-- ts: run envtest -->',
      `${fence}ts`,
      'void 0;',
      fence,
      '<!-- ts: fragment (signatures only) -->',
      `${fence}ts`,
      'f(): void;',
      fence,
      `${fence}sh`,
      'npm i',
      fence,
    ].join('\n');
    expect(readmeBlocks(md).map((b) => [b.index, b.mode, b.reason, b.imports])).toEqual([
      [1, 'check', undefined, ['@vmcp/api']],
      [2, 'run', undefined, ['express']],
      [3, 'run-envtest', undefined, []],
      [4, 'fragment', 'signatures only', []],
    ]);
  });

  it('rejects a fragment without a reason and an unknown marker', () => {
    expect(() => readmeBlocks(['<!-- ts: fragment -->', `${fence}ts`, 'x', fence].join('\n'))).toThrow(/must say why/);
    expect(() => readmeBlocks(['<!-- ts: skip -->', `${fence}ts`, 'x', fence].join('\n'))).toThrow(/unknown marker/);
  });

  it('rejects a marker parted from its fence by a blank line, which would otherwise be ignored', () => {
    expect(() => readmeBlocks(['<!-- ts: run -->', '', `${fence}ts`, 'x', fence].join('\n'))).toThrow(/right before its fence/);
    expect(readmeBlocks(['<!-- ts: run -->', `${fence}ts`, 'x', fence].join('\n'))[0]?.mode).toBe('run');
  });

  it('finds package imports, not node: or relative ones', () => {
    expect(
      importsOf(
        "import a from 'node:fs';\nimport { b } from './b.ts';\nimport type { C } from '@kubernetes/client-node';\nconst d = await import('@vmcp/envtest/vitest');\nimport 'x/y';",
      ),
    ).toEqual(['@kubernetes/client-node', '@vmcp/envtest', 'x']);
  });
});

describe('brokenLinks', () => {
  it('accepts absolute URLs, anchors and shipped files; reports the rest', () => {
    const md = '[a](https://x.dev/a) [b](#b) [c](examples/README.md) [d](../registry) [e](docs/missing.md) `[f](g)`';
    expect(brokenLinks(md, new Set(['examples/README.md']))).toEqual(['../registry', 'docs/missing.md']);
  });
});

describe('publicPackages', () => {
  it('discovers the workspace packages that are not private', () => {
    const names = publicPackages().map((p) => p.name);
    expect(names).toContain('@vmcp/registry');
    expect(names).toContain('@vmcp/envtest');
    expect(names).not.toContain('vmcp-watcher');
    expect(names).not.toContain('@vmcp/release-rehearsal');
  });
});

describe('every public package', () => {
  const license = readFileSync(path.join(REPO_ROOT, 'LICENSE'), 'utf8');
  it.each(publicPackages().map((p) => [p.name, p.dir]))('%s ships the root LICENSE (Apache-2.0) and a README', (_name, dir) => {
    expect(license).toContain('Apache License');
    expect(readFileSync(path.join(REPO_ROOT, dir, 'LICENSE'), 'utf8')).toBe(license);
    expect(existsSync(path.join(REPO_ROOT, dir, 'README.md'))).toBe(true);
    const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, dir, 'package.json'), 'utf8')) as { license?: string };
    expect(manifest.license).toBe('Apache-2.0');
  });
});
