/**
 * The values table of charts/vmcp-watcher/README.md, generated from the `# --` comments of values.yaml (helm-docs'
 * comment convention, so the chart reads the same to anyone who knows it):
 *
 *   # -- What the key does; continuation lines are plain `#` comments right below.
 *   key: default
 *
 * A documented key is one row, its default the parsed value (a documented map is one row, its children are not
 * listed). `node --conditions=@vmcp/source apps/vmcp-watcher/scripts/chart-values-table.ts` rewrites the table
 * between the README's markers; `--check` exits 1 when it is stale (a test does the same).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

export const CHART_DIR = path.resolve(import.meta.dirname, '../../../charts/vmcp-watcher');
export const TABLE_START = '<!-- values-table:start (generated from values.yaml; do not edit) -->';
export const TABLE_END = '<!-- values-table:end -->';

/** One row of the table. */
export interface ValueRow {
  /** Dotted path, e.g. `image.registry`. */
  key: string;
  default: unknown;
  description: string;
}

/** The rows, in file order, and the leaf keys that have no `# --` comment (each should get one). */
export interface ValuesDoc {
  rows: ValueRow[];
  undocumented: string[];
}

const KEY_LINE = /^(\s*)([A-Za-z0-9_.-]+):(.*)$/;
const DOC_START = /^\s*# -- ?(.*)$/;
const DOC_MORE = /^\s*#(?: (.*))?$/;

function valueAt(values: unknown, keys: readonly string[]): unknown {
  let at = values;
  for (const key of keys) at = (at as Record<string, unknown> | null)?.[key];
  return at;
}

/** Reads values.yaml text into rows; throws naming the line when a `# --` comment is followed by no key. */
export function documentValues(text: string): ValuesDoc {
  const values: unknown = parse(text);
  const rows: ValueRow[] = [];
  const undocumented: string[] = [];
  const stack: Array<{ indent: number; key: string; documented: boolean }> = [];
  let pending: string[] | undefined;
  let pendingLine = 0;
  text.split('\n').forEach((line, index) => {
    const doc = DOC_START.exec(line);
    if (doc) {
      pending = [doc[1]!.trim()];
      pendingLine = index + 1;
      return;
    }
    const more = pending === undefined ? null : DOC_MORE.exec(line);
    if (more) {
      pending!.push((more[1] ?? '').trim());
      return;
    }
    const key = KEY_LINE.exec(line);
    if (!key) {
      if (pending !== undefined) throw new Error(`values.yaml line ${pendingLine}: a "# --" comment must be followed by its key`);
      return;
    }
    const indent = key[1]!.length;
    while (stack.length > 0 && stack.at(-1)!.indent >= indent) stack.pop();
    const inDocumented = stack.some((s) => s.documented);
    const keys = [...stack.map((s) => s.key), key[2]!];
    const dotted = keys.join('.');
    const hasValue = key[3]!.trim() !== '' && !key[3]!.trim().startsWith('#');
    if (pending !== undefined) {
      rows.push({ key: dotted, default: valueAt(values, keys), description: pending.join(' ').trim() });
    } else if (hasValue && !inDocumented) {
      undocumented.push(dotted);
      rows.push({ key: dotted, default: valueAt(values, keys), description: '' });
    }
    stack.push({ indent, key: key[2]!, documented: pending !== undefined });
    pending = undefined;
  });
  return { rows, undocumented };
}

function cell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ');
}

function renderDefault(value: unknown): string {
  const json = JSON.stringify(value ?? null);
  // Backticks inside a code span would end it: fall back to a double-backtick span.
  return json.includes('`') ? `\`\` ${cell(json)} \`\`` : `\`${cell(json)}\``;
}

/** The Markdown table (no trailing newline). */
export function valuesTable(doc: ValuesDoc): string {
  const lines = ['| key | default | description |', '|---|---|---|'];
  for (const row of doc.rows) lines.push(`| \`${row.key}\` | ${renderDefault(row.default)} | ${cell(row.description)} |`);
  return lines.join('\n');
}

/** The README with the text between the markers replaced by `table`; throws when a marker is missing. */
export function withTable(readme: string, table: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) throw new Error(`README.md: the markers ${TABLE_START} … ${TABLE_END} are missing or out of order`);
  return `${readme.slice(0, start + TABLE_START.length)}\n${table}\n${readme.slice(end)}`;
}

/** The README as it should be, from the chart's values.yaml. */
export function expectedReadme(chartDir = CHART_DIR): { current: string; expected: string } {
  const current = readFileSync(path.join(chartDir, 'README.md'), 'utf8');
  const table = valuesTable(documentValues(readFileSync(path.join(chartDir, 'values.yaml'), 'utf8')));
  return { current, expected: withTable(current, table) };
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === import.meta.filename) {
  const { current, expected } = expectedReadme();
  if (process.argv.includes('--check')) {
    if (current !== expected) {
      process.stderr.write(
        'charts/vmcp-watcher/README.md: the values table is stale; run apps/vmcp-watcher/scripts/chart-values-table.ts\n',
      );
      process.exit(1);
    }
  } else if (current !== expected) {
    writeFileSync(path.join(CHART_DIR, 'README.md'), expected);
    process.stderr.write('charts/vmcp-watcher/README.md: values table rewritten\n');
  }
}
