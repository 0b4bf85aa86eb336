import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const dir = path.resolve(import.meta.dirname, '..');

// The README promises a runnable example: run its first TypeScript block exactly as a user would.
it('the README example runs and prints what its comments say', async () => {
  const readme = await readFile(path.join(dir, 'README.md'), 'utf8');
  const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(code).toBeDefined();
  const file = path.join(dir, `.readme-example-${process.pid}.ts`);
  await writeFile(file, code!);
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--conditions=@vmcp/source', file], { cwd: dir });
    expect(stdout).toContain("{ action: 'upsert', changed: true }\n{ action: 'upsert', changed: false }\n1\n");
    expect(stdout).toContain("code: 'excluded'");
    expect(stdout).toContain("kind: 'Proxy'");
    expect(stdout).toContain('{ upserted: 1, unchanged: 1, removed: 1, excluded: 0, error: 0 }');
  } finally {
    await rm(file, { force: true });
  }
});
