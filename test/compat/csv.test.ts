import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { REFERENCE, ROOT, tmpDir, writeOverride } from '../helpers/paths';
import { runOurs, runPsad, RunResult } from '../helpers/run';
import { runReference } from '../helpers/reference';
import { needsReferenceAndShared, needsShared, sharedFiles } from '../helpers/requires';

/**
 * --CSV against psad 2.4.6 on the upstream test logs: the same bytes for
 * every field set, criterion, regex and line window, except where the port
 * fixes a 2.4.6 defect (asserted explicitly): --CSV-max-lines N prints N
 * rows (2.4.6: N-1), --CSV-start-line works without --CSV-end-line, and
 * --plot-separator takes its argument. --CSV-unique-lines prints in the
 * order first seen (2.4.6: Perl hash order, random).
 */
const SKIP = needsReferenceAndShared();
/** the tests that run psad-node alone still read the upstream test logs */
const SHARED = needsShared();
const LOGS_DIR = path.join(REFERENCE, 'test/scans/iptables');
const LOGS = sharedFiles('test/scans/iptables');
const CONF = ['-c', '/etc/psad/psad.conf'];
const OUR_CONF = ['-c', path.join(ROOT, 'etc', 'psad.conf')];

const ALL_FIELDS = 'chain d_obj dp dshield_str dst dst_mac flags flow_label frag_bit fwsnort_estab fwsnort_rnum '
  + 'fwsnort_sid hop_limit icmp_id icmp_seq icode intf ip_id ip_len ip_opts is_ipv6 is_masscan is_mirai is_port_sweep '
  + 'is_topera itype log_prefix proto s_obj sp src src_mac syslog_host tc tcp_ack tcp_opts tcp_seq timestamp tos ttl '
  + 'udp_len win';

/** Every upstream test log in one file (both programs read the same lines in the same order). */
let allFile = '';
function allLogs(): string {
  if (allFile) return allFile;
  const f = allFile = path.join(tmpDir('csv-all'), 'all.log');
  fs.writeFileSync(f, Buffer.concat(LOGS.map((l) => fs.readFileSync(path.join(LOGS_DIR, l)))));
  return f;
}
const MULTI = path.join(LOGS_DIR, 'syn_scan_1000_1500_multi_dst');

function both(args: string[]): { ref: RunResult; ours: RunResult } {
  const ref = runReference(['--CSV', ...CONF, ...args]);
  const ours = runOurs(['--CSV', ...CONF, ...args]);
  fs.rmSync(path.dirname(ref.root), { recursive: true, force: true });
  fs.rmSync(path.dirname(ours.root), { recursive: true, force: true });
  return { ref, ours };
}

function same(args: string[], minRows = 1): string {
  const { ref, ours } = both(args);
  assert.equal(ref.status, 0, ref.stderr);
  assert.equal(ours.status, 0, ours.stderr);
  assert.equal(ours.stderr, '');
  assert.ok(ref.stdout.split('\n').length - 1 >= minRows, `the reference printed fewer than ${minRows} rows`);
  assert.equal(ours.stdout, ref.stdout);
  return ours.stdout;
}

const rows = (text: string) => text.split('\n').slice(0, -1);

test('default fields of every test log: the same bytes as psad 2.4.6', { skip: SKIP }, () => {
  const out = same(['-m', allLogs()], 8000);
  assert.match(out, /^Mar 11 20:35:11, 192\.168\.10\.55, 192\.168\.10\.1, 56247, 1025, tcp, SYN, 44, eth1, INPUT, DROP$/m);
});

test('every packet field of every test log: the same bytes as psad 2.4.6', { skip: SKIP }, () => {
  const out = same(['-m', allLogs(), '--CSV-fields', ALL_FIELDS], 8000);
  // the address objects print as address/length, IPv6 in upper case without leading zeros
  assert.match(out, /, 2001:DB8:0:F101:0:0:0:2\/128, /);
  assert.match(out, /, 192\.168\.10\.55\/32, /);
});

