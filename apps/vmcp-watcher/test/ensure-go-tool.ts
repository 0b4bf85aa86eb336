/**
 * Makes one pinned Go tool of `go-tools.ts` available: built from the Go module proxy (`go install`) into the same
 * version-keyed cache as the control-plane binaries, once. Without Go (or when the build fails): exit 1 under
 * CI=true, else one notice and exit 77 (the test command counts the step as skipped, and the tests that need the
 * tool skip themselves with their own notice).
 *   node --conditions=@vmcp/source apps/vmcp-watcher/test/ensure-go-tool.ts helm|promtool|registry|actionlint
 */
import { BinaryBuildError, ensureGoTool } from '@vmcp/envtest';
import { GO_TOOLS } from './go-tools.ts';

const say = (line: string): void => {
  process.stderr.write(`[vmcp] ${line}\n`);
};

const name = process.argv[2] ?? '';
const tool = GO_TOOLS[name];
if (tool === undefined) {
  say(`usage: ensure-go-tool.ts ${Object.keys(GO_TOOLS).join('|')} (got ${JSON.stringify(name)})`);
  process.exit(2);
}
try {
  const started = Date.now();
  const file = await ensureGoTool(tool, { log: say });
  say(`${tool.name} ${tool.version} ready: ${file} (${Math.round((Date.now() - started) / 1000)} s)`);
} catch (error) {
  say(`cannot provide ${tool.name} ${tool.version}: ${error instanceof BinaryBuildError ? error.message : String(error)}`);
  if (process.env['CI'] === 'true') {
    say(`CI=true: failing, because the tests that need ${tool.name} would not run.`);
    process.exit(1);
  }
  say(`NOTICE: SKIPPED the tests that need ${tool.name} in this run (set CI=true to make this fatal).`);
  process.exit(77);
}
