#!/usr/bin/env node
// Runs the compiled test files of the given suites (unit, compat, e2e) with
// node's test runner, one file after another. The tests' temporary files go
// into one directory (TMPDIR) that is removed at the end, passed or failed;
// PSAD_KEEP_TEST_TMP=1 keeps it for a look.
import { readdirSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
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
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...files], { stdio: 'inherit', cwd: root, env: { ...process.env, TMPDIR: tmp } });
if (process.env.PSAD_KEEP_TEST_TMP) console.log(`test files kept in ${tmp}`);
else rmSync(tmp, { recursive: true, force: true });
process.exit(r.status ?? 1);