for (const log of ['ipv6_tcp_connect_nmap_default_scan', 'proto_scan', 'syslog_time_fmt1.log', 'ack_scan_1000_1150']) {
  test(`every packet field of ${log} read alone (parser state from the first line): as psad 2.4.6`, { skip: SKIP }, () => {
    same(['-m', path.join(LOGS_DIR, log), '--CSV-fields', ALL_FIELDS], 0);
  });
}

const CRITERIA: [string, number][] = [
  ['src dst:192.168.10.0/24 dp:>1400', 100],
  ['src dst:not192.168.10.1 dp:<1010', 10],
  ['src dst:192.168.10.0/255.255.255.128 dp:1025', 2],
  ['SRC DST:\'192.168.10.2\' DPT:1025, PROTO TTL LEN WIN IN TOS ID SEQ TYPE CODE OUT SPT', 1],
  ['src dst:192.168.10.232 dp:not1025 ttl:/^4/', 100],
  ['timestamp dp:>1023 flags:/SYN/ log_prefix:\'DROP\'', 1000],
  ['src ttl:<50 win:not1024', 100],
  ['src:10.0.0.0/8 dp', 0],
];
for (const [fields, min] of CRITERIA) {
  test(`--CSV-fields "${fields}": the same rows as psad 2.4.6`, { skip: SKIP }, () => {
    same(['-m', MULTI, '--CSV-fields', fields], min);
  });
}

test('IPv6 criteria (address, network, negation): as psad 2.4.6', { skip: SKIP }, () => {
  const f = path.join(LOGS_DIR, 'ipv6_tcp_connect_nmap_default_scan');
  same(['-m', f, '--CSV-fields', 'src:2001:db8:0:f101::/64 dst:2001:db8:0:f101::1 dp:<100'], 10);
  same(['-m', f, '--CSV-fields', 'src dst:not2001:db8:0:f101::1 proto'], 1);
});

test('--CSV-regex and --CSV-neg-regex select whole log lines as in psad 2.4.6', { skip: SKIP }, () => {
  same(['-m', MULTI, '--CSV-regex', 'DPT=11\\d\\d '], 100);
  same(['-m', MULTI, '--CSV-regex', 'TTL=5', '--CSV-neg-regex', 'DST=192.168.10.1 '], 100);
  same(['-m', allLogs(), '--CSV-neg-regex', 'PROTO=TCP', '--CSV-fields', 'proto src dst itype'], 100);
  assert.equal(same(['-m', MULTI, '--CSV-neg-regex', 'DPT=1\\d\\d\\d '], 0), '');
});

test('-i/--interface restricts the rows as in psad 2.4.6', { skip: SKIP }, () => {
  same(['-m', allLogs(), '-i', 'eth0', '--CSV-fields', 'intf src dp'], 100);
});

test('--CSV-unique-lines: the same set of lines as psad 2.4.6, in the order first seen', { skip: SKIP }, () => {
  for (const fields of ['src dst dp', 'proto src']) {
    const { ref, ours } = both(['-m', allLogs(), '--CSV-fields', fields, '--CSV-unique-lines']);
    assert.equal(ours.status, 0, ours.stderr);
    assert.deepEqual([...rows(ours.stdout)].sort(), [...rows(ref.stdout)].sort(), fields);
    assert.equal(new Set(rows(ours.stdout)).size, rows(ours.stdout).length);
    const all = rows(runOurs(['--CSV', ...OUR_CONF, '-m', allLogs(), '--CSV-fields', fields]).stdout);
    assert.deepEqual(rows(ours.stdout), [...new Set(all)], `${fields}: first-seen order`);
  }
});

test('--CSV-start-line and --CSV-end-line: the same window as psad 2.4.6 (end line not included)', { skip: SKIP }, () => {
  const out = same(['-m', MULTI, '--CSV-start-line', '5', '--CSV-end-line', '20'], 15);
  assert.equal(rows(out).length, 15);
  assert.equal(rows(same(['-m', MULTI, '--CSV-end-line', '20'], 19)).length, 19);
});

