import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const dir = path.resolve(import.meta.dirname, '..');

/** The README's runnable examples: its TypeScript blocks that start with an import. */
async function examples(): Promise<string[]> {
  const readme = await readFile(path.join(dir, 'README.md'), 'utf8');
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((code) => code.startsWith('import '));
}

/** Runs one example exactly as a user would (plain node, type stripping, the workspace's source condition). */
async function run(code: string): Promise<string> {
  const file = path.join(dir, `.readme-example-${process.pid}-${Math.random().toString(36).slice(2)}.ts`);
  await writeFile(file, code);
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--conditions=@vmcp/source', file], { cwd: dir });
    return stdout;
  } finally {
    await rm(file, { force: true });
  }
}

describe('README examples run and print what their comments say', () => {
  it('there are two', async () => {
    expect(await examples()).toHaveLength(2);
  });

  it('1: a custom plan and discoverer', async () => {
    const stdout = await run((await examples())[0]!);
    expect(stdout).toContain("{ action: 'upsert', changed: true }\n{ action: 'upsert', changed: false }\n1\n");
    expect(stdout).toContain("code: 'excluded'");
    expect(stdout).toContain("kind: 'Proxy'");
    expect(stdout).toContain('{ upserted: 1, unchanged: 1, removed: 1, excluded: 0, error: 0 }');
  });

  it('2: the Kubernetes discoverer, a CA ConfigMap appearing later', async () => {
    const stdout = await run((await examples())[1]!);
    expect(stdout).toContain("code: 'ca-bundle-unreadable'");
    expect(stdout).toContain("{ action: 'upsert', changed: true }\nentry 1\n");
  });
});
