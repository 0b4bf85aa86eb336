// Package correctness as a consumer sees it: pack with pnpm (publishConfig applied), then publint --strict and
// "are the types wrong" on the tarball. Run from a package directory.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const dest = mkdtempSync(path.join(tmpdir(), 'vmcp-pack-'));
const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });
try {
  execFileSync('pnpm', ['pack', '--pack-destination', dest], { stdio: ['ignore', 'ignore', 'inherit'] });
  const tarball = path.join(dest, readdirSync(dest).find((f) => f.endsWith('.tgz')));
  run('publint', ['--strict', tarball]);
  run('attw', ['--profile', 'esm-only', '--no-emoji', tarball]);
} finally {
  rmSync(dest, { recursive: true, force: true });
}
