import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { spawn, spawnSync, ChildProcess } from 'child_process';
import { PSAD_BIN, ROOT, tmpDir } from '../helpers/paths';
import { REFERENCE_PSAD } from '../helpers/reference';
import { miraiLog, toperaLog, synSweepLog } from '../helpers/debug-logs';
import { compareDebug } from '../helpers/debug-compare';
import { needsReference } from '../helpers/requires';

/**
 * -U/--USR1: the running daemon writes PSAD_DIR/scan_hash.PID, `psad -U`
 * prints it. The file has psad 2.4.6's layout: three Data::Dumper dumps
 * (passive OS fingerprinting, danger levels, scan table) under psad's
 * headings. Both daemons are fed the same lines and their dumps are read by
 * Perl itself (each $VAR1 evaluated) and compared as data.
 */
const ROOT_ONLY = process.getuid?.() !== 0 && 'the daemon needs root';
const PERL = spawnSync('perl', ['-MJSON::PP', '-e', '1']).status === 0;

const LINES = [
  synSweepLog(), toperaLog(), miraiLog(),
  // posf (no TCP options), an invalid ICMP type, a UDP scan, a signature hit
  ...Array.from({ length: 6 }, (_, i) => `Nov 24 21:10:0${i} vm kernel: [ 3000.0] DROP IN=vethfw OUT= MAC=1e:ac:a4:97:71:4b:5a:93:3a:ca:8d:bf:08:00 SRC=10.77.9.9 DST=10.77.0.1 LEN=60 TOS=0x10 PREC=0x00 TTL=64 ID=${4000 + i} DF PROTO=TCP SPT=40000 DPT=${1430 + i} WINDOW=5840 RES=0x00 SYN URGP=0 \n`),
  'Nov 24 21:11:00 vm kernel: [ 3001.0] DROP IN=vethfw OUT= MAC=1e:ac:a4:97:71:4b:5a:93:3a:ca:8d:bf:08:00 SRC=10.77.9.8 DST=10.77.0.1 LEN=28 TOS=0x00 PREC=0x00 TTL=64 ID=1 PROTO=ICMP TYPE=99 CODE=0 \n',
  ...Array.from({ length: 6 }, (_, i) => `Nov 24 21:12:0${i} vm kernel: [ 3002.0] DROP IN=vethfw OUT= MAC=1e:ac:a4:97:71:4b:5a:93:3a:ca:8d:bf:08:00 SRC=10.77.9.7 DST=10.77.0.${1 + (i % 2)} LEN=28 TOS=0x00 PREC=0x00 TTL=40 ID=${7 + i} PROTO=UDP SPT=5353 DPT=${1900 + i} LEN=8 \n`),
].join('');

interface Daemon {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  root: string;
  conf: string;
  ovr: string;
  messages: string;
  bin: string[];
}

