// The checked-in public API report (docs/api/) must match the code: a change to what the package
// exports is made on purpose, with `npm run api-report`, and shows in review.
import { test } from 'node:test';
import assert from 'node:assert/strict';
// @ts-expect-error: a plain .mjs script without type declarations
import { buildReports, staleReports } from '../scripts/api-report.mjs';

test('api report: docs/api/ matches what each entry point exports', () => {
  const reports = buildReports() as Map<string, string>;
  assert.ok(reports.size >= 6, 'one report per package.json entry point');
  const stale = staleReports(reports) as string[];
  assert.deepEqual(
    stale,
    [],
    `out of date: ${stale.join(', ')}; run npm run api-report and commit docs/api/`,
  );
});
