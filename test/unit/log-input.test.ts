import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { PSAD_BIN, ROOT, tmpDir } from '../helpers/paths';

/** What -A and --CSV do with a -m that is not a regular file. */
const CONF = path.join(ROOT, 'etc', 'psad.conf');
const LOG = path.join(ROOT, 'examples', 'nmap-scans.log');

/** psad with these arguments; `pipeFrom`: its standard input is a pipe from `cat <file>` (a FIFO, not a socket). */
function run(args: string[], pipeFrom?: string) {
  const dir = tmpDir('input');
  const ovr = path.join(dir, 'paths.conf');
  fs.writeFileSync(ovr, `INSTALL_ROOT ${dir}/root;\nPSAD_CONF_DIR ${path.join(ROOT, 'etc')};\n`);
  const argv = [process.execPath, PSAD_BIN, '-c', CONF, '-O', ovr, ...args];
  const o = { encoding: 'latin1' as const, timeout: 60000, maxBuffer: 64 << 20 };
  // a run that never ends is killed after 60 s and fails the status checks below
  if (pipeFrom) return spawnSync('sh', ['-c', 'cat "$0" | "$@"', pipeFrom, ...argv], o);
  return spawnSync(argv[0], argv.slice(1), o);
}

for (const dev of ['/dev/zero', '/dev/urandom']) {
  test(`-A and --CSV refuse ${dev} instead of reading it for ever`, { skip: !fs.existsSync(dev) && `no ${dev}` }, () => {
    for (const mode of [['-A'], ['--CSV']]) {
      const r = run([...mode, '-m', dev]);
      assert.equal(r.signal, null, `${mode} -m ${dev} did not end`);
      assert.equal(r.status, 2);
      assert.match(r.stderr, new RegExp(`^\\[\\*\\] Could not open ${dev}: a character device that does not end is not a log file\\n$`));
    }
  });
}

test('-A -m /dev/null is an empty log, as in psad 2.4.6', () => {
  const r = run(['-A', '-m', '/dev/null']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Found 0 iptables log messages out of 0 total lines\./);
});

test('-A -m /dev/stdin from a pipe reads the log once and finds what the file gives', () => {
  const file = run(['-A', '-m', LOG]);
  const pipe = run(['-A', '-m', '/dev/stdin'], LOG);
  assert.equal(file.status, 0, file.stderr);
  assert.equal(pipe.status, 0, pipe.stderr);
  const report = (s: string) => s.slice(s.indexOf('[+] Found')).replace(/available in: .*\n/, '');
  assert.match(report(pipe.stdout), /Found 4864 iptables log messages/);
  assert.equal(report(pipe.stdout), report(file.stdout));
});
