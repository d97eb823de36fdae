// Prints the plain "N passed, N failed" line CI looks for, from vitest JSON reports and from
// `--check NAME=EXIT_CODE` pairs (a step such as the lint, counted as one test that passed on 0).
// Exits 1 if any test or check failed, a suite failed to load, or no report was written.
import { readFileSync, existsSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
const reports = [];
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  if (args[i] !== '--check') {
    reports.push(args[i]);
    continue;
  }
  const [name, code] = (args[++i] ?? '').split('=');
  if (code === '0') passed += 1;
  else {
    console.error(`${name}: failed (exit ${code})`);
    failed += 1;
  }
}
for (const file of reports) {
  if (!existsSync(file)) {
    console.error(`no test report at ${file}`);
    failed += 1;
    continue;
  }
  const r = JSON.parse(readFileSync(file, 'utf8'));
  passed += r.numPassedTests ?? 0;
  failed += r.numFailedTests ?? 0;
  skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  // A file that fails to import has no tests but a failed suite.
  for (const suite of r.testResults ?? []) {
    if (suite.status === 'failed' && (suite.assertionResults ?? []).every((a) => a.status !== 'failed')) failed += 1;
  }
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
