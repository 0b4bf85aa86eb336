/**
 * The values table of charts/vmcp-watcher/README.md is the one generated from values.yaml's `# --` comments, every
 * key is documented, and the generator reads the comment convention as documented.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  CHART_DIR,
  documentValues,
  expectedReadme,
  valuesTable,
  withTable,
  TABLE_END,
  TABLE_START,
} from '../scripts/chart-values-table.ts';

describe('chart values table', () => {
  it('is current (run scripts/chart-values-table.ts after changing values.yaml)', () => {
    const { current, expected } = expectedReadme();
    expect(current).toBe(expected);
  });

  it('documents every value of values.yaml, each once', () => {
    const text = readFileSync(path.join(CHART_DIR, 'values.yaml'), 'utf8');
    const doc = documentValues(text);
    expect(doc.undocumented).toEqual([]);
    const keys = doc.rows.map((r) => r.key);
    expect(new Set(keys).size).toBe(keys.length);
    // Every top-level key of the file is covered by a row (itself or one of its children).
    for (const top of Object.keys(parse(text) as object))
      expect(
        keys.some((k) => k === top || k.startsWith(`${top}.`)),
        top,
      ).toBe(true);
  });

  it('reads the comment convention: continuation lines, nested keys, documented maps as one row', () => {
    const doc = documentValues(
      [
        '# a header comment, not documentation',
        '',
        'image:',
        '  # -- Where from;',
        '  # continued.',
        '  registry: ghcr.io',
        '  undocumented: 1',
        '# -- A whole map.',
        'resources:',
        '  limits:',
        '    memory: 1Mi',
        'list: []',
      ].join('\n'),
    );
    expect(doc.rows).toEqual([
      { key: 'image.registry', default: 'ghcr.io', description: 'Where from; continued.' },
      { key: 'image.undocumented', default: 1, description: '' },
      { key: 'resources', default: { limits: { memory: '1Mi' } }, description: 'A whole map.' },
      { key: 'list', default: [], description: '' },
    ]);
    expect(doc.undocumented).toEqual(['image.undocumented', 'list']);
    expect(valuesTable({ rows: [{ key: 'a', default: 'x|y', description: 'p | q' }], undocumented: [] })).toBe(
      '| key | default | description |\n|---|---|---|\n| `a` | `"x\\|y"` | p \\| q |',
    );
  });

  it('refuses a dangling "# --" comment and a README without the markers', () => {
    expect(() => documentValues('# -- nothing follows\n\nkey: 1')).toThrow(/line 1/);
    expect(() => withTable('no markers here', 'table')).toThrow(/markers/);
    expect(withTable(`a\n${TABLE_START}\nold\n${TABLE_END}\nb`, 'new')).toBe(`a\n${TABLE_START}\nnew\n${TABLE_END}\nb`);
  });
});
