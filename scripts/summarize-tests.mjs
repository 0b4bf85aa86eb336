// Prints the run's closing line, "N passed, N failed, N skipped", counting every test and every check step that
// failed or was skipped; the line before it names the skipped steps. Exits non-zero if anything failed or no test
// ran at all.
//   node summarize-tests.mjs RESULTS.json --failed STEP… --skipped STEP…
import { existsSync, readFileSync } from 'node:fs';

const [resultsFile, ...rest] = process.argv.slice(2);
const failedSteps = [];
const skippedSteps = [];
let into = failedSteps;
for (const arg of rest) {
  if (arg === '--failed') into = failedSteps;
  else if (arg === '--skipped') into = skippedSteps;
  else into.push(arg);
}
let passed = 0;
let failed = 0;
let skipped = 0;
if (resultsFile && existsSync(resultsFile)) {
  const report = JSON.parse(readFileSync(resultsFile, 'utf8'));
  passed = report.numPassedTests ?? 0;
  // A file that failed without a failed test (it did not load, or a hook threw) is one failure; a file whose tests
  // failed is already counted by them (numFailedTestSuites would count it, and each failed describe, again).
  const brokenFiles = (report.testResults ?? []).filter(
    (file) => file.status === 'failed' && !(file.assertionResults ?? []).some((t) => t.status === 'failed'),
  ).length;
  failed = (report.numFailedTests ?? 0) + brokenFiles;
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
} else {
  console.error(`no test results at ${resultsFile}`);
}
for (const step of failedSteps) console.error(`failed step: ${step}`);
failed += failedSteps.length;
skipped += skippedSteps.length;
if (skippedSteps.length > 0) console.log(`skipped steps (${skippedSteps.length}): ${skippedSteps.join('; ')}`);
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
