#!/usr/bin/env node
// Runs the compiled test files of the given suites (unit, compat, e2e) with
// node's test runner, one file after another.
import { readdirSync, existsSync } from 'node:fs';
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
const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', ...files], { stdio: 'inherit', cwd: root });
process.exit(r.status ?? 1);
