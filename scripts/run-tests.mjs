#!/usr/bin/env node
// Runs the compiled test files of the given suites (unit, golden, compat,
// e2e) with node's test runner, one file after another, and ends with one
// line of counts (passed, failed, skipped) and the reasons of the skips.
// The tests' temporary files go into one directory (TMPDIR) that is removed
// at the end, passed or failed; PSAD_KEEP_TEST_TMP=1 keeps it for a look.
import { readdirSync, existsSync, mkdtempSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const suites = process.argv.slice(2);
const files = [];
for (const s of suites) {
  const dir = join(root, 'dist', 'test', s);
  if (!existsSync(dir)) continue;
  for (const f of readdirSync(dir).sort()) if (f.endsWith('.test.js')) files.push(join(dir, f));
}
if (!files.length) {
  console.error(`no test files for: ${suites.join(' ')}`);
  process.exit(1);
}
const tmp = mkdtempSync(join(tmpdir(), 'psad-tests-'));
const summaryFile = join(tmp, 'summary.json');
const reporter = process.stdout.isTTY ? 'spec' : 'tap';
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1',
  `--test-reporter=${reporter}`, '--test-reporter-destination=stdout',
  `--test-reporter=${join(root, 'scripts', 'test-summary-reporter.mjs')}`, `--test-reporter-destination=${summaryFile}`,
  ...files], { stdio: 'inherit', cwd: root, env: { ...process.env, TMPDIR: tmp } });
let status = r.status ?? 1;
try {
  const s = JSON.parse(readFileSync(summaryFile, 'utf8'));
  const reasons = new Map();
  for (const k of s.skipped) reasons.set(k.reason, (reasons.get(k.reason) ?? 0) + 1);
  console.log(`\n${suites.join('+')}: ${s.pass} passed, ${s.fail} failed, ${s.skip} skipped${s.todo ? `, ${s.todo} todo` : ''}`);
  for (const [why, n] of reasons) console.log(`  skipped ${n}: ${why}`);
  for (const f of s.failed) console.log(`  FAILED: ${f.name} (${relative(root, f.file ?? '')})`);
  if (s.fail && !status) status = 1;
} catch (e) {
  console.log(`\n(no test summary: ${e.message})`);
  if (!status) status = 1;
}
if (process.env.PSAD_KEEP_TEST_TMP) console.log(`test files kept in ${tmp}`);
else rmSync(tmp, { recursive: true, force: true });
process.exit(status);
