import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { spawn } from 'child_process';
import { PSAD_BIN, REFERENCE, ROOT, tmpDir } from '../helpers/paths';
import { runOurs, RunResult } from '../helpers/run';
import { runReference } from '../helpers/reference';
import { needsReferenceAndShared, needsShared } from '../helpers/requires';

/**
 * --debug-sid (signature match tracing with --debug) and --use-store-file
 * (gnuplot mode's cache of parsed records), against psad 2.4.6 where it can
 * be run. Differences asserted explicitly:
 * - the trace lines come in file order of the signatures (2.4.6: Perl hash
 *   order, so the reference's lines are compared as sorted lists);
 * - with --debug every signature match is printed (as psad 2.4.6 does), so
 *   the lines about one sid are picked out of the trace;
 * - with an existing store file the log is not opened at all (2.4.6 opened
 *   it anyway, died when it was missing, and printed "Parsing ... from
 *   file"); the store is JSON, not a Perl Storable file, and a Storable or
 *   damaged store is refused with a message and exit status 1 (2.4.6: a Perl
 *   error and exit status 255).
 */
const NO_REF = needsReferenceAndShared();
const SCANS = path.join(REFERENCE, 'test/scans/iptables');
const OUR_CONF = ['-c', path.join(ROOT, 'etc', 'psad.conf')];
const REF_CONF = ['-c', '/etc/psad/psad.conf'];

const HDR = 'Mar 11 20:35:14 linux kernel: [463493.257294] DROP IN=eth1 OUT= MAC=23:87:fc:c6:24:58:00:21:3f:98:99:78:09:00 SRC=192.168.10.55 DST=192.168.10.1 LEN=44 TOS=0x00 PREC=0x00';
/**
 * 1. FIN to 1433: port of psad_id 100205 (flags:S), fails its flags test;
 * 2. SYN from port 10101 with TTL 43: port of sid 613 (ttl:>220), fails its ttl test;
 * 3. SYN to 1433: matches 100205.
 */
const LOG = [
  `${HDR} TTL=39 ID=54575 PROTO=TCP SPT=56247 DPT=1433 WINDOW=1024 RES=0x00 FIN URGP=0`,
  `${HDR} TTL=43 ID=10710 PROTO=TCP SPT=10101 DPT=80 WINDOW=1024 RES=0x00 SYN URGP=0 OPT (020405B4)`,
  `${HDR} TTL=43 ID=10711 PROTO=TCP SPT=56250 DPT=1433 WINDOW=1024 RES=0x00 SYN URGP=0 OPT (020405B4)`,
].map((l) => `${l}\n`).join('');

function logFile(text = LOG): string {
  const f = path.join(tmpDir('dbgsid'), 'fw.log');
  fs.writeFileSync(f, text);
  return f;
}

