import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PACKAGE_VERSION } from './helpers.ts';

const APP_DIR = path.resolve(import.meta.dirname, '..');
const CLI = path.join(APP_DIR, 'dist/cli.js');

describe('the version', () => {
  it('is a real semver from package.json, not a placeholder', () => {
    expect(PACKAGE_VERSION).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/);
  });

  // The build (turbo, run before the tests) fixes the version into the bundle: the built CLI must not read
  // package.json at run time, since the image ships dist/ and need not carry the manifest next to it.
  it('is fixed into the built CLI at build time', { timeout: 60_000 }, async () => {
    expect(existsSync(CLI), `${CLI} is missing: build first (pnpm build)`).toBe(true);
    const built = readFileSync(CLI, 'utf8');
    expect(built).not.toContain('__VMCP_WATCHER_VERSION__');
    expect(built).toContain(JSON.stringify(PACKAGE_VERSION));
    const { stdout } = await promisify(execFile)(process.execPath, [CLI, '--version'], { cwd: '/' });
    expect(stdout.trim()).toBe(`vmcp-watcher ${PACKAGE_VERSION}`);
  });
});
