import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot, sourceFiles, workspacePackages } from './repo.ts';

// One layout for tests (tooling/vitest's README): every test file sits in its package's test/, none in src/, and a
// test that needs a real control plane (@vmcp/envtest) is named *.int.test.ts; no other file carries that suffix.

const root = repoRoot();

/** What a test file calls to get a real control plane. */
const CONTROL_PLANE = /\b(useEnvtest|getTestEnv|describeIntegration|itIntegration|startControlPlane)\s*\(/;

interface TestFile {
  /** Relative to the repository root. */
  file: string;
  source: string;
}

/** The layout problems of these test files: a test in src/, or a suffix that disagrees with what the file needs. */
function layoutProblems(files: readonly TestFile[]): string[] {
  const problems: string[] = [];
  for (const { file, source } of files) {
    if (file.split('/').includes('src')) problems.push(`${file}: a test in src/ (tests live in test/)`);
    const integration = file.endsWith('.int.test.ts');
    const needs = CONTROL_PLANE.test(source);
    if (needs && !integration) problems.push(`${file}: needs a control plane but is not named *.int.test.ts`);
    if (!needs && integration) problems.push(`${file}: named *.int.test.ts but starts no control plane`);
  }
  return problems;
}

const testFiles: TestFile[] = workspacePackages(root)
  .flatMap((p) => sourceFiles(p.dir, root))
  // This file names the control-plane calls in its planted examples.
  .filter((file) => file.endsWith('.test.ts') && file !== 'tooling/monorepo/test/layout.test.ts')
  .map((file) => ({ file, source: readFileSync(path.join(root, file), 'utf8') }));

describe('the test layout', () => {
  it('finds the tests of the workspace, unit and integration', () => {
    expect(testFiles.length).toBeGreaterThan(50);
    expect(testFiles.filter((t) => t.file.endsWith('.int.test.ts')).length).toBeGreaterThan(10);
  });

  it('catches a planted test in src/, an integration test without the suffix, and a suffix without a control plane', () => {
    const planted: TestFile[] = [
      { file: 'packages/x/src/a.test.ts', source: "it('adds', () => {});" },
      { file: 'packages/x/test/b.test.ts', source: "describeIntegration('on a real API server', () => {});" },
      { file: 'packages/x/test/c.int.test.ts', source: "it('adds', () => {});" },
      { file: 'packages/x/test/d.int.test.ts', source: 'const env = useEnvtest({ crds });' },
    ];
    expect(layoutProblems(planted)).toEqual([
      'packages/x/src/a.test.ts: a test in src/ (tests live in test/)',
      'packages/x/test/b.test.ts: needs a control plane but is not named *.int.test.ts',
      'packages/x/test/c.int.test.ts: named *.int.test.ts but starts no control plane',
    ]);
  });

  it('every test is in test/, and *.int.test.ts is exactly the tests that need a control plane', () => {
    expect(layoutProblems(testFiles)).toEqual([]);
  });
});
