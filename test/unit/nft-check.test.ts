import { test, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { FwCheckOptions, RunFn, fwCheck } from '../../src/fwcheck/fwcheck';
import { fwAnalyzeMain } from '../../src/pipeline/fwcheck-run';
import { baseChains, hasNativeBaseChains, nftCheck, parseRuleset, ruleText } from '../../src/fwcheck/nft-check';
import { loadConfig } from '../../src/config/config';
import { ROOT, tmpDir, writeOverride } from '../helpers/paths';

/**
 * The nftables firewall check on real `nft -j list ruleset` output: the
 * rulesets of test/fixtures/nft/rulesets/*.nft loaded by nft 1.0.6 in a
 * namespace (capture.sh), and an iptables-nft ruleset.
 */

const HOST = 'fwtest';
const CONF = '/etc/psad/psad.conf';
const RS = path.join(ROOT, 'test', 'fixtures', 'nft', 'rulesets');
const json = (name: string) => fs.readFileSync(path.join(RS, `${name}.json`), 'utf8');
const dir = tmpDir('nft-check-unit');
const FWD0 = path.join(dir, 'ip_forward0');
fs.writeFileSync(FWD0, '0\n');
const dirs = [dir];
after(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function opts(over: Partial<FwCheckOptions> = {}): FwCheckOptions {
  return {
    searchAll: true, fwSearch: ['DROP'], hostname: HOST, ipv6: true, iptables: '/usr/sbin/iptables', ip6tables: '/usr/sbin/ip6tables',
    procForwardFile: FWD0, ifcfgtype: 'iproute2', configFile: CONF, syslogDaemon: 'syslogd',
    run: () => {
      throw new Error('no command may run here');
    },
    ...over,
  };
}

const check = (name: string, fwd: boolean, over: Partial<FwCheckOptions> = {}) => nftCheck(opts(over), json(name), () => fwd);

const SUCCESS =
  `[+] The nftables ruleset on ${HOST} will log and block unwanted\n` +
  '    packets in both the input and forward hooks.  Firewall config success!\n';
/** forwarding off: only the input hook is checked, and only it is named */
const SUCCESS_INPUT =
  `[+] The nftables ruleset on ${HOST} will log and block unwanted\n` +
  '    packets in the input hook.  Firewall config success!\n';

const STMT = 'log prefix "DROP " flags ip options flags tcp options';
const helpLast = (hook: string, chain: string) =>
  `[-] You may just need to add a log statement to the '${hook}' hook\n` +
  `    of the nftables ruleset on ${HOST}, after the rules that accept wanted packets,\n` +
  `    e.g. as the last rule of ${chain}:\n\n        nft add rule ${chain} ${STMT}\n\n`;
const helpNone = (hook: string) =>
  `[-] You may just need to add a log statement to the '${hook}' hook\n` +
  `    of the nftables ruleset on ${HOST}, after the rules that accept wanted packets,\n` +
  `    there is no base chain on the ${hook} hook: make one (type filter hook ${hook}\n` +
  `    priority filter) whose last rule is the log statement:\n\n        ${STMT}\n\n`;
const noBase = (hook: string, fam: string) =>
  `[-] The nftables ruleset on ${HOST} has no base chain on the ${hook} hook for\n    ${fam} packets, so nothing there logs them for psad.\n\n`;

test('the rulesets are real nft JSON', () => {
  const rs = parseRuleset(json('good'));
  assert.equal(rs.version, '1.0.6');
  assert.deepEqual(baseChains(rs, 'input', 4).map((c) => `${c.family} ${c.table} ${c.name} ${c.prio}`), ['inet filter input 0']);
  // psad's own table is not part of the check
  assert.ok(rs.chains.has('inet psad PSAD_BLOCK_INPUT'));
  assert.equal(ruleText(rs.chains.get('inet filter input')!.rules[0]), 'ct state established,related accept');
  assert.equal(ruleText(rs.chains.get('inet filter input')!.rules[1]), 'iif "lo" accept');
  assert.equal(ruleText(rs.chains.get('inet filter input')!.rules[4]), 'limit rate 100/second log prefix "DROP " flags tcp options,ip options');
  assert.throws(() => parseRuleset('{"foo": 1}'), /not the JSON output of nft/);
});

test('good ruleset: input and forward, IPv4 and IPv6, both modes', () => {
  for (const searchAll of [true, false]) {
    const r = check('good', true, { searchAll });
    assert.equal(r.ok, true);
    assert.ok(r.report.endsWith(SUCCESS), r.report);
    if (searchAll) assert.equal(r.report, SUCCESS);
    assert.deepEqual(r.console, [
      '[+] Parsing nftables input hook rules.\n', '[+] Parsing nftables input hook rules (IPv6).\n',
      '[+] Parsing nftables forward hook rules.\n', '[+] Parsing nftables forward hook rules (IPv6).\n',
      '[+] Firewall config looks good.\n', '[+] Completed check of firewall ruleset.\n',
    ]);
  }
  // a prefix that FW_MSG_SEARCH does not know
  const p = check('good', false, { searchAll: false, fwSearch: ['PSAD'] });
  assert.equal(p.ok, false);
  assert.match(p.report, /It appears as though the log prefix is set to "DROP"/);
});

test('no log statement: what is missing, and where a log statement would go', () => {
  const r = check('no-log', true);
  assert.equal(r.ok, false);
  const none = (hook: string, fam: string) =>
    `[-] The ${hook} hook of the nftables ruleset on ${HOST} does not log ${fam} packets:\n` +
    `    no log statement is reached by every new packet (inet filter ${hook});\n` +
    `    they are dropped by the policy drop of inet filter ${hook}.\n\n`;
  assert.equal(
    r.report,
    none('input', 'IPv4') + helpLast('input', 'inet filter input') + none('input', 'IPv6') +
      none('forward', 'IPv4') + helpLast('forward', 'inet filter forward') + none('forward', 'IPv6'),
  );
  assert.deepEqual(r.console.slice(-1), ['[-] Errors found in firewall config.\n']);
  // forwarding off: only the input hook
  assert.equal(check('no-log', false).console.length, 3);
});

test('log after drop: the rule that drops first, with both rule handles', () => {
  const r = check('log-after-drop', true);
  assert.equal(r.ok, false);
  const order = (fam: string) =>
    `[-] The input hook of the nftables ruleset on ${HOST} drops packets before\n` +
    '    they are logged: rule 6 (meta l4proto tcp drop) in inet filter input\n' +
    `    takes every ${fam} tcp packet before the log statement (rule 7 in\n` +
    '    inet filter input) is reached, so psad will not see these packets.\n' +
    '    Move the log statement above it (rule handles as shown by\n' +
    '    "nft -a list chain inet filter input").\n\n';
  assert.equal(r.report, order('IPv4') + order('IPv6'));
});

test('log in input only, forwarding on: the forward hook is named', () => {
  const r = check('input-only', true);
  assert.equal(r.ok, false);
  assert.equal(
    r.report,
    `[-] The forward hook of the nftables ruleset on ${HOST} does not log IPv4 packets:\n` +
      '    no log statement is reached by every new packet (ip filter4 forward);\n' +
      '    they are dropped by the policy drop of ip filter4 forward.\n\n' +
      helpLast('forward', 'ip filter4 forward') + noBase('forward', 'IPv6') + helpNone('forward'),
  );
  // without forwarding the same ruleset is fine
  assert.equal(check('input-only', false).ok, true);
  // and without IPv6 detection only IPv4 counts
  assert.equal(check('input-only', true, { ipv6: false }).report.includes('IPv6'), false);
});

test('per-protocol log statement through a jump, ct state vmap invalid drop, no IPv6 table', () => {
  const r = check('partial', false);
  assert.equal(r.ok, false);
  assert.equal(
    r.report,
    `[-] Your nftables ruleset on ${HOST} includes log statements for\n    tcp/udp but not for icmp IPv4 packets in the input hook.\n\n` +
      `[*] The input hook on ${HOST} drops IPv4 tcp packets that conntrack marks\n` +
      '    invalid before they are logged, by rule 7 (ct state vmap { invalid : drop, established : accept, related : accept }) in ip fw input:\n' +
      '    psad will not see FIN, XMAS and NULL scans.\n\n' +
      `[-] You may just need to add a log statement to the 'input' hook\n` +
      `    of the nftables ruleset on ${HOST}, after the rules that accept wanted packets,\n` +
      '    e.g. before rule 5 (drop) in ip fw in_log:\n\n' +
      `        nft insert rule ip fw in_log position 5 ${STMT}\n\n` +
      noBase('input', 'IPv6') + helpNone('input'),
  );
});

test('log group (ulogd2), level audit and flags all on IPv6', () => {
  const r = check('special', true);
  assert.equal(r.ok, false);
  const t = r.report;
  assert.match(t, /\[\*\] Rule 4 in inet filter input logs to netlink group 5 \(log group\): psad\n    reads these packets only from ulogd2/);
  assert.match(t, /\[-\] The IPv6 log statement of the input hook on fwtest \(rule 5 in inet filter input:\n    meta nfproto ipv6 log prefix "DROP " flags all\)\n    writes SEQ= and ACK= into IPv6 TCP lines/);
  assert.match(t, /\[\*\] Rule 6 in inet filter forward logs to the audit log \(log level audit\)/);
  assert.match(t, /The forward hook of the nftables ruleset on fwtest does not log IPv4 packets/);
  // each note once, though the inet chain is checked for both families
  assert.equal(t.split('logs to the audit log').length, 2);
  // with SYSLOG_DAEMON ulogd the netlink group needs no note; IPv4 input passes
  const u = check('special', false, { syslogDaemon: 'ulogd', ipv6: false });
  assert.equal(u.ok, true);
  assert.equal(u.report, SUCCESS_INPUT);
});

test('iptables-nft rules (xt expressions): LOG counts, REJECT before LOG is reported', () => {
  const r = check('iptables-nft', true);
  assert.equal(r.ok, false);
  assert.doesNotMatch(r.report, /input hook/);
  assert.match(r.report, /The forward hook of the nftables ruleset on fwtest rejects packets before\n    they are logged: rule \d+ \(counter xt target REJECT\) in ip filter FORWARD\n/);
  assert.equal(check('iptables-nft', false).ok, true);
  assert.equal(hasNativeBaseChains(json('iptables-nft')), false);
  assert.equal(hasNativeBaseChains(json('good')), true);
  assert.equal(hasNativeBaseChains('{"nftables": [{"metainfo": {"version": "1.0.6"}}]}'), false);
});

/** A runner standing in for nft and iptables. */
function fakeRun(out: Record<string, { status?: number; stdout: string; stderr?: string }>, calls: string[][] = []): RunFn {
  return (cmd, args) => {
    calls.push([cmd, ...args]);
    const o = out[path.basename(cmd)];
    if (!o) return { status: 127, stdout: '', stderr: `${cmd}: not found\n` };
    return { status: o.status ?? 0, stdout: o.stdout, stderr: o.stderr ?? '' };
  };
}

const IPT_GOOD =
  'Chain INPUT (policy ACCEPT)\ntarget     prot opt source               destination         \n' +
  'LOG        0    --  0.0.0.0/0            0.0.0.0/0            LOG flags 0 level 4 prefix "DROP "\n' +
  'DROP       0    --  0.0.0.0/0            0.0.0.0/0           \n';

test('fwCheck: FW_BACKEND nftables, auto, iptables; --fw-file with nft JSON', () => {
  const calls: string[][] = [];
  const nft = { stdout: json('good') };
  const r = fwCheck(opts({ backend: 'nftables', nft: '/usr/sbin/nft', run: fakeRun({ nft }, calls) }));
  assert.equal(r.ok, true);
  assert.deepEqual(calls, [['/usr/sbin/nft', '-j', 'list', 'ruleset']]);
  assert.throws(() => fwCheck(opts({ backend: 'nftables', nft: '/x/nft', run: fakeRun({}) })), /Could not execute \/x\/nft -j list ruleset: \/x\/nft: not found/);
  // auto: a ruleset with base chains of its own is checked in nft terms
  const a = fwCheck(opts({ backend: 'auto', run: fakeRun({ nft: { stdout: json('no-log') }, iptables: { stdout: IPT_GOOD } }) }));
  assert.equal(a.ok, false);
  assert.match(a.console[0], /nftables input hook/);
  // auto: only iptables-nft's tables -> the iptables check (psad 2.4.6's texts)
  const calls2: string[][] = [];
  const b = fwCheck(opts({ backend: 'auto', ipv6: false, run: fakeRun({ nft: { stdout: json('iptables-nft') }, iptables: { stdout: IPT_GOOD } }, calls2) }));
  assert.equal(b.console[0], '[+] Parsing INPUT chain rules.\n');
  assert.equal(b.ok, true);
  assert.deepEqual(calls2.map((c) => path.basename(c[0])), ['nft', 'iptables']);
  // auto without a working nft: iptables
  assert.equal(fwCheck(opts({ backend: 'auto', ipv6: false, run: fakeRun({ iptables: { stdout: IPT_GOOD } }) })).console[0], '[+] Parsing INPUT chain rules.\n');
  // iptables (and no setting): nft is not run
  const calls3: string[][] = [];
  fwCheck(opts({ backend: 'iptables', ipv6: false, run: fakeRun({ iptables: { stdout: IPT_GOOD } }, calls3) }));
  fwCheck(opts({ ipv6: false, run: fakeRun({ iptables: { stdout: IPT_GOOD } }, calls3) }));
  assert.deepEqual(calls3.map((c) => path.basename(c[0])), ['iptables', 'iptables']);
  // --fw-file with nft's JSON, whatever FW_BACKEND says
  const f = path.join(dir, 'ruleset.json');
  fs.writeFileSync(f, json('log-after-drop'));
  const c = fwCheck(opts({ backend: 'iptables', fwFile: f }));
  assert.equal(c.ok, false);
  assert.match(c.report, /drops packets before\n    they are logged/);
  fs.writeFileSync(f, '{ broken');
  assert.throws(() => fwCheck(opts({ fwFile: f })), /Could not parse the nftables ruleset in .*ruleset\.json/);
});

test('fwAnalyzeMain with FW_BACKEND nftables: FW_CHECK_FILE, console, status; a bad FW_BACKEND is refused', () => {
  const root = tmpDir('nft-check-main');
  dirs.push(root);
  const fwd0 = path.join(root, 'ip_forward');
  fs.writeFileSync(fwd0, '0\n');
  const ovr = writeOverride(root, undefined, `HOSTNAME ${HOST};\nALERTING_METHODS noemail;\nPROC_FORWARD_FILE ${fwd0};\nFW_BACKEND nftables;\nENABLE_IPV6_DETECTION Y;\n`);
  const cfg = loadConfig({ configFile: path.join(ROOT, 'etc', 'psad.conf'), overrideFiles: [ovr] });
  const good = path.join(root, 'good.json');
  fs.writeFileSync(good, json('good'));
  const lines: string[] = [];
  assert.equal(fwAnalyzeMain(cfg, { fwFile: good, out: (s) => lines.push(s), analyze: true }), 0);
  assert.equal(fs.readFileSync(cfg.get('FW_CHECK_FILE'), 'utf8'), SUCCESS_INPUT);
  assert.equal(lines.join(''), '[+] Parsing nftables input hook rules.\n[+] Parsing nftables input hook rules (IPv6).\n' +
    `[+] Firewall config looks good.\n[+] Completed check of firewall ruleset.\n[+] Results in ${cfg.get('FW_CHECK_FILE')}\n[+] Exiting.\n`);
  // the live ruleset through the runner
  const run = fakeRun({ nft: { stdout: json('no-log') } });
  assert.equal(fwAnalyzeMain(cfg, { out: () => undefined, analyze: false, run }), 1);
  assert.match(fs.readFileSync(cfg.get('FW_CHECK_FILE'), 'utf8'), /does not log IPv4 packets/);
  const bad = path.join(root, 'bad.conf');
  fs.writeFileSync(bad, 'FW_BACKEND ipfw;\n');
  assert.throws(() => loadConfig({ configFile: path.join(ROOT, 'etc', 'psad.conf'), overrideFiles: [bad, ovr] }), /FW_BACKEND variable must be iptables, nftables or auto/);
});

test("Debian's stock ruleset with a log statement (policy accept): success names the input hook only and does not claim blocking", () => {
  const r = check('debian-stock-log', false);
  assert.equal(r.ok, true);
  assert.equal(r.report, `[+] The nftables ruleset on ${HOST} will log unwanted\n    packets in the input hook.  Firewall config success!\n`);
  assert.deepEqual(r.console, ['[+] Parsing nftables input hook rules.\n', '[+] Parsing nftables input hook rules (IPv6).\n',
    '[+] Firewall config looks good.\n', '[+] Completed check of firewall ruleset.\n']);
});

test('FW_BACKEND iptables on a native nftables host: the check says so and names FW_BACKEND', () => {
  const EMPTY = 'Chain INPUT (policy ACCEPT)\ntarget     prot opt source               destination         \n';
  const nft = { stdout: json('debian-stock-log') };
  const version = { stdout: 'iptables v1.8.9 (nf_tables)\n' };
  const iptRun = (listing: string): RunFn => (cmd, args) => {
    if (path.basename(cmd) === path.basename(process.execPath)) return { status: 0, stdout: nft.stdout, stderr: '' };
    if (args[0] === '-V') return { status: 0, stdout: version.stdout, stderr: '' };
    return { status: 0, stdout: listing, stderr: '' };
  };
  const note =
    `[-] The firewall on ${HOST} is a native nftables ruleset, which FW_BACKEND iptables\n` +
    '    does not check: its base chains inet filter input (input hook), inet filter forward (forward hook)\n' +
    '    are not iptables chains\n    (iptables v1.8.9 (nf_tables) is iptables-nft: it lists only the tables iptables-nft made).\n' +
    `    Set FW_BACKEND to nftables (or auto) in ${CONF} to check this ruleset.\n\n`;
  // (an executable stands in for nft: the runner answers for it)
  const r = fwCheck(opts({ backend: 'iptables', ipv6: false, nft: process.execPath, run: iptRun(EMPTY) }));
  assert.equal(r.ok, false);
  // no "add a default logging rule to the 'filter' 'INPUT' chain": there is no iptables ruleset to add it to
  assert.equal(r.report, note);
  assert.deepEqual(r.console, ['[+] Parsing INPUT chain rules.\n', note, '[-] Errors found in firewall config.\n']);
  // iptables rules as well: psad's help stays, the note is added
  const some = `${EMPTY}ACCEPT     0    --  0.0.0.0/0            0.0.0.0/0            ctstate RELATED,ESTABLISHED\n`;
  const m = fwCheck(opts({ backend: 'iptables', ipv6: false, nft: process.execPath, run: iptRun(some) }));
  assert.match(m.report, /add a default logging rule to the\n    'filter' 'INPUT' chain/);
  assert.ok(m.report.includes(note));
  // a ruleset of iptables-nft only: nothing to say about nftables
  nft.stdout = json('iptables-nft');
  assert.doesNotMatch(fwCheck(opts({ backend: 'iptables', ipv6: false, nft: process.execPath, run: iptRun(EMPTY) })).report, /native nftables/);
});
