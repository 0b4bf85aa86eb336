/**
 * The TypeScript blocks of a README, with what the rehearsal does with each. A marker comment on the line before the
 * fence says it:
 *   <!-- ts: fragment (why) -->   not a whole program: skipped explicitly (reported as skipped, with the reason)
 *   <!-- ts: run -->              type-checked, then run with plain node in the install folder
 *   <!-- ts: run envtest -->      the same, with KUBECONFIG of a real API server holding @vmcp/api's examples
 * A block without a marker is type-checked only.
 */
export type BlockMode = 'check' | 'run' | 'run-envtest' | 'fragment';

export interface ReadmeBlock {
  /** 1-based index among the README's TypeScript blocks. */
  index: number;
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
  mode: BlockMode;
  /** For fragments: the reason given in the marker. */
  reason?: string;
  /** Bare package specifiers the block imports (`@scope/name`, `name`; `node:` excluded). */
  imports: string[];
}

const MARKER = /^<!--\s*ts:\s*(fragment|run envtest|run)\b\s*(?:\((.*)\))?\s*-->$/;

export function readmeBlocks(markdown: string): ReadmeBlock[] {
  const lines = markdown.split('\n');
  const blocks: ReadmeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i]!)) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith('```'));
    if (end === -1) throw new Error(`README line ${i + 1}: unclosed code fence`);
    const code = lines.slice(i + 1, end).join('\n') + '\n';
    if ((lines[i - 1] ?? '').trim() === '' && (lines[i - 2] ?? '').trim().startsWith('<!-- ts:')) {
      // A marker that does not touch its fence would be silently ignored, and the block merely type-checked.
      throw new Error(`README line ${i - 1}: a ts marker must be on the line right before its fence, with no blank line`);
    }
    const marker = MARKER.exec((lines[i - 1] ?? '').trim());
    if ((lines[i - 1] ?? '').trim().startsWith('<!-- ts:') && marker === null) {
      throw new Error(`README line ${i}: unknown marker ${JSON.stringify(lines[i - 1])} (fragment (why) | run | run envtest)`);
    }
    const kind = marker?.[1];
    const mode: BlockMode = kind === 'fragment' ? 'fragment' : kind === 'run' ? 'run' : kind === 'run envtest' ? 'run-envtest' : 'check';
    if (mode === 'fragment' && !marker?.[2])
      throw new Error(`README line ${i}: a fragment marker must say why: <!-- ts: fragment (why) -->`);
    blocks.push({
      index: blocks.length + 1,
      line: i + 1,
      code,
      mode,
      ...(marker?.[2] ? { reason: marker[2] } : {}),
      imports: importsOf(code),
    });
    i = end;
  }
  return blocks;
}

/** Package names imported (statically or with import()) by `code`. */
export function importsOf(code: string): string[] {
  const names = new Set<string>();
  for (const m of code.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"]([^'"./][^'"]*)['"]/g)) {
    const spec = m[1]!;
    if (spec.startsWith('node:')) continue;
    const parts = spec.split('/');
    names.add(spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!);
  }
  return [...names].sort();
}

/**
 * Markdown links whose target would not work on npm: relative links to files the tarball does not ship. `shipped`
 * holds the tarball's paths relative to the package root.
 */
export function brokenLinks(markdown: string, shipped: ReadonlySet<string>): string[] {
  const broken: string[] = [];
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  for (const m of withoutCode.matchAll(/\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
    const target = m[1]!;
    if (/^(https?:|mailto:|#)/.test(target)) continue;
    const file = target.replace(/#.*$/, '').replace(/^\.\//, '').replace(/\/$/, '');
    if (!shipped.has(file) && !shipped.has(`${file}/README.md`)) broken.push(target);
  }
  return broken;
}
