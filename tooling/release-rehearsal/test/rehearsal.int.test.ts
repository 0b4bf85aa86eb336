/**
 * The release rehearsal: every public workspace package (discovered, not listed) is versioned and published the way
 * a release does it (changesets) to a local Verdaccio; then, in fresh folders with plain npm, each package is
 * installed alone, its tarball checked (LICENSE, README links, source maps), its exports imported, and its README's
 * runnable examples run (against the run's real API server where they need a cluster). Every TypeScript block of
 * every README is type-checked with strict tsc against the installed packages, with moduleResolution nodenext and
 * bundler; blocks marked as fragments are reported as skipped, with the marker's reason.
 */
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { CoreV1Api } from '@kubernetes/client-node';
import { crdDirectory } from '@vmcp/api';
import { describeIntegration, useEnvtest } from '@vmcp/envtest/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { brokenLinks, readmeBlocks, type ReadmeBlock } from '../src/readme-blocks.ts';
import { startVerdaccio, type LocalRegistry } from '../src/verdaccio.ts';
import { publicPackages, REPO_ROOT, type WorkspacePackage } from '../src/workspace.ts';

const execFileP = promisify(execFile);
const say = (line: string): void => {
  process.stderr.write(`[vmcp-rehearsal] ${line}\n`);
};
const PACKAGES = publicPackages();
const TYPESCRIPT = (JSON.parse(readFileSync(path.join(REPO_ROOT, 'node_modules/typescript/package.json'), 'utf8')) as { version: string })
  .version;
const work = mkdtempSync(path.join(os.tmpdir(), 'vmcp-rehearsal-'));

/** Plain npm as a user of the release would run it: `@vmcp/*` from the local registry, the rest from the public one. */
async function npm(cwd: string, args: string[], registry: LocalRegistry): Promise<string> {
  const { stdout } = await execFileP('npm', [...args, '--no-fund', '--no-audit', '--loglevel=error'], {
    cwd,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, npm_config_userconfig: registry.consumerNpmrc },
  });
  return stdout;
}

function duBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += duBytes(full);
    else if (entry.isFile()) total += statSync(full).size;
  }
  return total;
}
const mb = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MB`;

describeIntegration('release rehearsal (changesets → Verdaccio → npm install, one package at a time)', () => {
  const env = useEnvtest({ crds: [crdDirectory] });
  let registry: LocalRegistry;
  const published = new Map<string, string>(); // name → version
  const sizes: Array<[string, string]> = [];

  beforeAll(async () => {
    const t0 = Date.now();
    registry = await startVerdaccio(say);
    const stage = path.join(work, 'stage');
    const { stdout } = await execFileP('git', ['ls-files', '-co', '--exclude-standard', '-z'], {
      cwd: REPO_ROOT,
      maxBuffer: 64 * 1024 * 1024,
    });
    for (const file of stdout.split('\0').filter((f) => f !== '' && existsSync(path.join(REPO_ROOT, f)))) {
      mkdirSync(path.dirname(path.join(stage, file)), { recursive: true });
      cpSync(path.join(REPO_ROOT, file), path.join(stage, file));
    }
    for (const pkg of PACKAGES) {
      const dist = path.join(REPO_ROOT, pkg.dir, 'dist');
      if (!existsSync(dist)) throw new Error(`${pkg.name}: ${pkg.dir}/dist is missing; build first (pnpm build)`);
      cpSync(dist, path.join(stage, pkg.dir, 'dist'), { recursive: true });
    }
    // pnpm publish resolves `workspace:` from the installed siblings: link the stage's workspace from the store.
    await execFileP('pnpm', ['install', '--frozen-lockfile', '--prefer-offline', '--ignore-scripts', '--reporter=silent'], {
      cwd: stage,
      maxBuffer: 64 * 1024 * 1024,
    });
    // changesets reads git for tags; a throwaway repository is enough.
    await execFileP('git', ['init', '-q', '-b', 'main'], { cwd: stage });
    await execFileP(
      'git',
      ['-c', 'user.name=rehearsal', '-c', 'user.email=rehearsal@localhost', 'commit', '-q', '--allow-empty', '-m', 'stage'],
      { cwd: stage },
    );
    writeFileSync(
      path.join(stage, '.changeset/rehearsal.md'),
      `---\n${PACKAGES.map((p) => `'${p.name}': patch`).join('\n')}\n---\n\nRelease rehearsal.\n`,
    );
    const changeset = path.join(REPO_ROOT, 'node_modules/@changesets/cli/bin.js');
    const publishEnv = { ...process.env, npm_config_userconfig: registry.npmrc, npm_config_registry: registry.url };
    await execFileP(process.execPath, [changeset, 'version'], { cwd: stage, env: publishEnv });
    const out = await execFileP(process.execPath, [changeset, 'publish'], { cwd: stage, env: publishEnv, maxBuffer: 64 * 1024 * 1024 });
    say(
      `changeset publish:\n${(out.stdout + out.stderr)
        .split('\n')
        .filter((l) => /published|error/i.test(l))
        .join('\n')}`,
    );
    for (const pkg of PACKAGES) {
      const res = await fetch(`${registry.url}${pkg.name.replace('/', '%2f')}`);
      if (!res.ok) continue;
      const doc = (await res.json()) as { 'dist-tags': { latest: string } };
      published.set(pkg.name, doc['dist-tags'].latest);
    }
    say(`versioned and published ${published.size} packages in ${Math.round((Date.now() - t0) / 1000)} s`);
  }, 600_000);

  afterAll(async () => {
    if (sizes.length > 0) say(`install size of each package alone:\n${sizes.map(([n, s]) => `  ${n}: ${s}`).join('\n')}`);
    await registry?.stop();
    rmSync(work, { recursive: true, force: true }); // several hundred MB of installs: slow on a busy disk
  }, 120_000);

  it('publishes every public workspace package, with a new version', () => {
    expect(PACKAGES.length).toBeGreaterThan(0);
    expect([...published.keys()].sort()).toEqual(PACKAGES.map((p) => p.name).sort());
    for (const pkg of PACKAGES) expect(published.get(pkg.name), pkg.name).not.toBe(pkg.version);
  });

  describe.each(PACKAGES)('$name', (pkg: WorkspacePackage) => {
    const dir = path.join(work, 'alone', pkg.name.replace('/', '__'));
    const blocks: ReadmeBlock[] = readmeBlocks(readFileSync(path.join(REPO_ROOT, pkg.dir, 'README.md'), 'utf8'));

    it('installs alone with plain npm; every export imports', async () => {
      const version = published.get(pkg.name)!;
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'rehearsal-consumer', private: true, type: 'module' }));
      const t0 = Date.now();
      await npm(dir, ['install', `${pkg.name}@${version}`], registry);
      const size = duBytes(path.join(dir, 'node_modules'));
      sizes.push([pkg.name, mb(size)]);
      say(`${pkg.name}@${version} alone: ${mb(size)} installed in ${Math.round((Date.now() - t0) / 1000)} s`);
      const manifest = JSON.parse(readFileSync(path.join(dir, 'node_modules', pkg.name, 'package.json'), 'utf8')) as {
        exports: Record<string, unknown>;
      };
      for (const subpath of Object.keys(manifest.exports).filter((k) => k !== './package.json')) {
        const specifier = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;
        // vitest's own entry points need vitest running; importing them outside a test is expected to fail loudly.
        if (specifier.includes('vitest')) continue;
        await execFileP(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(specifier)})`], { cwd: dir });
      }
    }, 300_000);

    it('ships LICENSE and README, README links that work on npm, and no source map without its sources', () => {
      const root = path.join(dir, 'node_modules', pkg.name);
      expect(readFileSync(path.join(root, 'LICENSE'), 'utf8')).toBe(readFileSync(path.join(REPO_ROOT, 'LICENSE'), 'utf8'));
      const shipped = new Set<string>();
      const walk = (d: string): void => {
        for (const e of readdirSync(d, { withFileTypes: true })) {
          const full = path.join(d, e.name);
          if (e.isDirectory()) {
            if (e.name !== 'node_modules') walk(full);
          } else shipped.add(path.relative(root, full));
        }
      };
      walk(root);
      expect(brokenLinks(readFileSync(path.join(root, 'README.md'), 'utf8'), shipped)).toEqual([]);
      for (const map of [...shipped].filter((f) => f.endsWith('.map'))) {
        const sources = (JSON.parse(readFileSync(path.join(root, map), 'utf8')) as { sources: string[] }).sources;
        for (const source of sources) expect(shipped.has(path.join(path.dirname(map), source)), `${map} → ${source}`).toBe(true);
      }
    });

    const runnable = blocks.filter((b) => b.mode === 'run' || b.mode === 'run-envtest');
    it.each(runnable.map((b) => [b.index, b] as const))(
      'README example %i runs against the installed packages',
      async (_i, block) => {
        // The example's other imports, at the rehearsal's versions for our packages (added after the size was taken).
        const extra = block.imports.filter((i) => i !== pkg.name).map((i) => (published.has(i) ? `${i}@${published.get(i)}` : i));
        if (extra.length > 0) await npm(dir, ['install', ...extra], registry);
        const file = path.join(dir, `readme-example-${block.index}.ts`);
        writeFileSync(file, block.code);
        if (block.mode === 'run') {
          const { stdout } = await execFileP(process.execPath, [file], { cwd: dir, timeout: 120_000 });
          say(`${pkg.name} README example ${block.index}: ${stdout.split('\n').length} lines of output`);
          return;
        }
        // A long-running example: it gets the API server's kubeconfig and its namespace (`toolhive`), must sync and
        // print the registry (a JSON-ish list line), then stop cleanly on SIGTERM.
        await ensureToolhiveNamespace();
        const child = spawn(process.execPath, [file], {
          cwd: dir,
          env: { ...process.env, KUBECONFIG: env.kubeconfigPath },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        child.stdout.on('data', (b: Buffer) => (output += b.toString()));
        child.stderr.on('data', (b: Buffer) => (output += b.toString()));
        const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
        const deadline = Date.now() + 90_000;
        while (!/^\[/m.test(output) && child.exitCode === null && Date.now() < deadline) await sleep(250);
        child.kill('SIGTERM');
        const code = await exited;
        say(`${pkg.name} README example ${block.index} (against the test API server): printed, then stopped on SIGTERM with ${code}`);
        expect(output, output).toMatch(/^\[/m);
        expect(code, output).toBe(0);
      },
      300_000,
    );
  });

  /** The namespace the long-running examples watch (`toolhive`); the plane is the run's, so create it once. */
  async function ensureToolhiveNamespace(): Promise<void> {
    const core = env.kubeConfig.makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'toolhive' } } }).catch((error: { code?: number }) => {
      if (error.code !== 409) throw error;
    });
  }

  describe('README TypeScript blocks, strict tsc against the installed packages', () => {
    const all = PACKAGES.flatMap((pkg) =>
      readmeBlocks(readFileSync(path.join(REPO_ROOT, pkg.dir, 'README.md'), 'utf8')).map((block) => ({ pkg, block })),
    );
    const checked = all.filter((b) => b.block.mode !== 'fragment');
    const fragments = all.filter((b) => b.block.mode === 'fragment');
    const dir = path.join(work, 'typecheck');

    beforeAll(async () => {
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'rehearsal-typecheck', private: true, type: 'module' }));
      const imports = new Set(checked.flatMap((b) => b.block.imports));
      // A third-party import without its own types gets its DefinitelyTyped package, when there is one.
      for (const name of [...imports].filter((n) => !n.startsWith('@'))) {
        const types = await fetch(`${registry.url}@types%2f${name}`).then(
          (r) => r.ok,
          () => false,
        );
        if (types) imports.add(`@types/${name}`);
      }
      const specs = [...imports].map((i) => (published.has(i) ? `${i}@${published.get(i)}` : i));
      // @types/ws: @kubernetes/client-node's isomorphic-ws declarations need it, and skipLibCheck is off so that
      // our own .d.ts files are checked too.
      await npm(dir, ['install', `typescript@${TYPESCRIPT}`, '@types/node@24', '@types/ws', ...specs], registry);
      for (const { pkg, block } of checked) writeFileSync(path.join(dir, `${pkg.name.replace('/', '__')}-${block.index}.ts`), block.code);
    }, 600_000);

    it.each(['nodenext', 'bundler'])(
      'moduleResolution %s: no errors',
      async (resolution) => {
        const tsconfig = path.join(dir, `tsconfig.${resolution}.json`);
        writeFileSync(
          tsconfig,
          JSON.stringify({
            compilerOptions: {
              strict: true,
              noEmit: true,
              target: 'es2023',
              lib: ['es2024', 'dom'],
              module: resolution === 'nodenext' ? 'nodenext' : 'preserve',
              moduleResolution: resolution,
              types: ['node'],
              skipLibCheck: false,
              allowImportingTsExtensions: true,
            },
            include: ['*.ts'],
          }),
        );
        const result = await execFileP(process.execPath, [path.join(dir, 'node_modules/typescript/bin/tsc'), '-p', tsconfig], {
          cwd: dir,
        }).then(
          () => '',
          (error: { stdout?: string; message?: string }) => error.stdout || (error.message ?? 'tsc failed'),
        );
        say(`tsc (${resolution}) over ${checked.length} README blocks: ${result === '' ? 'no errors' : 'errors'}`);
        expect(result).toBe('');
      },
      300_000,
    );

    it.skip.each(fragments.map((f) => [f.pkg.name, f.block.index, f.block.reason ?? ''] as const))(
      '%s README block %i is a fragment: %s',
      () => {},
    );
  });
});
