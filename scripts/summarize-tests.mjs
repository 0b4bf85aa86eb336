// Prints the run's closing line, "N passed, N failed, N skipped", counting every test and every failed check step.
// Exits non-zero if anything failed or no test ran at all.
import { existsSync, readFileSync } from 'node:fs';

const [resultsFile, ...failedSteps] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
if (resultsFile && existsSync(resultsFile)) {
  const report = JSON.parse(readFileSync(resultsFile, 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed = (report.numFailedTests ?? 0) + (report.numFailedTestSuites ?? 0);
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
} else {
  console.error(`no test results at ${resultsFile}`);
}
for (const step of failedSteps) console.error(`failed step: ${step}`);
failed += failedSteps.length;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
