import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { REFERENCE, ROOT, tmpDir } from '../helpers/paths';
import { runOurs, RunResult } from '../helpers/run';
import { runReference } from '../helpers/reference';
import { compareDebug } from '../helpers/debug-compare';
import { synSweepLog, toperaLog, miraiLog, unusualHostLog, UNUSUAL_HOST } from '../helpers/debug-logs';
import { needsReference, needsShared } from '../helpers/requires';

/**
 * --test-mode, as psad 2.4.6's own test suite runs psad (test/test-psad.pl,
 * "operations" tests): debugging on, the configuration dumped on stderr,
 * syslog and mail off, is_local() always "no". The four checks of that suite
 * that need the debug lines: a port sweep, a Topera IPv6 scan, a Mirai scan
 * and the syslog hostname of each packet; on logs of the project's own, and
 * on the upstream logs when ../shared is there.
 */
const NO_REF = needsReference();
const SCANS = path.join(REFERENCE, 'test', 'scans', 'iptables');
const NO_SHARED = needsShared();
const OUR_CONF = ['-c', path.join(ROOT, 'etc', 'psad.conf')];

function logFile(name: string, text: string): string {
  const f = path.join(tmpDir('testmode'), name);
  fs.writeFileSync(f, text);
  return f;
}

function run(who: 'ours' | 'ref', log: string, extra: string[] = []): RunResult {
  const args = ['--test-mode', '-A', '--analysis-write-data', '-m', log, '--no-rdns', '--no-whois', ...extra];
  const r = who === 'ours' ? runOurs([...args, ...OUR_CONF]) : runReference([...args, '-c', '/etc/psad/psad.conf']);
  fs.rmSync(path.dirname(r.root), { recursive: true, force: true });
  return r;
}

/** Both streams as test-psad.pl reads them (it runs `cmd > out 2>&1`). */
const both = (r: RunResult) => `${r.stdout}\n${r.stderr}`;

/** The lines of test-psad.pl's four checks (and what they stand for), per log. */
const CHECKS: [string, () => string, RegExp[]][] = [
  ['SYN sweep', synSweepLog, [/^ {4}Port sweep 10\.77\.0\.5 -> 10\.77\.\d+\.\d+ port 1083$/m]],
  ['Topera IPv6 scan', toperaLog, [/^ {4}Topera IPv6 scan$/m, /syslog msg: scan detected \(Topera SYN scan\): fd77:0000:0000:0000:0000:0000:0000:0002 -> fd77:0000:0000:0000:0000:0000:0000:0001 tcp: \[0-40\] flags: SYN tcp pkts: 41 DL: 2/]],
  ['Mirai scan', miraiLog, [/syslog msg: scan detected \(Mirai botnet default credentials scan\): 10\.77\.0\.2 -> 10\.77\.0\.1 tcp: \[23-2323\] flags: SYN tcp pkts: 11 DL: 1 total scan dsts: 1/]],
  ['unusual syslog hostname', unusualHostLog, [
    new RegExp(`^\\[\\+\\] timestamp: 2026-03-08T02:25:10\\.444012\\+02:00\\n {4}syslog hostname: ${UNUSUAL_HOST.replace(/\./g, '\\.')}$`, 'm'),
    /^\[\+\] timestamp: Mar {2}8 02:25:13\n {4}syslog hostname: 192\.0\.2\.254$/m,
    /^\[\+\] timestamp: \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\n {4}syslog hostname: unknown$/m,
  ]],
];

for (const [name, gen, res] of CHECKS) {
  test(`--test-mode -A, ${name}: the debug lines psad's test suite looks for`, () => {
    const r = run('ours', logFile(`${name.replace(/\W+/g, '_')}.log`, gen()));
    assert.equal(r.status, 0, r.stderr.slice(-2000));
    for (const re of res) assert.match(both(r), re);
    // test mode: the configuration dumped on stderr first, every variable of psad.conf in it
    assert.match(r.stderr, /^\[\*\] journalctl appears to (NOT )?be running\.\n\[\+\] uname output:\n/);
    assert.match(r.stderr, /^\[\+\] Dumping psad config from: .*psad\.conf$/m);
    for (const m of fs.readFileSync(path.join(ROOT, 'etc', 'psad.conf'), 'latin1').matchAll(/^([A-Z_0-9]+)\s+.*;/gm)) {
      assert.match(r.stderr, new RegExp(`^ {4}${m[1]} +`, 'm'), m[1]);
    }
    assert.doesNotMatch(r.stdout, /Dumping psad config/);
    // is_local() answers no in test mode
    assert.match(r.stderr, /^\[\+\] is_local\(\): \S+\.\.\.\(test mode enabled\) no$/m);
    assert.doesNotMatch(r.stderr, /is_local\(\): \S+\.\.\.(yes|no)$/m);
  });
}

