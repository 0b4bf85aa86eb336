import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCrds } from '../src/crds.ts';

const dir = mkdtempSync(path.join(os.tmpdir(), 'envtest-crds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadCrds', () => {
  it('reads CRDs from a directory and skips other kinds', () => {
    const crds = loadCrds([path.join(import.meta.dirname, 'fixtures')]);
    expect(crds.map((c) => c.metadata.name)).toEqual(['widgets.envtest.vmcp.dev']);
  });

  it('reads a single file, multi-document, JSON too', () => {
    const crd = (n: string) => ({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: `${n}s.a.b` },
      spec: { group: 'a.b', names: { kind: n, plural: `${n}s` }, versions: [{ name: 'v1', served: true }] },
    });
    writeFileSync(path.join(dir, 'one.json'), JSON.stringify(crd('x')));
    writeFileSync(path.join(dir, 'ignored.txt'), 'not yaml: [');
    expect(loadCrds([path.join(dir, 'one.json')]).map((c) => c.spec.names.plural)).toEqual(['xs']);
    expect(loadCrds([dir]).map((c) => c.spec.names.plural)).toEqual(['xs']);
  });

  it('names the file of a broken CRD', () => {
    const bad = path.join(dir, 'bad.yaml');
    writeFileSync(bad, 'kind: CustomResourceDefinition\nmetadata: {name: broken}\n');
    expect(() => loadCrds([bad])).toThrow(`${bad}: CustomResourceDefinition broken lacks`);
    writeFileSync(bad, 'kind: [unclosed\n');
    expect(() => loadCrds([bad])).toThrow(`cannot parse ${bad}`);
  });

  it('rejects a path that does not exist', () => {
    expect(() => loadCrds([path.join(dir, 'nope')])).toThrow(/CRD path .*nope does not exist/);
  });
});