async function startDaemon(who: 'ours' | 'ref', mode = '--no-daemon'): Promise<Daemon> {
  const dir = tmpDir(`usr1-${who}`);
  const root = path.join(dir, 'root');
  for (const d of ['var/log', 'var/run', 'var/lib']) fs.mkdirSync(path.join(root, d), { recursive: true });
  const messages = path.join(dir, 'messages');
  fs.writeFileSync(messages, '');
  const ovr = path.join(dir, 'o.conf');
  fs.writeFileSync(ovr, [`INSTALL_ROOT ${root};`, `PSAD_CONF_DIR ${who === 'ours' ? path.join(ROOT, 'etc') : '/etc/psad'};`,
    'ALERTING_METHODS noemail,nosyslog;', 'ENABLE_PSADWATCHD N;', 'ENABLE_AUTO_IDS N;', 'ENABLE_SYSLOG_FILE Y;',
    `IPT_SYSLOG_FILE ${messages};`, 'CHECK_INTERVAL 1;', 'ENABLE_FW_LOGGING_CHECK N;', ''].join('\n'));
  const conf = who === 'ours' ? path.join(ROOT, 'etc', 'psad.conf') : '/etc/psad/psad.conf';
  const bin = who === 'ours' ? [process.execPath, PSAD_BIN] : [REFERENCE_PSAD];
  const child = spawn(bin[0], [...bin.slice(1), '-c', conf, '-O', ovr, mode, '--no-netstat', '--no-rdns', '--no-whois'],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  const d: Daemon = { child, root, conf, ovr, messages, bin, stdout: '', stderr: '' };
  child.stdout!.setEncoding('latin1').on('data', (t: string) => { d.stdout += t; });
  child.stderr!.setEncoding('latin1').on('data', (t: string) => { d.stderr += t; });
  const pidFile = path.join(root, 'var/run/psad/psad.pid');
  for (let t = 0; t < 150 && !fs.existsSync(pidFile); t++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(fs.existsSync(pidFile), `${who}: psad did not start`);
  await new Promise((r) => setTimeout(r, 2500));
  return d;
}

async function stop(d: Daemon): Promise<void> {
  d.child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  if (d.child.exitCode === null) d.child.kill('SIGKILL');
  fs.rmSync(path.dirname(d.root), { recursive: true, force: true });
}

/** `psad -U` of that program: its output and the dump file. */
function usr1(d: Daemon): { stdout: string; file: string } {
  const r = spawnSync(d.bin[0], [...d.bin.slice(1), '-U', '-c', d.conf, '-O', d.ovr], { encoding: 'latin1', timeout: 60000 });
  assert.equal(r.status, 0, r.stderr);
  const m = /Results available in: (\S+)/.exec(r.stdout);
  assert.ok(m, r.stdout);
  return { stdout: r.stdout, file: fs.readFileSync(m[1], 'latin1') };
}

/** The three dumps of a scan_hash file, evaluated by Perl and given back as JSON (sorted keys). */
function perlData(file: string): unknown {
  const script = 'use JSON::PP; local $/; my $t = <STDIN>; my @p = split /^\\[\\+\\] [^\\n]*:\\n/m, $t; shift @p; my @o;'
    + ' for my $x (@p) { my $VAR1; eval $x; die $@ if $@; push @o, $VAR1 } print JSON::PP->new->canonical->encode(\\@o);';
  const r = spawnSync('perl', ['-e', script], { input: file, encoding: 'latin1' });
  assert.equal(r.status, 0, r.stderr);
  // wall-clock times (scan start, signature match) differ between the runs; is_port_sweep marks the
  // destination whose danger level rose first in psad's hash walk of a sweep (the port: the first seen)
  return JSON.parse(r.stdout.replace(/"(s_time|time)":\d+/g, '"$1":"<now>"').replace(/"is_port_sweep":1,/g, ''));
}

test('-U: scan_hash.PID in psad\'s layout, printed by psad -U', { skip: ROOT_ONLY || (!PERL && 'perl is not installed'), timeout: 120000 }, async () => {
  const d = await startDaemon('ours');
  try {
    fs.appendFileSync(d.messages, LINES);
    await new Promise((r) => setTimeout(r, 3000));
    const { stdout, file } = usr1(d);
    assert.match(stdout, /^\[\+\] USR1 signal sent to pid: \d+$/m);
    assert.ok(stdout.includes(file), 'psad -U prints the file');
    const heads = file.match(/^\[\+\] .*$/gm);
    assert.deepEqual(heads, ['[+] Passive OS fingerprinting hash:', '[+] Scan danger level hash:', '[+] Main scan hash:']);
    assert.match(file, /^\$VAR1 = \{\n {10}'10\.77\.0\.2' => 1,$/m);
    assert.match(file, /^ {10}'10\.77\.9\.9' => \{\n {27}'ctr' => 6,\n {27}'id' => \[\n {37}4000,$/m);
    const [posf, dl, scan] = perlData(file) as [Record<string, unknown>, Record<string, number>, Record<string, Record<string, Record<string, unknown>>>];
    assert.deepEqual(Object.keys(posf), ['10.77.9.9']);
    assert.equal(dl['fd77:0000:0000:0000:0000:0000:0000:0002'], 2);
    const pair = scan['10.77.9.8']['10.77.0.1'];
    // the invalid ICMP type was reported (and, SHOW_ALL_SIGNATURES N, dropped) as by psad 2.4.6
    assert.deepEqual(pair.icmp, {});
    assert.deepEqual(pair.chain, { INPUT: { vethfw: { icmp: 1 } } });
  } finally {
    await stop(d);
  }
});

test('-U: the same tables as psad 2.4.6 for the same lines', { skip: ROOT_ONLY || (!PERL && 'perl is not installed') || (needsReference()), timeout: 120000 }, async () => {
  const dumps: unknown[] = [];
  for (const who of ['ours', 'ref'] as const) {
    const d = await startDaemon(who);
    try {
      fs.appendFileSync(d.messages, LINES);
      await new Promise((r) => setTimeout(r, 3000));
      dumps.push(perlData(usr1(d).file));
    } finally {
      await stop(d);
    }
  }
  // psad's %posf also gets an empty {} for a source whose SYN had no TCP options or whose alert had
  // no p0f guess (Perl autovivification); the port lists the sources it has observations of (README)
  const [refPosf, ...refRest] = dumps[1] as [Record<string, object>, ...unknown[]];
  const empty = Object.keys(refPosf).filter((k) => !Object.keys(refPosf[k]).length);
  assert.deepEqual(empty, ['10.77.0.2', '10.77.0.5', '10.77.9.8', 'fd77:0000:0000:0000:0000:0000:0000:0002']);
  for (const k of empty) delete refPosf[k];
  assert.deepEqual(dumps[0], [refPosf, ...refRest]);
});

test('daemon --debug: the per-packet trace of psad 2.4.6 for the lines of an interval', { skip: ROOT_ONLY || (needsReference()), timeout: 120000 }, async () => {
  const runs: { stdout: string; stderr: string }[] = [];
  for (const who of ['ours', 'ref'] as const) {
    const d = await startDaemon(who, '--debug');
    try {
      fs.appendFileSync(d.messages, LINES);
      for (let t = 0; t < 100 && !/scan_logr\(\): source IP: 10\.77\.9\.9/.test(d.stderr); t++) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 1500));
    } finally {
      await stop(d);
    }
    // the batch: from its check_scan() on, without the lines of the loop around it
    const i = d.stderr.indexOf('[+] check_scan()...');
    assert.ok(i >= 0, `${who}: no batch in ${d.stderr.slice(-3000)}`);
    const stderr = d.stderr.slice(i).split('\n').filter((l) => !/^\[\+\] (MAIN: number of new packets|syslog msg: (?!scan detected|src: |auto-assigned|broken))/.test(l)).join('\n');
    runs.push({ stdout: d.stdout, stderr });
  }
  const [ours, ref] = runs;
  assert.match(ours.stderr, /^\[\+\] valid packet: 10\.77\.9\.7 \(5353\) -> 10\.77\.0\.2 \(1905\) udp$/m);
  assert.match(ours.stderr, /^\[\+\] posf\(\): {2}10\.77\.9\.9 {2}LEN: 60, TOS: 0x10, TTL: 64, ID: 4005, WIN: 5840$/m);
  assert.match(ours.stderr, /^ {8}bad icmp type$/m);
  const diffs = compareDebug(ours, ref);
  assert.deepEqual(diffs, [], diffs.join('\n'));
});
