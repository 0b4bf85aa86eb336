/**
 * Makes the pinned helm available for the chart tests: built from the Go module proxy (`go install`) into the same
 * version-keyed cache as the control-plane binaries, once. Without Go: exit 1 under CI=true, else one notice and
 * exit 77 (the test command counts the step as skipped, and the chart tests skip themselves).
 *   node --conditions=@vmcp/source test/ensure-helm.ts
 */
import { BinaryBuildError, ensureGoTool } from '@vmcp/envtest';
import { HELM } from './helm.ts';

const say = (line: string): void => {
  process.stderr.write(`[vmcp] ${line}\n`);
};

try {
  const started = Date.now();
  const helm = await ensureGoTool(HELM, { log: say });
  say(`helm ${HELM.version} ready: ${helm} (${Math.round((Date.now() - started) / 1000)} s)`);
} catch (error) {
  say(`cannot provide helm ${HELM.version}: ${error instanceof BinaryBuildError ? error.message : String(error)}`);
  if (process.env['CI'] === 'true') {
    say('CI=true: failing, because the chart tests would not run.');
    process.exit(1);
  }
  say('NOTICE: SKIPPED the Helm chart tests in this run (set CI=true to make this fatal).');
  process.exit(77);
}
