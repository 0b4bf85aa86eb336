import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const dir = path.resolve(import.meta.dirname, '..');

it("README's many-groups example runs and prints what its comments say", async () => {
  const readme = await readFile(path.join(dir, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Many groups of one namespace'));
  const code = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  expect(code).toContain('new GroupsReconciler(');
  const file = path.join(dir, `.readme-groups-${process.pid}.ts`);
  await writeFile(file, code!);
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--conditions=@vmcp/source', file], { cwd: dir });
    expect(stdout).toBe("[ 'fetch' ] []\n[] [ 'fetch' ]\nremove upsert\nout-of-group\ntrue\n");
  } finally {
    await rm(file, { force: true });
  }
});
