import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, tmpDir } from '../helpers/paths';

/** bench/gen-log.mjs: --help prints its usage (it used to write a 266 MB file named --help), bad arguments are refused. */
const GEN = path.join(ROOT, 'bench', 'gen-log.mjs');
const run = (args: string[], cwd: string) => spawnSync(process.execPath, [GEN, ...args], { cwd, encoding: 'utf8', timeout: 60000 });

test('gen-log.mjs --help and -h print the usage and write nothing', () => {
  const dir = tmpDir('genlog');
  for (const h of ['--help', '-h']) {
    const r = run([h], dir);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^usage: node bench\/gen-log\.mjs \[--lines N\]/);
    assert.deepEqual(fs.readdirSync(dir), []);
  }
});

test('gen-log.mjs refuses unknown options, bad values and a missing or extra output file', () => {
  const dir = tmpDir('genlog');
  for (const [args, msg] of [
    [['--bogus', 'x'], /Unknown option '--bogus'/],
    [['--lines', 'many', 'out'], /--lines must be an integer >= 1, not "many"/],
    [['--profile', 'huge', 'out'], /--profile must be realistic, mixed or plain, not "huge"/],
    [['--lines', '5'], /the output file is missing/],
    [['--lines', '5', 'a', 'b'], /one output file, not 2/],
  ] as [string[], RegExp][]) {
    const r = run(args, dir);
    assert.equal(r.status, 2, args.join(' '));
    assert.match(r.stderr, msg);
    assert.match(r.stderr, /usage:/);
  }
  assert.deepEqual(fs.readdirSync(dir), []);
});

test('gen-log.mjs --lines 25 writes 25 lines, the same for the same seed', () => {
  const dir = tmpDir('genlog');
  assert.equal(run(['--lines', '25', '--seed', '7', 'a.log'], dir).status, 0);
  assert.equal(run(['--lines', '25', '--seed', '7', 'b.log'], dir).status, 0);
  const a = fs.readFileSync(path.join(dir, 'a.log'), 'latin1');
  assert.equal(a.split('\n').length - 1, 25);
  assert.equal(fs.readFileSync(path.join(dir, 'b.log'), 'latin1'), a);
});
