#!/usr/bin/env node
// Package correctness as a consumer sees it: pack with pnpm (publishConfig applied), then publint --strict and
// "are the types wrong" on the tarball. Run from a package directory (its `check:package` script).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

const require = createRequire(import.meta.url);

/** The JavaScript file behind `bin` of one of this package's own dependencies, so no PATH lookup decides which runs. */
function binOf(pkg, name) {
  // Not require.resolve(`${pkg}/package.json`): publint's exports map does not list its package.json.
  const manifestPath = require.resolve
    .paths(pkg)
    .map((dir) => path.join(dir, pkg, 'package.json'))
    .find((file) => existsSync(file));
  if (!manifestPath) throw new Error(`check-package: dependency ${pkg} is not installed (run pnpm install)`);
  const { bin } = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const file = typeof bin === 'string' ? bin : bin[name];
  return path.join(path.dirname(manifestPath), file);
}

const dest = mkdtempSync(path.join(tmpdir(), 'vmcp-pack-'));
const run = (script, args) => execFileSync(process.execPath, [script, ...args], { stdio: 'inherit' });
try {
  execFileSync('pnpm', ['pack', '--pack-destination', dest], { stdio: ['ignore', 'ignore', 'inherit'] });
  const tarball = path.join(
    dest,
    readdirSync(dest).find((f) => f.endsWith('.tgz')),
  );
  run(binOf('publint', 'publint'), ['--strict', tarball]);
  run(binOf('@arethetypeswrong/cli', 'attw'), ['--profile', 'esm-only', '--no-emoji', tarball]);
} finally {
  rmSync(dest, { recursive: true, force: true });
}
