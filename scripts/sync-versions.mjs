// Writes the service's version (apps/vmcp-watcher/package.json, the one source) into the files that must name it
// literally: the chart's version/appVersion (and its Artifact Hub image) and the kustomize image tag. `pnpm version-packages` runs it after
// `changeset version`; the chart test fails when they disagree.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const { version } = JSON.parse(readFileSync(path.join(root, 'apps/vmcp-watcher/package.json'), 'utf8'));
const edits = [
  [
    'charts/vmcp-watcher/Chart.yaml',
    [
      [/^version: .*$/m, `version: ${version}`],
      [/^appVersion: .*$/m, `appVersion: "${version}"`],
      // Artifact Hub's image list names the image the defaults install.
      [/^(\s+image: ghcr\.io\/vmcp-watcher\/vmcp-watcher:).*$/m, `$1${version}`],
    ],
  ],
  ['apps/vmcp-watcher/deploy/kustomization.yaml', [[/^(\s+newTag: ).*$/m, `$1${version}`]]],
];
for (const [file, replacements] of edits) {
  const full = path.join(root, file);
  let text = readFileSync(full, 'utf8');
  for (const [pattern, replacement] of replacements) {
    if (!pattern.test(text)) throw new Error(`${file}: no line matches ${pattern}`);
    text = text.replace(pattern, replacement);
  }
  writeFileSync(full, text);
  console.log(`${file}: ${version}`);
}
