/**
 * Compiles the status page's browser script (src/http/page/client.ts) to JavaScript and writes it, as a string constant,
 * to src/http/page/script.generated.ts, which the page inlines (so the service bundle carries it, and running from
 * source needs no build step). A test fails when the generated file is stale.
 *
 *   pnpm --filter vmcp-watcher generate:page
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const PAGE_DIR = path.resolve(import.meta.dirname, '../src/http/page');
/** The browser script's source. */
export const CLIENT_SOURCE = path.join(PAGE_DIR, 'client.ts');
/** Where the compiled script goes. */
export const GENERATED_MODULE = path.join(PAGE_DIR, 'script.generated.ts');

/** The content script.generated.ts must have for the current client.ts. */
export function generatedModule(): string {
  const { outputText } = ts.transpileModule(readFileSync(CLIENT_SOURCE, 'utf8'), {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, removeComments: true },
    fileName: 'client.ts',
  });
  // Inlined into HTML: a closing tag or comment opener in the code would end the script early.
  if (/<\/script|<!--/i.test(outputText)) throw new Error('client.ts compiles to code that contains "</script" or "<!--"');
  return [
    '// Generated from client.ts by scripts/generate-page-script.ts (pnpm --filter vmcp-watcher generate:page). Do not edit.',
    '/** The status page\'s browser script, compiled: inlined into the page as `<script type="module">`. */',
    `export const STATUS_PAGE_SCRIPT: string = ${JSON.stringify(outputText)};`,
    '',
  ].join('\n');
}

if (import.meta.main) {
  writeFileSync(GENERATED_MODULE, generatedModule());
  process.stdout.write(`wrote ${path.relative(process.cwd(), GENERATED_MODULE)}\n`);
}
