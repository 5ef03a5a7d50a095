// Prints "Tests: N passed, N failed[, N skipped]" over vitest JSON reports; a missing report (the suite never
// got to run) counts as one failure so the line can never claim a clean run that did not happen.
import { readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of process.argv.slice(2)) {
  try {
    const report = JSON.parse(readFileSync(file, 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + report.numTodoTests;
  } catch {
    console.error(`no test report at ${file}: that suite did not run to the end`);
    failed += 1;
  }
}
console.log(`Tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