test('--CSV-start-line alone reads to the end of the file (psad 2.4.6 dies: "Cannot have start line > end line.")', { skip: SKIP }, () => {
  const { ref, ours } = both(['-m', MULTI, '--CSV-start-line', '4000']);
  assert.notEqual(ref.status, 0);
  assert.match(ref.stderr, /Cannot have start line > end line\./);
  assert.equal(ours.status, 0, ours.stderr);
  const lines = fs.readFileSync(MULTI, 'latin1').split('\n').length;
  const window = both(['-m', MULTI, '--CSV-start-line', '4000', '--CSV-end-line', String(lines + 1)]).ref;
  assert.equal(rows(ours.stdout).length, 9);
  assert.equal(ours.stdout, window.stdout);
});

test('--CSV-max-lines N prints N rows (psad 2.4.6 prints N-1)', { skip: SKIP }, () => {
  for (const n of [1, 10]) {
    const { ref, ours } = both(['-m', MULTI, '--CSV-max-lines', String(n)]);
    assert.equal(rows(ref.stdout).length, n - 1);
    assert.equal(rows(ours.stdout).length, n);
    const next = both(['-m', MULTI, '--CSV-max-lines', String(n + 1)]).ref;
    assert.equal(ours.stdout, next.stdout, `our ${n} rows are the reference's first ${n}`);
  }
  const crit = both(['-m', MULTI, '--CSV-fields', 'dst:192.168.10.45 dp:>1200', '--CSV-max-lines', '3']);
  assert.equal(rows(crit.ours.stdout).length, 3);
  assert.equal(crit.ours.stdout, both(['-m', MULTI, '--CSV-fields', 'dst:192.168.10.45 dp:>1200', '--CSV-max-lines', '4']).ref.stdout);
});

test('--plot-separator takes a string (psad 2.4.6 takes no argument and uses "1")', { skip: SKIP }, () => {
  const ours = runOurs(['--CSV', ...OUR_CONF, '-m', MULTI, '--CSV-fields', 'src dst dp', '--plot-separator', ';', '--CSV-max-lines', '2']);
  assert.equal(ours.status, 0, ours.stderr);
  assert.equal(ours.stdout, '192.168.10.55;192.168.10.1;1025\n192.168.10.55;192.168.10.1;1153\n');
  const ref = runReference(['--CSV', ...CONF, '-m', MULTI, '--CSV-fields', 'src dst dp', '--plot-separator', '--CSV-max-lines', '3']);
  assert.equal(ref.stdout, '192.168.10.551192.168.10.111025\n192.168.10.551192.168.10.111153\n');
});

test('--CSV-stdin reads the log from standard input', { skip: SKIP }, () => {
  const input = fs.readFileSync(path.join(LOGS_DIR, 'udp_scan_1000_1150'), 'latin1');
  const ref = runReference(['--CSV', ...CONF, '--CSV-stdin', '--CSV-fields', 'src dp udp_len'], { input });
  const ours = runOurs(['--CSV', ...CONF, '--CSV-stdin', '--CSV-fields', 'src dp udp_len'], { input });
  assert.equal(ours.status, 0, ours.stderr);
  assert.equal(rows(ours.stdout).length, 302);
  assert.equal(ours.stdout, ref.stdout);
});

test('without -m the log is IPT_SYSLOG_FILE', { skip: SHARED }, () => {
  const ours = runOurs(['--CSV', ...OUR_CONF, '--CSV-fields', 'src dp', '--CSV-max-lines', '1'],
    { extraConf: `IPT_SYSLOG_FILE ${path.join(LOGS_DIR, 'syn_scan_1000_1500')};\n` });
  assert.equal(ours.status, 0, ours.stderr);
  assert.equal(ours.stdout, '192.168.10.55, 1025\n');
});

