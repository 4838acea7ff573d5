import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, tmpDir } from '../helpers/paths';
import { runOurs, RunResult } from '../helpers/run';

const CONF = path.join(ROOT, 'etc', 'psad.conf');

function noStackTrace(r: RunResult): void {
  assert.doesNotMatch(r.stderr, /\n\s+at /, `stack trace on stderr:\n${r.stderr}`);
  assert.doesNotMatch(r.stderr, /internal error/);
}

function analyseText(text: string | Buffer, extra: string[] = [], extraConf = ''): RunResult & { root: string; dir: string } {
  const dir = tmpDir('bad');
  const log = path.join(dir, 'in.log');
  fs.writeFileSync(log, text);
  const r = runOurs(['-A', '-m', log, '--no-rdns', '--no-whois', '-c', CONF, ...extra], { extraConf });
  return { ...r, dir };
}

const errLog = (root: string) => {
  const f = path.join(root, 'var/log/psad/ipt_analysis/errs/fwerrorlog');
  return fs.existsSync(f) ? fs.readFileSync(f, 'latin1') : '';
};

test('an empty file is analysed: nothing found, every section [NONE], exit 0', () => {
  const r = analyseText('');
  assert.equal(r.status, 0);
  noStackTrace(r);
  assert.match(r.stdout, /Found 0 iptables log messages out of 0 total lines\./);
  assert.match(r.stdout, /\[\+\] Top 25 attackers:\n {8}\[NONE\]/);
  assert.match(r.stdout, /Total scan sources: 0/);
});

test('a missing file gets a clear message and exit code 2', () => {
  const r = runOurs(['-A', '-m', '/nonexistent/psad-test.log', '-c', CONF]);
  assert.equal(r.status, 2);
  noStackTrace(r);
  assert.match(r.stderr, /^\[\*\] Could not open \/nonexistent\/psad-test\.log: No such file or directory$/m);
  assert.match(r.stdout, /Entering analysis mode\.  Parsing \/nonexistent\/psad-test\.log/);
});

test('a directory given as the log file is refused clearly', () => {
  const dir = tmpDir('dir');
  const r = runOurs(['-A', '-m', dir, '-c', CONF]);
  assert.equal(r.status, 2);
  noStackTrace(r);
  assert.match(r.stderr, /Could not open .*: Is a directory/);
});

test('binary garbage is read through without a crash and nothing is counted', () => {
  let seed = 7;
  const buf = Buffer.alloc(1 << 20);
  for (let i = 0; i < buf.length; i++) { seed = (seed * 1103515245 + 12345) >>> 0; buf[i] = seed >>> 24; }
  const r = analyseText(buf);
  assert.equal(r.status, 0);
  noStackTrace(r);
  assert.match(r.stdout, /Found \d+ iptables log messages out of \d+ total lines/);
  assert.match(r.stdout, /Tracking 0 total IP addresses/);
});

test('a 1 MB hostile line, truncated lines and invalid addresses go to the error log', { timeout: 120000 }, () => {
  const base = 'Mar 11 20:35:11 fw kernel: DROP IN=eth1 OUT= MAC=00:21:3f:98:99:78:23:87:fc:c6:24:58:08:00 SRC=10.1.1.1 DST=10.2.2.2 LEN=44 TOS=0x00 PREC=0x00 TTL=53 ID=1 PROTO=TCP SPT=1 DPT=80 WINDOW=1024 RES=0x00 SYN URGP=0';
  const hostile = `${base.slice(0, 60)}${'TTL=1 ID=2 PROTO=TCP SPT=1 DPT=2 WINDOW=3 IN= OUT= SRC=1.1.1.1 '.repeat(16000)}`;
  const lines = [
    base,
    hostile,
    base.slice(0, 120),
    base.replace('SRC=10.1.1.1', 'SRC=256.1.1.1'),
    base.replace('SRC=10.1.1.1', 'SRC=10.1.1'),
    base.replace('PROTO=TCP', 'PROTO=SCTP'),
    `${'IN='.repeat(300000)} OUT= SRC=1.2.3.4`,
  ];
  const r = analyseText(lines.join('\n') + '\n');
  assert.equal(r.status, 0);
  noStackTrace(r);
  assert.ok(hostile.length > 1000000);
  assert.match(r.stdout, /Found 7 iptables log messages out of 7 total lines/);
  const errs = errLog(r.root).split('\n').filter((l) => l);
  assert.deepEqual(errs.map((l) => l.length), [hostile.length, 120, lines[3].length, lines[4].length, lines[5].length, lines[6].length]);
});

test('config errors name the file, the line and the variable, exit 1, no trace', () => {
  const dir = tmpDir('conf');
  const cases: [string, RegExp][] = [
    ['DANGER_LEVEL1 5\n', /bad\.conf line 1: the value of DANGER_LEVEL1 has no closing ';'/],
    ['ENABLE_AUTO_IDS maybe;\n', /ENABLE_AUTO_IDS variable must be 'Y' or 'N' \(.*bad\.conf line 1: "maybe"\)/],
    ['\nDANGER_LEVEL2 lots;\n', /DANGER_LEVEL2 must be an integer \(.*bad\.conf line 2: "lots"\)/],
    ['HOME_NET $NOWHERE;\n', /sub-var "NOWHERE" not defined in config for var: HOME_NET\. \(.*bad\.conf line 1\)/],
    ['STATUS_IP_THRESHOLD -3;\n', /STATUS_IP_THRESHOLD must be an integer >= 0 and <= 10000 \(.*bad\.conf line 1: "-3"\)/],
    ['IGNORE_LOG_PREFIXES (unclosed;\n', /IGNORE_LOG_PREFIXES is not a valid regular expression \(.*bad\.conf line 1\)/],
  ];
  for (const [text, re] of cases) {
    const bad = path.join(dir, 'bad.conf');
    fs.writeFileSync(bad, text);
    const r = runOurs(['-A', '-m', '/dev/null', '-c', CONF, '-O', bad]);
    assert.equal(r.status, 1, text);
    noStackTrace(r);
    assert.match(r.stderr, re, text);
    assert.equal(r.stdout, '', text);
  }
  const r = runOurs(['-A', '-m', '/dev/null', '-c', path.join(dir, 'missing.conf')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /Could not open config file .*missing\.conf: No such file or directory/);
});

test('a bad signature line is reported with file and line and skipped', () => {
  const dir = tmpDir('sigs');
  const sigs = path.join(dir, 'signatures');
  const good = fs.readFileSync(path.join(ROOT, 'etc', 'signatures'), 'latin1').split('\n').find((l) => l.includes('sid:621;'))!;
  fs.writeFileSync(sigs, `# test\n${good}\nalert tcp any any -> any any (msg:"broken"; psad_id:1; \nalert bogus any any -> any any (msg:"x"; psad_id:2;)\n`);
  const fin = 'Mar 11 20:35:11 fw kernel: DROP IN=eth1 OUT= SRC=10.1.1.1 DST=10.2.2.2 LEN=40 TOS=0x00 PREC=0x00 TTL=53 ID=1 PROTO=TCP SPT=1 DPT=80 WINDOW=1024 RES=0x00 FIN URGP=0\n';
  const r = analyseText(fin, ['--signatures', sigs]);
  assert.equal(r.status, 0);
  assert.match(r.stderr, new RegExp(`${sigs}:3: signature skipped: bad signature`));
  assert.match(r.stderr, new RegExp(`${sigs}:4: signature skipped: unsupported protocol: bogus`));
  assert.match(r.stdout, /"SCAN FIN" \(tcp\),  Count: 1/);
});
