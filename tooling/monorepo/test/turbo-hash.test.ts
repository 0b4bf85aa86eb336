import { execFileSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyOfRepo, repoRoot, workspacePackages } from './repo.ts';

interface DryTask {
  taskId: string;
  task: string;
  package: string;
  hash: string;
  command: string;
}

const tasks = ['build', 'typecheck', 'lint', 'check:package', 'test'];

/** `turbo run <tasks> --dry=json` in `dir`: the hash of every task that runs a script, by task id. */
function dryRunHashes(dir: string): Map<string, DryTask> {
  const turbo = path.join(repoRoot(), 'node_modules', '.bin', 'turbo');
  const out = execFileSync(turbo, ['run', ...tasks, '--dry=json'], {
    cwd: dir,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', TURBO_NO_UPDATE_NOTIFIER: '1', DO_NOT_TRACK: '1' },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const { tasks: all } = JSON.parse(out) as { tasks: DryTask[] };
  // "<NONEXISTENT>": the package has no such script (transit, or build in a source-only package).
  return new Map(all.filter((t) => t.command !== '<NONEXISTENT>').map((t) => [t.taskId, t]));
}

/** Which tasks of `before` got a different hash in `after`. */
function changed(before: Map<string, DryTask>, after: Map<string, DryTask>): Set<string> {
  return new Set([...before.values()].filter((t) => after.get(t.taskId)?.hash !== t.hash).map((t) => t.taskId));
}

/** The ids of `task` in the packages named in `users`. */
function tasksOf(all: Map<string, DryTask>, task: string, users: Set<string>): string[] {
  return [...all.values()].filter((t) => t.task === task && users.has(t.package)).map((t) => t.taskId);
}

describe('turbo follows shared configuration into the task hashes', () => {
  let repo: ReturnType<typeof copyOfRepo>;
  let baseline: Map<string, DryTask>;
  let usersOf: Map<string, Set<string>>;

  beforeAll(() => {
    repo = copyOfRepo();
    baseline = dryRunHashes(repo.dir);
    usersOf = new Map();
    for (const pkg of workspacePackages(repo.dir)) {
      for (const dep of Object.keys({ ...pkg.manifest.dependencies, ...pkg.manifest.devDependencies })) {
        if (!usersOf.has(dep)) usersOf.set(dep, new Set());
        usersOf.get(dep)!.add(pkg.name);
      }
    }
  });
  afterAll(() => repo?.dispose());

  it('control: two dry runs of an unchanged tree give the same hashes', () => {
    expect(changed(baseline, dryRunHashes(repo.dir))).toEqual(new Set());
    // ...and there is something to compare: every published package builds, type-checks, lints and is checked.
    for (const task of ['@vmcp/api#build', '@vmcp/api#typecheck', '@vmcp/api#lint', '@vmcp/api#check:package', '@vmcp/api#test']) {
      expect(baseline.has(task), task).toBe(true);
    }
  });

  // One edit per shared-config file, and the tasks that read it: each must get a new hash in every package that
  // depends on the config package. Each case edits the copy cumulatively, so it compares with the previous state.
  const cases: { file: string; config: string; tasks: string[] }[] = [
    { file: 'tooling/tsup/index.ts', config: '@vmcp/tsup-config', tasks: ['build'] },
    { file: 'tooling/tsconfig/base.json', config: '@vmcp/tsconfig', tasks: ['build', 'typecheck', 'lint'] },
    { file: 'tooling/eslint/index.js', config: '@vmcp/eslint-config', tasks: ['lint'] },
    { file: 'tooling/check-package/bin/check-package.mjs', config: '@vmcp/check-package', tasks: ['check:package'] },
    { file: 'tooling/vitest/index.ts', config: '@vmcp/vitest-config', tasks: ['test'] },
  ];

  let previous: Map<string, DryTask>;
  for (const { file, config, tasks: affected } of cases) {
    it(`a change to ${file} changes the hash of ${affected.join(', ')} in every package using ${config}`, () => {
      previous ??= baseline;
      appendFileSync(path.join(repo.dir, file), '\n');
      const after = dryRunHashes(repo.dir);
      const moved = changed(previous, after);
      previous = after;
      const users = usersOf.get(config) ?? new Set<string>();
      const expected = affected.flatMap((task) => tasksOf(after, task, users));
      expect(expected.length, `no package uses ${config}`).toBeGreaterThan(0);
      expect(
        [...expected].filter((taskId) => !moved.has(taskId)),
        'tasks whose hash did not change',
      ).toEqual([]);
    });
  }
});