test('FW_SEARCH_ALL N: only lines with a FW_MSG_SEARCH string (psad 2.4.6 prints an all-default row for the others)', { skip: SKIP }, () => {
  const dir = tmpDir('csv-search');
  const main = path.join(dir, 'psad.conf');
  fs.writeFileSync(main, fs.readFileSync('/etc/psad/psad.conf', 'latin1')
    .replace(/^FW_SEARCH_ALL\s.*$/m, 'FW_SEARCH_ALL N;').replace(/^FW_MSG_SEARCH\s+DROP;/m, 'FW_MSG_SEARCH BLOCK;'));
  const lines = fs.readFileSync(path.join(LOGS_DIR, 'syn_scan_1000_1500'), 'latin1').split('\n').slice(0, 3);
  const log = path.join(dir, 'in.log');
  fs.writeFileSync(log, `${lines.join('\n')}\n${lines[0].replace(' DROP ', ' BLOCK ')}\n`);
  const args = ['--CSV', '-c', main, '-m', log];
  const ref = runReference(args);
  const ours = runOurs(args);
  const blockRow = 'Mar 11 20:35:11, 192.168.10.55, 192.168.10.1, 56247, 1025, tcp, SYN, 44, eth1, INPUT, BLOCK';
  assert.deepEqual(rows(ref.stdout), [', , , -1, -1, , -1, -1, , , ', ', , , -1, -1, , -1, -1, , , ', ', , , -1, -1, , -1, -1, , , ', blockRow]);
  assert.equal(ours.status, 0, ours.stderr);
  assert.deepEqual(rows(ours.stdout), [blockRow]);
});

function noTrace(r: RunResult): void {
  assert.doesNotMatch(r.stderr, /\n\s+at /, r.stderr);
  assert.doesNotMatch(r.stderr, /internal error/);
}

test('bad input: an unknown field, a bad criterion, invalid regexes: a clear message, exit 1, no output', { skip: SHARED }, () => {
  const cases: [string[], RegExp][] = [
    [['--CSV-fields', 'src foo'], /^\[\*\] foo is not a valid packet field; valid fields are:\n {4}chain\n(?: {4}\w+\n)+/],
    [['--CSV-fields', 'src dp:abc'], /^\[\*\] Unrecognized value for dp$/m],
    [['--CSV-fields', 'src:/(/ dp'], /^\[\*\] Invalid regular expression for src: .*Unterminated group/m],
    [['--CSV-regex', '('], /^\[\*\] The --CSV-regex argument "\(" is not a valid regular expression: .*Unterminated group/m],
    [['--CSV-neg-regex', '[a'], /^\[\*\] The --CSV-neg-regex argument "\[a" is not a valid regular expression/m],
    [['--CSV-start-line', '10', '--CSV-end-line', '5'], /^\[\*\] Cannot have start line > end line\.$/m],
    [['--CSV-fields', 'dp:count sp:countuniq'], /^\[\*\] Counts against multiple fields are not supported\.$/m],
    [['--CSV-max-lines', 'x'], /^Value "x" invalid for option CSV-max-lines \(number expected\)\n\[\*\] See 'psad -h'/],
  ];
  for (const [args, re] of cases) {
    const r = runOurs(['--CSV', ...OUR_CONF, '-m', MULTI, ...args]);
    assert.equal(r.status, 1, args.join(' '));
    assert.match(r.stderr, re, args.join(' '));
    assert.equal(r.stdout, '', args.join(' '));
    noTrace(r);
  }
  const missing = runOurs(['--CSV', ...OUR_CONF, '-m', '/nonexistent/psad.log']);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /^\[\*\] Could not open \/nonexistent\/psad\.log: No such file or directory$/m);
});

test('a large log is streamed: 125 MB of log through a 64 MB heap', { skip: SHARED, timeout: 300000 }, () => {
  const dir = tmpDir('csv-big');
  const log = path.join(dir, 'big.log');
  const base = fs.readFileSync(path.join(LOGS_DIR, 'syn_scan_1000_1500'));
  const fd = fs.openSync(log, 'w');
  for (let i = 0; i < 500; i++) fs.writeSync(fd, base);
  fs.closeSync(fd);
  const r = runPsad(['--CSV', ...OUR_CONF, '-O', writeOverride(dir), '-m', log, '--CSV-fields', 'dp', '--CSV-unique-lines'],
    { env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=64' } });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(rows(r.stdout).length, 501);
  fs.rmSync(dir, { recursive: true, force: true });
});