/** The signature trace lines of a run's stderr. */
function traceLines(stderr: string): string[] {
  return stderr.split('\n').filter((l) => /^\[[-+]\] (SID:? \d|packet matched \w+ keywords for sid: |assign_sid_dl\(\): )|^ {4}"/.test(l));
}

/** The reference's trace lines about one sid (its --debug output says much more). */
function refTraceOf(stderr: string, sid: number): string[] {
  const out: string[] = [];
  let msgNext = false;
  for (const l of stderr.split('\n')) {
    if (msgNext && /^ {4}"/.test(l)) {
      out.push(l);
      msgNext = false;
      continue;
    }
    msgNext = false;
    if (new RegExp(`^\\[[-+]\\] SID:? ${sid}[ ,]`).test(l) || l.startsWith(`[+] assign_sid_dl(): snort_rule_dl assigning SID ${sid} `)) out.push(l);
    else if (new RegExp(`^\\[\\+\\] packet matched \\w+ keywords for sid: ${sid} `).test(l)) {
      out.push(l);
      msgNext = true;
    }
  }
  return out;
}

const sorted = (a: string[]) => [...a].sort();

function analyzeOurs(log: string, extra: string[]): RunResult {
  const r = runOurs(['-A', '-m', log, '--no-rdns', '--no-whois', ...OUR_CONF, ...extra]);
  fs.rmSync(path.dirname(r.root), { recursive: true, force: true });
  return r;
}

function analyzeRef(log: string, extra: string[]): RunResult {
  const r = runReference(['-A', '-m', log, '--no-rdns', '--no-whois', ...REF_CONF, ...extra]);
  fs.rmSync(path.dirname(r.root), { recursive: true, force: true });
  return r;
}

test('-A --debug --debug-sid: why that signature failed, on stderr', () => {
  const log = logFile();
  const ttl = analyzeOurs(log, ['--debug', '--debug-sid', '613']);
  assert.equal(ttl.status, 0, ttl.stderr);
  assert.deepEqual(refTraceOf(ttl.stderr, 613), ['[-] SID: 613 failed ttl test, 43 < 221 (range start)']);

  const flags = analyzeOurs(log, ['--debug', '--debug-sid', '100205']);
  assert.equal(flags.status, 0, flags.stderr);
  assert.deepEqual(refTraceOf(flags.stderr, 100205), [
    // packet 1: right port, wrong flags
    '[+] SID: 100205, passed match_snort_ip_keywords() tests.',
    '[+] SID: 100205 match_snort_tcp_keywords()',
    '[-] SID: 100205 FIN != SYN',
    // packet 3: matches
    '[+] SID: 100205, passed match_snort_ip_keywords() tests.',
    '[+] SID: 100205 match_snort_tcp_keywords()',
    '[+] packet matched tcp keywords for sid: 100205 (psad_id: 100205)',
    '    "MISC Microsoft SQL Server communication attempt"',
    '[+] assign_sid_dl(): snort_rule_dl assigning SID 100205 a danger level of 2',
  ]);

  // a signature no packet reaches (wrong ports) says nothing
  assert.deepEqual(refTraceOf(analyzeOurs(log, ['--debug', '--debug-sid', '1421']).stderr, 1421), []);

  // as in psad 2.4.6, nothing without --debug; the analysis is the same
  const quiet = analyzeOurs(log, ['--debug-sid', '613']);
  assert.equal(quiet.status, 0, quiet.stderr);
  assert.deepEqual(traceLines(quiet.stderr), []);
  assert.equal(quiet.stdout.replace(/^(\[\+\] timestamp: |    syslog hostname: ).*\n/gm, ''), ttl.stdout.replace(/^(\[\+\] timestamp: |    syslog hostname: ).*\n/gm, ''));
  assert.match(quiet.stdout, /Sid: 100205/);
  assert.deepEqual(traceLines(analyzeOurs(log, ['--verbose']).stderr), []);
  // --debug alone: the matches (SCAN FIN and the SQL Server signature), not the failed tests
  assert.deepEqual(traceLines(analyzeOurs(log, ['--debug']).stderr), [
    '[+] packet matched tcp keywords for sid: 621 (psad_id: 100066)',
    '    "SCAN FIN"',
    '[+] assign_sid_dl(): snort_rule_dl assigning SID 621 a danger level of 2',
    '[+] packet matched tcp keywords for sid: 100205 (psad_id: 100205)',
    '    "MISC Microsoft SQL Server communication attempt"',
    '[+] assign_sid_dl(): snort_rule_dl assigning SID 100205 a danger level of 2',
  ]);
});

test('-A --debug --debug-sid: the same trace lines as psad 2.4.6', { skip: NO_REF }, () => {
  const cases: [string, number][] = [
    [logFile(), 613], [logFile(), 100205],
    [path.join(SCANS, 'ms_sql_server_sig_match'), 100205],
    [path.join(SCANS, 'invalid_icmp_type_code'), 228],
    [path.join(SCANS, 'ipv6_ms_sql_server_sig_match'), 100205],
    [path.join(SCANS, 'syn_sweep'), 207],
  ];
  for (const [log, sid] of cases) {
    const ours = refTraceOf(analyzeOurs(log, ['--debug', '--debug-sid', String(sid)]).stderr, sid);
    const ref = refTraceOf(analyzeRef(log, ['--debug', '--debug-sid', String(sid)]).stderr, sid);
    assert.ok(ref.length > 0, `${log} ${sid}: the reference traces nothing`);
    assert.deepEqual(sorted(ours), sorted(ref), `${path.basename(log)} --debug-sid ${sid}`);
  }
  // without --debug psad 2.4.6 prints none of it either
  assert.deepEqual(refTraceOf(analyzeRef(logFile(), ['--debug-sid', '613']).stderr, 613), []);
});

test('-A --debug --verbose: every signature traced, as psad 2.4.6 does', { skip: NO_REF }, () => {
  for (const name of ['ms_sql_server_sig_match', 'fin_scan_1000_1150', 'invalid_icmp_type_code', 'proto_scan', 'ipv6_tcp_connect_nmap_default_scan']) {
    const log = path.join(SCANS, name);
    const ours = traceLines(analyzeOurs(log, ['--debug', '--verbose']).stderr);
    const ref = traceLines(analyzeRef(log, ['--debug', '--verbose']).stderr);
    assert.ok(ours.length > 0, `${name}: no trace`);
    assert.deepEqual(sorted(ours), sorted(ref), name);
  }
});

test('daemon --debug --debug-sid: the trace on stderr', { skip: process.getuid?.() !== 0 && 'needs root', timeout: 60000 }, async () => {
  const dir = tmpDir('dbgsid-daemon');
  const root = path.join(dir, 'root');
  const messages = path.join(dir, 'messages');
  fs.writeFileSync(messages, '');
  const ovr = path.join(dir, 'o.conf');
  fs.writeFileSync(ovr, [`INSTALL_ROOT ${root};`, `PSAD_CONF_DIR ${path.join(ROOT, 'etc')};`, 'ALERTING_METHODS noemail,nosyslog;',
    'ENABLE_PSADWATCHD N;', 'ENABLE_AUTO_IDS N;', 'ENABLE_SYSLOG_FILE Y;', `IPT_SYSLOG_FILE ${messages};`, 'CHECK_INTERVAL 1;', ''].join('\n'));
  const child = spawn(process.execPath, [PSAD_BIN, ...OUR_CONF, '-O', ovr, '--debug', '--debug-sid', '100205', '--no-fwcheck',
    '--no-netstat', '--no-rdns', '--no-whois'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += d; });
  const waitFor = async (re: RegExp, ms: number) => {
    for (let t = 0; t < ms && !re.test(stderr) && child.exitCode === null; t += 100) await new Promise((r) => setTimeout(r, 100));
    return re.test(stderr);
  };
  try {
    assert.ok(await waitFor(/starting up psad/, 15000), `psad did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 1500));
    fs.appendFileSync(messages, LOG);
    assert.ok(await waitFor(/assigning SID 100205/, 20000), `no trace: ${stderr}`);
    assert.deepEqual(refTraceOf(stderr, 100205).slice(0, 3), [
      '[+] SID: 100205, passed match_snort_ip_keywords() tests.',
      '[+] SID: 100205 match_snort_tcp_keywords()',
      '[-] SID: 100205 FIN != SYN',
    ]);
    assert.ok(!/SID: 613/.test(stderr), 'only the --debug-sid signature is traced');
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    if (child.exitCode === null) child.kill('SIGKILL');
  }
});

// ---------------------------------------------------------------- --use-store-file

const SYN = path.join(SCANS, 'syn_scan_1000_1500');
const FIELDS = ['--CSV-fields', 'src dp'];

/** The .dat without its clock and command line. */
function body(dat: string): string {
  return dat.replace(/^# (Command line|Time stamp):.*\n/gm, '');
}

function gnuplotOurs(cwd: string, args: string[]): RunResult {
  const r = runOurs(['--gnuplot', ...OUR_CONF, ...args], { cwd });
  fs.rmSync(path.dirname(r.root), { recursive: true, force: true });
  return r;
}

const CONSOLE_STORE = (log: string, store: string) => [
  '[+] Entering Gnuplot mode...',
  `[+] Parsing iptables log messages from file: ${log}`,
  `[+] Storing Gnuplot data to: ${store}`,
  '[+] Writing parsed iptables data to: psad_iptables.dat',
  '[+] Writing gnuplot directive file: psad_iptables.gnu',
  '',
].join('\n');

const CONSOLE_RETRIEVE = (store: string) => [
  '[+] Entering Gnuplot mode...',
  `[+] Retrieved Gnuplot array from: ${store}`,
  '[+] Writing parsed iptables data to: psad_iptables.dat',
  '[+] Writing gnuplot directive file: psad_iptables.gnu',
  '',
].join('\n');

test('--gnuplot --use-store-file: stores the records, then plots from the store without the log', { skip: needsShared() }, () => {
  const cwd = tmpDir('store');
  const log = path.join(cwd, 'fw.log');
  fs.copyFileSync(SYN, log);
  const store = path.join(cwd, 'records.store');

  const first = gnuplotOurs(cwd, ['-m', log, ...FIELDS, '--use-store-file', store]);
  assert.equal(first.status, 0, first.stderr);
  assert.equal(first.stdout, CONSOLE_STORE(log, store));
  const stored = fs.readFileSync(store, 'latin1');
  assert.match(stored, /^\{"format":"psad-node gnuplot records","version":1,"fields":\["src","dp"\],"rows":1002,/);
  assert.equal(fs.statSync(store).mode & 0o777, 0o644);
  const dat1 = fs.readFileSync(path.join(cwd, 'psad_iptables.dat'), 'latin1');
  assert.equal(body(dat1).split('\n').filter((l) => /^\d/.test(l)).length, 1002);

  // an empty log: the records come from the store
  fs.writeFileSync(log, '');
  const second = gnuplotOurs(cwd, ['-m', log, ...FIELDS, '--use-store-file', store]);
  assert.equal(second.status, 0, second.stderr);
  assert.equal(second.stdout, CONSOLE_RETRIEVE(store));
  assert.equal(body(fs.readFileSync(path.join(cwd, 'psad_iptables.dat'), 'latin1')), body(dat1));
  assert.equal(fs.readFileSync(store, 'latin1'), stored, 'the store is not rewritten');

  // no log at all
  fs.rmSync(log);
  const third = gnuplotOurs(cwd, ['-m', log, ...FIELDS, '--use-store-file', store]);
  assert.equal(third.status, 0, third.stderr);
  assert.equal(body(fs.readFileSync(path.join(cwd, 'psad_iptables.dat'), 'latin1')), body(dat1));

  // without the option the empty log plots nothing
  fs.writeFileSync(log, '');
  const plain = gnuplotOurs(cwd, ['-m', log, ...FIELDS]);
  assert.equal(plain.status, 0, plain.stderr);
  assert.match(plain.stdout, /Parsed 0 iptables log messages/);
  assert.notEqual(body(fs.readFileSync(path.join(cwd, 'psad_iptables.dat'), 'latin1')), body(dat1));
});

test('--gnuplot --use-store-file: console and .dat as psad 2.4.6', { skip: NO_REF }, () => {
  const run = (who: 'ours' | 'ref', emptyLog: boolean) => {
    const cwd = tmpDir(`store-${who}`);
    const log = path.join(cwd, 'fw.log');
    fs.copyFileSync(SYN, log);
    const store = path.join(cwd, 'records.store');
    const args = ['-m', log, ...FIELDS, '--use-store-file', store];
    const go = () => {
      if (who === 'ours') return gnuplotOurs(cwd, args);
      const r = runReference(['--gnuplot', ...REF_CONF, ...args], { cwd });
      fs.rmSync(path.dirname(r.root), { recursive: true, force: true });
      return r;
    };
    const a = go();
    const datA = body(fs.readFileSync(path.join(cwd, 'psad_iptables.dat'), 'latin1'));
    if (emptyLog) fs.writeFileSync(log, '');
    const b = go();
    const datB = body(fs.readFileSync(path.join(cwd, 'psad_iptables.dat'), 'latin1'));
    return { a, b, datA, datB, log, store };
  };
  const ours = run('ours', true);
  const ref = run('ref', true);
  assert.equal(ref.a.status, 0);
  assert.equal(ref.a.stdout, CONSOLE_STORE(ref.log, ref.store));
  assert.equal(ours.a.stdout.replace(ours.log, 'LOG').split(ours.store).join('STORE'),
    ref.a.stdout.replace(ref.log, 'LOG').split(ref.store).join('STORE'));
  assert.equal(ours.datA, ref.datA);
  // second run: the same .dat from the store
  assert.equal(ref.b.status, 0);
  assert.equal(ref.datB, ref.datA);
  assert.equal(ours.datB, ref.datB);
  // psad 2.4.6 still announces the (unread) log; this port does not
  assert.equal(ref.b.stdout, CONSOLE_RETRIEVE(ref.store).replace('\n', `\n[+] Parsing iptables log messages from file: ${ref.log}\n`));
  assert.equal(ours.b.stdout, CONSOLE_RETRIEVE(ours.store));
});

test('--gnuplot --use-store-file: a Storable, damaged or unreadable store: message, exit 1, nothing written', { skip: needsShared() }, () => {
  const cwd = tmpDir('store-bad');
  const log = path.join(cwd, 'fw.log');
  fs.copyFileSync(SYN, log);
  const good = path.join(cwd, 'good.store');
  assert.equal(gnuplotOurs(cwd, ['-m', log, ...FIELDS, '--use-store-file', good]).status, 0);
  const goodText = fs.readFileSync(good, 'latin1');
  const dat = path.join(cwd, 'psad_iptables.dat');
  const gnu = path.join(cwd, 'psad_iptables.gnu');

  // psad 2.4.6's Storable header ("pst0", version, byte order)
  const perl = Buffer.concat([Buffer.from('pst0\x04\x0b\x0812345678\x04\x08\x08\x08\x02', 'latin1'), Buffer.alloc(40, 1)]);
  const cases: [string, Buffer | 'dir', RegExp][] = [
    ['perl.store', perl, /perl\.store is a Perl Storable file \(written by psad 2\.4\.6\), which this version does not read/],
    ['truncated.store', Buffer.from(goodText.slice(0, goodText.length >> 1), 'latin1'), /truncated\.store is not a usable psad-node gnuplot store file \(it is not JSON, or it is truncated\)/],
    ['garbage.store', Buffer.from('garbage\n'), /garbage\.store is not a usable psad-node gnuplot store file/],
    ['other.store', Buffer.from('{"format":"something else"}'), /other\.store is not a usable psad-node gnuplot store file \(no psad-node store header\)/],
    ['index.store', Buffer.from(goodText.replace(/"ids":\[\d+/, '"ids":[99999'), 'latin1'), /index\.store is not a usable .*bad value index in record 1/],
    ['dir.store', 'dir', /Could not read the --use-store-file .*dir\.store: Is a directory/],
  ];
  for (const [name, content, re] of cases) {
    const f = path.join(cwd, name);
    if (content === 'dir') fs.mkdirSync(f);
    else fs.writeFileSync(f, content);
    fs.writeFileSync(dat, 'old dat\n');
    fs.writeFileSync(gnu, 'old gnu\n');
    const r = gnuplotOurs(cwd, ['-m', log, ...FIELDS, '--use-store-file', f]);
    assert.equal(r.status, 1, `${name}: ${r.stderr}`);
    assert.match(r.stderr, re, name);
    assert.ok(!/internal error|at Object|\n\s+at /.test(r.stderr), `${name}: ${r.stderr}`);
    assert.equal(fs.readFileSync(dat, 'latin1'), 'old dat\n', `${name}: .dat untouched`);
    assert.equal(fs.readFileSync(gnu, 'latin1'), 'old gnu\n', `${name}: .gnu untouched`);
    if (content !== 'dir') assert.deepEqual(fs.readFileSync(f), content, `${name}: store untouched`);
  }

  // a store of other fields would plot the wrong columns
  const r = gnuplotOurs(cwd, ['-m', log, '--CSV-fields', 'timestamp dp', '--use-store-file', good]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /good\.store holds the records of the fields "src dp", not of "timestamp dp"/);
  assert.equal(fs.readFileSync(good, 'latin1'), goodText);
});

test('--gnuplot --use-store-file: psad 2.4.6\'s own store is refused (not parsed)', { skip: NO_REF }, () => {
  const cwd = tmpDir('store-perl');
  const store = path.join(cwd, 'perl.store');
  const ref = runReference(['--gnuplot', ...REF_CONF, '-m', SYN, ...FIELDS, '--use-store-file', store], { cwd });
  fs.rmSync(path.dirname(ref.root), { recursive: true, force: true });
  assert.equal(ref.status, 0);
  assert.equal(fs.readFileSync(store).subarray(0, 4).toString('latin1'), 'pst0');
  fs.rmSync(path.join(cwd, 'psad_iptables.dat'));
  const r = gnuplotOurs(cwd, ['-m', SYN, ...FIELDS, '--use-store-file', store]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /is a Perl Storable file/);
  assert.ok(!fs.existsSync(path.join(cwd, 'psad_iptables.dat')));
});
