import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, sourceFiles, workspacePackages } from './repo.ts';

// Time, retry, logging and error messages have one home, @vmcp/core (docs/architecture.md). No other package
// defines its own clock, backoff, sleep, Logger type or error-message helper: this test greps every source and test
// file of the workspace for the shapes such a copy takes.

const root = repoRoot();

/** What a home-made copy looks like, by kind. Using core's pieces (or Node's own timers) matches none of these. */
const FORBIDDEN: readonly { what: string; shape: RegExp }[] = [
  {
    what: 'a clock',
    shape:
      /^\s*(export\s+)?(declare\s+)?(interface|type)\s+(Clock|Timers)\b|^\s*(export\s+)?(const|let)\s+(realClock|systemClock|systemTimers)\b|\bclass\s+FakeClock\b/,
  },
  {
    what: 'a backoff',
    shape:
      /^\s*(export\s+)?(abstract\s+)?class\s+\w*Backoff\b|^\s*(export\s+)?(interface|type)\s+BackoffOptions\b|\bfunction\s+backoffDelay\b|\*\s*2\s*\*\*\s*[A-Za-z_]/,
  },
  { what: 'a sleep', shape: /\bfunction\s+sleep\b|\b(const|let)\s+sleep\s*=|\bexport\s*\{[^}]*\bas\s+sleep\b/ },
  { what: 'a Logger type', shape: /^\s*(export\s+)?(interface\s+Logger\s*\{|type\s+Logger\s*=\s*\{)/ },
  {
    what: 'an error-message helper',
    shape: /\bfunction\s+errorMessage\b|\b(?:const|let)\s+errorMessage\s*=|\binstanceof Error \? (\w+)\.message : String\(\1\)/,
  },
];

/**
 * Files allowed to keep a shape, and why. The poll helpers (@vmcp/vitest-config) are a development dependency of
 * @vmcp/core itself, so they cannot depend on it; envtest's vitest global setup runs in vitest's main process, which
 * resolves workspace packages to their build, not their sources; the status page's browser script is compiled on
 * its own and served inline, so it imports nothing.
 */
function exempt(file: string): boolean {
  return (
    file === 'tooling/vitest/poll.ts' ||
    file === 'tooling/envtest/src/vitest/broker.ts' ||
    /^apps\/vmcp-watcher\/src\/(http\/)?page\/(client|script\.generated)\.ts$/.test(file)
  );
}

/** Each forbidden shape found in `files`, as `path:line: what`. */
function findCopies(files: readonly { file: string; source: string }[]): string[] {
  const found: string[] = [];
  for (const { file, source } of files) {
    source.split('\n').forEach((line, index) => {
      for (const { what, shape } of FORBIDDEN) if (shape.test(line)) found.push(`${file}:${index + 1}: ${what}`);
    });
  }
  return found;
}

const files = workspacePackages(root)
  .filter((p) => p.dir !== 'packages/core' && p.dir !== 'tooling/monorepo')
  .flatMap((p) => sourceFiles(p.dir, root))
  .filter((file) => file.endsWith('.ts') && !exempt(file))
  .map((file) => ({ file, source: readFileSync(path.join(root, file), 'utf8') }));

describe('time, retry, logging and error messages come from @vmcp/core', () => {
  it('the grep finds each shape in planted copies, and not in code that uses core or Node', () => {
    const planted = [
      'export interface Clock { now(): number }',
      'export const realClock = { now: () => performance.now() };',
      'export class Backoff {',
      'const delay = Math.min(30_000, 500 * 2 ** attempt);',
      'export function sleep(ms: number): Promise<void> {',
      "export { setTimeout as sleep } from 'node:timers/promises';",
      'export interface Logger {',
      'const message = err instanceof Error ? err.message : String(err);',
      'export function errorMessage(error: unknown): string {',
    ].map((source, index) => ({ file: `planted/${index}.ts`, source }));
    expect(findCopies(planted).map((hit) => hit.replace(/^planted\/\d+\.ts:1: /, ''))).toEqual([
      'a clock',
      'a clock',
      'a backoff',
      'a backoff',
      'a sleep',
      'a sleep',
      'a Logger type',
      'an error-message helper',
      'an error-message helper',
    ]);
    const clean = [
      "import { Backoff, errorMessage, sleep, systemClock, type Clock, type Logger } from '@vmcp/core';",
      "import { setTimeout as sleep } from 'node:timers/promises';",
      'export interface Logger extends BaseLogger {',
      'export type PoolLogger = Partial<Logger>;',
      'const seed = Math.floor(Math.random() * 2 ** 32);',
      "const wrapped = error instanceof Error ? error : new Error('failed', { cause: error });",
    ].map((source, index) => ({ file: `clean/${index}.ts`, source }));
    expect(findCopies(clean)).toEqual([]);
  });

  it('reads the whole workspace but packages/core', () => {
    expect(files.length).toBeGreaterThan(200);
    expect(files.some((f) => f.file.startsWith('packages/kube-watcher/src/'))).toBe(true);
  });

  it('no package outside packages/core defines its own clock, backoff, sleep, Logger type or error-message helper', () => {
    expect(findCopies(files)).toEqual([]);
  });
});