test('--test-mode -A on logs of the project\'s own: the debug lines of psad 2.4.6', { skip: NO_REF }, () => {
  for (const [name, gen] of CHECKS) {
    const log = logFile(`${name.replace(/\W+/g, '_')}.log`, gen());
    const ours = run('ours', log);
    const ref = run('ref', log);
    const diffs = compareDebug(ours, ref);
    assert.deepEqual(diffs, [], `${name}:\n${diffs.join('\n')}`);
  }
});

test('--test-mode -A on psad\'s own test logs: the lines its test suite greps for', { skip: NO_REF || NO_SHARED }, () => {
  const cases: [string, RegExp[]][] = [
    ['syn_sweep', [/Port sweep 192\.168\.10\.55 -> \S+ port 1083/]],
    ['topera_ipv6_syn_scan_with_ip_opts', [/Topera\sIPv6\sscan/, /Top\s\d+\sattackers/, /scanned\sports.*?0-1234\b/i, /SRC:\s+2012:1234:1234:0000:0000:0000:0000:0001/]],
    ['topera_ipv6_syn_scan_no_ip_opts', [/Top\s\d+\sattackers/, /scanned\sports.*?0-1023\b/i]],
    ['mirai_default_credentials_scan', [/Mirai botnet default credentials scan/]],
    ['syslog_time_fmt1.log', [/syslog\shostname:\sservername/, /timestamp:\s2015-03-08T/]],
  ];
  for (const [name, res] of cases) {
    const log = path.join(SCANS, name);
    const ours = run('ours', log);
    const ref = run('ref', log);
    for (const re of res) {
      assert.match(both(ref), re, `psad 2.4.6, ${name}`);
      assert.match(both(ours), re, name);
    }
    assert.equal(/Topera IPv6 scan/.test(ours.stderr), /Topera IPv6 scan/.test(ref.stderr), name);
    const diffs = compareDebug(ours, ref);
    assert.deepEqual(diffs, [], `${name}:\n${diffs.join('\n')}`);
  }
});

test('--test-mode -A -e: the alert mail is not sent (psad 2.4.6: no_email_alerts)', () => {
  const dir = tmpDir('testmode-mail');
  const marker = path.join(dir, 'sendmail-called');
  const sendmail = path.join(dir, 'sendmail');
  fs.writeFileSync(sendmail, `#!/bin/sh\ncat > /dev/null\necho called >> ${marker}\n`, { mode: 0o755 });
  const log = logFile('mirai.log', miraiLog());
  const conf = `sendmailCmd ${sendmail};\nmailCmd ${sendmail};\nEMAIL_ALERT_DANGER_LEVEL 1;\n`;
  const mailed = runOurs(['-A', '-e', '-m', log, '--no-rdns', '--no-whois', ...OUR_CONF], { extraConf: conf });
  assert.equal(mailed.status, 0, mailed.stderr);
  assert.ok(fs.existsSync(marker), 'without --test-mode the mail is sent');
  fs.rmSync(marker);
  const quiet = runOurs(['--test-mode', '-A', '-e', '-m', log, '--no-rdns', '--no-whois', ...OUR_CONF], { extraConf: conf });
  assert.equal(quiet.status, 0, quiet.stderr.slice(-2000));
  assert.ok(!fs.existsSync(marker), 'no mail in test mode');
  assert.match(quiet.stderr, /syslog msg: scan detected \(Mirai botnet default credentials scan\)/);
  for (const r of [mailed, quiet]) fs.rmSync(path.dirname(r.root), { recursive: true, force: true });
});

test('--test-mode -D: the dump on stderr (debug on), as psad 2.4.6 prints it', () => {
  const r = runOurs(['--test-mode', '-D', ...OUR_CONF]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /^\[\+\] Dumping psad config from: /m);
  assert.equal(r.stderr.match(/Dumping psad config/g)?.length, 1);
  const plain = runOurs(['-D', ...OUR_CONF]);
  assert.match(plain.stdout, /^\[\+\] Dumping psad config from: /m);
  assert.equal(plain.stderr, '');
});
