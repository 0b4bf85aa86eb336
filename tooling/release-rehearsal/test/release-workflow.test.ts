/**
 * .github/workflows/release.yml cannot run here (no GitHub, no ghcr.io): actionlint checks it (expressions, job
 * outputs and needs, action inputs, permissions), a broken copy is refused (so the check can fail), and the steps
 * the release depends on are there: npm with provenance, the image with its labels and pinned base, the chart.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ACTIONLINT, findGoTool } from 'vmcp-watcher/test/go-tools.ts';
import { toolAvailable } from 'vmcp-watcher/test/tool-gate.ts';
import { parse } from 'yaml';
import { REPO_ROOT } from '../src/workspace.ts';

const WORKFLOW = path.join(REPO_ROOT, '.github/workflows/release.yml');
const text = readFileSync(WORKFLOW, 'utf8');
const actionlint = findGoTool(ACTIONLINT);
const haveActionlint = toolAvailable(
  'actionlint',
  actionlint !== undefined,
  `actionlint ${ACTIONLINT.version} is not built (ensure-go-tool.ts actionlint; needs Go)`,
);

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  permissions?: Record<string, string>;
  steps: Step[];
}
const workflow = parse(text) as { on: Record<string, unknown>; jobs: Record<string, Job> };

/** actionlint on one workflow file in a scratch repository (it looks for .github/workflows). */
async function lint(content: string): Promise<{ code: number; output: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'vmcp-actionlint-'));
  mkdirSync(path.join(dir, '.github/workflows'), { recursive: true });
  writeFileSync(path.join(dir, '.github/workflows/release.yml'), content);
  return promisify(execFile)(actionlint!, ['-no-color', '.github/workflows/release.yml'], { cwd: dir }).then(
    ({ stdout }) => ({ code: 0, output: stdout }),
    (error: { code: number; stdout: string }) => ({ code: error.code, output: error.stdout }),
  );
}

describe.skipIf(!haveActionlint)(`release workflow (actionlint ${ACTIONLINT.version})`, () => {
  it('passes actionlint', async () => {
    expect(await lint(text)).toEqual({ code: 0, output: '' });
  });

  it('is refused by actionlint when broken (an unknown job output, a misspelt action input)', async () => {
    const badOutput = await lint(text.replace('needs.image.outputs.digest', 'needs.image.outputs.digset'));
    expect(badOutput.code).toBe(1);
    expect(badOutput.output).toMatch(/digset/);
    const badInput = await lint(text.replace('registry-url: https://registry.npmjs.org', 'registry-uri: https://registry.npmjs.org'));
    expect(badInput.code).toBe(1);
    expect(badInput.output).toMatch(/registry-uri/);
  });
});

describe('release workflow steps', () => {
  const runs = (job: string): string =>
    workflow.jobs[job]!.steps.map((s) => `${s.run ?? ''}\n${JSON.stringify(s.with ?? {})}\n${JSON.stringify(s.env ?? {})}`).join('\n');

  it('publishes npm packages with provenance (OIDC id-token)', () => {
    expect(workflow.jobs['npm']!.permissions).toMatchObject({ 'id-token': 'write' });
    expect(runs('npm')).toContain('changeset publish');
    expect(runs('npm')).toContain('"NPM_CONFIG_PROVENANCE":"true"');
  });

  it('builds the image with the version, revision and source labels, from a base pinned by digest', () => {
    const image = runs('image');
    for (const arg of ['VERSION=', 'REVISION=${{ github.sha }}', 'SOURCE=', 'NODE_IMAGE=${{ steps.base.outputs.image }}'])
      expect(image).toContain(arg);
    expect(image).toContain('docker buildx imagetools inspect');
    expect(image).toContain('"push":true');
  });

  it('pushes the chart to an OCI registry after the image, and dry-runs an install from it', () => {
    expect(workflow.jobs['chart']!.needs).toContain('image');
    expect(runs('chart')).toContain('helm push "dist/vmcp-watcher-$VERSION.tgz" "$CHARTS"');
    expect(runs('chart')).toContain('helm template watcher "$CHARTS/vmcp-watcher"');
    expect(Object.keys(workflow.on)).toContain('push');
  });
});
