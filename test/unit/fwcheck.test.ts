import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { FwCheckOptions, RunFn, dumpFirewall, fwCheck, logPrefix, maskIpv4, maskIpv6 } from '../../src/fwcheck/fwcheck';
import { fwAnalyzeMain } from '../../src/pipeline/fwcheck-run';
import { parseListing } from '../../src/fwcheck/listing';
import { loadConfig } from '../../src/config/config';
import { ROOT, tmpDir, writeOverride } from '../helpers/paths';

/**
 * fwcheck on saved listings (--fw-file) in the formats of old iptables
 * releases (`iptables -n -L` with `all`, `` prefix `DROP ' ``, ip6tables
 * without the opt column) and of iptables 1.8 (protocol numbers, `--` in
 * ip6tables too, `prefix "DROP "`), and on listings from an injected runner.
 */

const HOST = 'fwtest';
const CONF = '/etc/psad/psad.conf';
const dir = tmpDir('fwcheck-unit');
const FWD0 = path.join(dir, 'ip_forward0');
fs.writeFileSync(FWD0, '0\n');

type Fmt = 'old' | 'new' | 'old6' | 'new6';
type R = [target: string, proto: string, src?: string, dst?: string, opts?: string];

const ANY4 = '0.0.0.0/0';
const ANY6 = '::/0';
const pad = (s: string, n: number) => (s.length >= n ? `${s} ` : s.padEnd(n));

/** `iptables -n -L` text of one chain. Protocols are given as in the old format; the new one prints numbers. */
function chain(name: string, head: string, rules: R[], fmt: Fmt): string {
  const six = fmt.endsWith('6');
  const any = six ? ANY6 : ANY4;
  const num: Record<string, string> = { all: '0', tcp: '6', udp: '17', icmp: '1', 'ipv6-icmp': '58' };
  const lines = [`Chain ${name} (${head})`, 'target     prot opt source               destination         '];
  for (const [t, p, s = any, d = any, o = ''] of rules) {
    const prot = fmt.startsWith('new') ? num[p] ?? p : p;
    const opt = fmt === 'old6' ? '   ' : '--';
    let prefixOpts = o;
    if (fmt.startsWith('old')) prefixOpts = o.replace(/prefix "(.*)"/, "prefix `$1' ");
    lines.push(`${pad(t, 10)} ${pad(prot, 4)} ${opt}  ${pad(s, 20)} ${pad(d, 19)} ${prefixOpts}`.replace(/\s+$/, fmt.startsWith('new') ? '' : ' '));
  }
  return lines.join('\n') + '\n';
}

const LOG = (p = 'all', prefix = 'DROP '): R => [ 'LOG', p, undefined, undefined, `LOG flags 0 level 4 prefix "${prefix}"` ];
const DROP = (p = 'all'): R => ['DROP', p];
const ESTAB: R = ['ACCEPT', 'all', undefined, undefined, 'state RELATED,ESTABLISHED'];

function file(name: string, text: string): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
}

function opts(over: Partial<FwCheckOptions> = {}): FwCheckOptions {
  return {
    searchAll: true,
    fwSearch: ['DROP'],
    hostname: HOST,
    ipv6: false,
    iptables: '/usr/sbin/iptables',
    ip6tables: '/usr/sbin/ip6tables',
    procForwardFile: FWD0,
    ifcfgtype: 'iproute2',
    configFile: CONF,
    run: () => {
      throw new Error('no command may run in --fw-file mode');
    },
    ...over,
  };
}

const help = (c: string) =>
  '[-] You may just need to add a default logging rule to the\n' +
  `    'filter' '${c}' chain on ${HOST}. For more information,\n` +
  '    see the file "README" in the psad sources directory or visit:\n\n' +
  '    http://www.cipherdyne.org/psad/docs/fwconfig.html\n\n';
// forwarding off: only INPUT is checked and named (psad 2.4.6 names FORWARD too)
const SUCCESS =
  `[+] The iptables ruleset on ${HOST} will log and block unwanted\n` +
  '    packets in the INPUT chain.  Firewall config success!\n';
const HEAD =
  `[+] Available search strings in ${CONF}:\n\n        DROP\n\n` +
  '[+] Additional search strings can be added be specifying more\n' +
  `    FW_MSG_SEARCH lines in ${CONF}\n\n`;
const NOTE =
  '\n[+] NOTE: IPTables::Parse does not yet parse user defined chains and so\n' +
  '    it is possible your firewall config is compatible with psad anyway.\n';

const others = (fmt: Fmt) => `\n${chain('FORWARD', 'policy ACCEPT', [], fmt)}\n${chain('OUTPUT', 'policy ACCEPT', [], fmt)}`;

for (const fmt of ['old', 'new'] as Fmt[]) {
  test(`${fmt} format: search-all mode passes with LOG + DROP, fails without a LOG rule`, () => {
    const good = file(`good-${fmt}`, chain('INPUT', 'policy ACCEPT', [ESTAB, LOG(), DROP()], fmt) + others(fmt));
    const r = fwCheck(opts({ fwFile: good }));
    assert.equal(r.ok, true);
    assert.equal(r.report, SUCCESS);
    assert.deepEqual(r.console, ['[+] Parsing INPUT chain rules.\n', '[+] Firewall config looks good.\n', '[+] Completed check of firewall ruleset.\n']);

    const none = file(`none-${fmt}`, chain('INPUT', 'policy ACCEPT', [ESTAB, DROP()], fmt) + others(fmt));
    const n = fwCheck(opts({ fwFile: none }));
    assert.equal(n.ok, false);
    assert.equal(n.report, help('INPUT'));
    assert.deepEqual(n.console, ['[+] Parsing INPUT chain rules.\n', '[-] Errors found in firewall config.\n']);
  });

  test(`${fmt} format: per-protocol LOG rules only`, () => {
    const f = file(`proto-${fmt}`, chain('INPUT', 'policy ACCEPT', [LOG('tcp'), LOG('udp'), DROP()], fmt) + others(fmt));
    const r = fwCheck(opts({ fwFile: f }));
    assert.equal(r.ok, false);
    assert.equal(
      r.report,
      `[-] Your firewall config on ${HOST} includes logging rules for\n    tcp/udp but not for icmp in the INPUT chain.\n\n` + help('INPUT'),
    );
  });

  test(`${fmt} format: a LOG rule only in a chain INPUT does not reach`, () => {
    const f = file(
      `elsewhere-${fmt}`,
      chain('INPUT', 'policy ACCEPT', [DROP()], fmt) + others(fmt) + '\n' + chain('LOGME', '1 references', [LOG()], fmt),
    );
    const r = fwCheck(opts({ fwFile: f }));
    assert.equal(r.ok, false);
    assert.equal(r.report, `[-] Could not determine whether the INPUT chain is configured with\n    a default logging rule on ${HOST}.\n\n` + help('INPUT'));
    // reached through a jump: fine
    const j = file(
      `jump-${fmt}`,
      chain('INPUT', 'policy ACCEPT', [ESTAB, ['LOGME', 'all'], DROP()], fmt) + others(fmt) + '\n' + chain('LOGME', '1 references', [LOG()], fmt),
    );
    assert.equal(fwCheck(opts({ fwFile: j })).ok, true);
  });

  test(`${fmt} format: default DROP policy`, () => {
    const f = file(`pdrop-${fmt}`, chain('INPUT', 'policy DROP', [ESTAB, LOG()], fmt) + others(fmt));
    assert.equal(fwCheck(opts({ fwFile: f })).ok, true);
    const p = fwCheck(opts({ fwFile: f, searchAll: false }));
    assert.equal(p.report, HEAD + SUCCESS);
    assert.equal(p.ok, true);
    const nolog = file(`pdrop-nolog-${fmt}`, chain('INPUT', 'policy DROP', [ESTAB], fmt) + others(fmt));
    const n = fwCheck(opts({ fwFile: nolog, searchAll: false }));
    assert.equal(n.ok, false);
    assert.equal(
      n.report,
      HEAD +
        `[-] The INPUT chain in the ruleset on ${HOST} does not\n` +
        '    appear to include a default LOG rule for all protocols.  psad will not be able to\n' +
        '    detect scans without such a rule.\n\n' +
        help('INPUT') +
        NOTE,
    );
  });

  test(`${fmt} format: a REJECT or DROP before the LOG rule is reported`, () => {
    const f = file(
      `reject-${fmt}`,
      chain('INPUT', 'policy ACCEPT', [ESTAB, ['REJECT', 'all', undefined, undefined, 'reject-with icmp-port-unreachable'], LOG(), DROP()], fmt) + others(fmt),
    );
    const r = fwCheck(opts({ fwFile: f }));
    assert.equal(r.ok, false);
    assert.equal(
      r.report,
      `[-] The INPUT chain in the ruleset on ${HOST} rejects packets before\n` +
        '    they are logged: rule 2 (REJECT all) takes every packet before the\n' +
        '    LOG rule (rule 3) is reached, so psad will not see these packets.\n' +
        '    Move the LOG rule above rule 2 (rule numbers as shown by\n' +
        '    "iptables -n -L INPUT --line-numbers").\n\n',
    );
    assert.equal(r.console.at(-1), '[-] Errors found in firewall config.\n');
    // also in prefix mode, and for one protocol
    const t = file(`droptcp-${fmt}`, chain('INPUT', 'policy ACCEPT', [DROP('tcp'), LOG(), DROP()], fmt) + others(fmt));
    const p = fwCheck(opts({ fwFile: t, searchAll: false }));
    assert.equal(p.ok, false);
    assert.match(p.report, /drops packets before\n    they are logged: rule 1 \(DROP tcp\) takes every tcp packet before the\n    LOG rule \(rule 2\)/);
    // conditional rules before the LOG rule, or a DROP after it, are fine
    const ok = file(
      `cond-${fmt}`,
      chain('INPUT', 'policy ACCEPT', [ESTAB, ['DROP', 'all', '10.1.2.0/24'], ['DROP', 'all', undefined, undefined, 'state INVALID'], LOG(), DROP()], fmt) + others(fmt),
    );
    assert.equal(fwCheck(opts({ fwFile: ok })).ok, true);
  });

  test(`${fmt} format: prefix mode (FW_SEARCH_ALL N)`, () => {
    const good = file(`pfx-${fmt}`, chain('INPUT', 'policy ACCEPT', [ESTAB, LOG('all', 'DROP '), DROP()], fmt) + others(fmt));
    const r = fwCheck(opts({ fwFile: good, searchAll: false }));
    assert.equal(r.report, HEAD + SUCCESS);
    assert.equal(r.ok, true);

    const other = file(`pfx-other-${fmt}`, chain('INPUT', 'policy ACCEPT', [ESTAB, LOG('all', 'INPUT-REJ '), DROP()], fmt) + others(fmt));
    const o = fwCheck(opts({ fwFile: other, searchAll: false }));
    assert.equal(o.ok, false);
    assert.equal(
      o.report,
      HEAD +
        `[-] The INPUT chain in the ruleset on ${HOST} includes a default\n    LOG rule for all protocols,\n` +
        '    but the rule does not include one of the log prefixes mentioned above.\n' +
        '    It appears as though the log prefix is set to "INPUT-REJ"\n' +
        '    psad will not be able to detect scans without adding one of the above\n' +
        '    logging prefixes to the rule.\n\n' +
        help('INPUT') +
        NOTE,
    );
    // FW_MSG_SEARCH strings are regular expressions
    assert.equal(fwCheck(opts({ fwFile: other, searchAll: false, fwSearch: ['^INPUT-R'] })).ok, true);

    // a LOG rule without prefix
    const nopfx = file(`pfx-none-${fmt}`, chain('INPUT', 'policy ACCEPT', [['LOG', 'all', undefined, undefined, 'LOG flags 0 level 4'], DROP()], fmt) + others(fmt));
    assert.match(fwCheck(opts({ fwFile: nopfx, searchAll: false })).report, /log prefix is set to "NONE"/);

    // LOG with the prefix but no DROP at all: only the help text, as fwcheck_psad
    const nodrop = file(`pfx-nodrop-${fmt}`, chain('INPUT', 'policy ACCEPT', [LOG()], fmt) + others(fmt));
    assert.equal(fwCheck(opts({ fwFile: nodrop, searchAll: false })).report, HEAD + help('INPUT') + NOTE);

    // per-protocol rules
    const per = file(`pfx-per-${fmt}`, chain('INPUT', 'policy ACCEPT', [LOG('tcp'), DROP('tcp'), LOG('udp', 'FOO '), DROP('udp')], fmt) + others(fmt));
    const pr = fwCheck(opts({ fwFile: per, searchAll: false }));
    assert.equal(
      pr.report,
      HEAD +
        `[-] The INPUT chain in the ruleset on ${HOST} inclues a default\n    LOG rule for the udp protocol,\n` +
        '    but the rule does not include one of the log prefixes mentioned above.\n' +
        '    It appears as though the log prefix is set to "FOO"\n' +
        '    psad will not be able to detect udp scans without adding one of the above\n' +
        '    logging prefixes to the rule.\n\n' +
        `[-] The INPUT chain in the ruleset on ${HOST} does not\n` +
        '    appear to include a default LOG rule for the icmp protocol.  psad will not be able to\n' +
        '    detect icmp scans without such a rule.\n\n' +
        `[-] The INPUT chain in the ruleset on ${HOST} does not\n` +
        '    appear to include a default DROP rule for the icmp protocol.\n\n' +
        help('INPUT') +
        NOTE,
    );
  });
}

test('IPv6 listings: old format without the opt column and 1.8 format with `--`', () => {
  for (const fmt of ['old6', 'new6'] as Fmt[]) {
    const f = file(`v6-${fmt}`, chain('INPUT', 'policy ACCEPT', [ESTAB, LOG(), DROP()], fmt) + others(fmt));
    const r = fwCheck(opts({ fwFile: f, ipv6: true }));
    assert.equal(r.ok, true, fmt);
    assert.equal(r.report, SUCCESS);
    assert.deepEqual(r.console.slice(0, 2), ['[+] Parsing INPUT chain rules.\n', '[+] Parsing INPUT chain rules.\n']);
    assert.equal(fwCheck(opts({ fwFile: f, ipv6: true, searchAll: false })).ok, true, `${fmt} prefix mode`);
  }
});

/** A runner standing in for iptables/ip6tables/ip. */
function fakeRun(out: Record<string, string>, calls: string[][] = []): RunFn {
  return (cmd, args) => {
    calls.push([cmd, ...args]);
    const key = path.basename(cmd);
    if (out[key] === undefined) return { status: 127, stdout: '', stderr: `${cmd}: not found\n` };
    return { status: 0, stdout: out[key], stderr: '' };
  };
}

test('live ruleset: iptables and ip6tables 1.8 listings, -w -t filter -n -L INPUT', () => {
  const calls: string[][] = [];
  const v4 = chain('INPUT', 'policy ACCEPT', [ESTAB, LOG(), DROP()], 'new');
  const v6 = chain('INPUT', 'policy ACCEPT', [ESTAB, ['ACCEPT', 'ipv6-icmp'], LOG(), DROP()], 'new6');
  const r = fwCheck(opts({ ipv6: true, run: fakeRun({ iptables: v4, ip6tables: v6 }, calls) }));
  assert.equal(r.ok, true);
  assert.equal(r.report, SUCCESS);
  assert.deepEqual(calls, [
    ['/usr/sbin/iptables', '-w', '-t', 'filter', '-n', '-L', 'INPUT'],
    ['/usr/sbin/ip6tables', '-w', '-t', 'filter', '-n', '-L', 'INPUT'],
  ]);
  // prefix mode on the same listings (prefix "DROP ", protocol 0)
  const p = fwCheck(opts({ ipv6: true, searchAll: false, run: fakeRun({ iptables: v4, ip6tables: v6 }) }));
  assert.equal(p.report, HEAD + SUCCESS);

  // IPv6 without LOG rule: the help text once, for the ip6tables check
  const bad6 = chain('INPUT', 'policy ACCEPT', [ESTAB, DROP()], 'new6');
  const b = fwCheck(opts({ ipv6: true, run: fakeRun({ iptables: v4, ip6tables: bad6 }) }));
  assert.equal(b.ok, false);
  assert.equal(b.report, help('INPUT'));

  // per-protocol IPv6 LOG rules name ICMPv6 as such
  const per6 = chain('INPUT', 'policy ACCEPT', [LOG('tcp'), LOG('ipv6-icmp'), DROP()], 'new6');
  const q = fwCheck(opts({ ipv6: true, run: fakeRun({ iptables: v4, ip6tables: per6 }) }));
  assert.equal(q.report, `[-] Your firewall config on ${HOST} includes logging rules for\n    tcp/icmpv6 but not for udp in the INPUT chain.\n\n` + help('INPUT'));
});

test('an iptables without -w is run again without it; a missing one is fatal', () => {
  const calls: string[][] = [];
  const v4 = chain('INPUT', 'policy ACCEPT', [LOG(), DROP()], 'old');
  const run: RunFn = (cmd, args) => {
    calls.push(args);
    if (args.includes('-w')) return { status: 2, stdout: '', stderr: "iptables v1.4.7: unknown option `-w'\n" };
    return { status: 0, stdout: v4, stderr: '' };
  };
  assert.equal(fwCheck(opts({ run })).ok, true);
  assert.deepEqual(calls, [['-w', '-t', 'filter', '-n', '-L', 'INPUT'], ['-t', 'filter', '-n', '-L', 'INPUT']]);
  assert.throws(() => fwCheck(opts({ run: fakeRun({}) })), /Could not execute \/usr\/sbin\/iptables/);
});

test('FORWARD is checked with IP forwarding on and two interfaces with an address', () => {
  const fwd1 = path.join(dir, 'ip_forward1');
  fs.writeFileSync(fwd1, '1\n');
  const ipAddr = [
    '1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000',
    '    inet 127.0.0.1/8 scope host lo',
    '2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500',
    '    inet 192.0.2.1/24 brd 192.0.2.255 scope global eth0',
    '3: dummy0: <BROADCAST,NOARP> mtu 1500',
    '    inet 198.51.100.1/24 scope global dummy0',
    '4: veth1@if5: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500',
    '    inet 203.0.113.1/24 scope global veth1',
    '',
  ].join('\n');
  const f = file('fwd', chain('INPUT', 'policy ACCEPT', [LOG(), DROP()], 'new') + '\n' + chain('FORWARD', 'policy ACCEPT', [], 'new'));
  const calls: string[][] = [];
  const r = fwCheck(opts({ fwFile: f, procForwardFile: fwd1, ipCmd: '/sbin/ip', run: fakeRun({ ip: ipAddr }, calls) }));
  assert.deepEqual(calls, [['/sbin/ip', 'addr']]);
  assert.equal(r.ok, false);
  // the listing has a LOG rule, in INPUT only
  assert.equal(r.report, `[-] Could not determine whether the FORWARD chain is configured with\n    a default logging rule on ${HOST}.\n\n` + help('FORWARD'));
  assert.deepEqual(r.console.slice(0, 2), ['[+] Parsing INPUT chain rules.\n', '[+] Parsing FORWARD chain rules.\n']);
  // one interface besides lo and dummy: no FORWARD check
  const one = ipAddr.split('\n').slice(0, 6).join('\n');
  assert.equal(fwCheck(opts({ fwFile: f, procForwardFile: fwd1, run: fakeRun({ ip: one }) })).ok, true);
  // ifconfig: inet lines without 127.0.0.1
  const ifc = 'eth0: flags=4163\n        inet 192.0.2.1  netmask 255.255.255.0\n        inet6 fe80::1\neth1: flags=4163\n        inet 10.0.0.1  netmask 255.0.0.0\nlo: flags=73\n        inet 127.0.0.1  netmask 255.0.0.0\n';
  assert.equal(fwCheck(opts({ fwFile: f, procForwardFile: fwd1, ifcfgtype: 'ifconfig', run: fakeRun({ ifconfig: ifc }) })).ok, false);
  // forwarding off
  assert.equal(fwCheck(opts({ fwFile: f, run: fakeRun({ ip: ipAddr }) })).ok, true);
  // a missing PROC_FORWARD_FILE is fatal
  assert.throws(() => fwCheck(opts({ fwFile: f, procForwardFile: path.join(dir, 'nope') })), /Make sure the path to the IP forwarding file correct/);
});

test('-v -n -L listings (every chain), jumps to user chains, counters with units', () => {
  const text = [
    'Chain INPUT (policy ACCEPT 1234 packets, 5678K bytes)',
    ' pkts bytes target     prot opt in     out     source               destination         ',
    ' 12M  9876M ACCEPT     0    --  lo     *       0.0.0.0/0            0.0.0.0/0           ',
    ' 1234  567K ACCEPT     0    --  *      *       0.0.0.0/0            0.0.0.0/0            ctstate RELATED,ESTABLISHED',
    '    0     0 DROP       0    --  eth1   *       0.0.0.0/0            0.0.0.0/0           ',
    '   10   600 LOGDROP    0    --  *      *       0.0.0.0/0            0.0.0.0/0           ',
    '',
    'Chain FORWARD (policy DROP 0 packets, 0 bytes)',
    ' pkts bytes target     prot opt in     out     source               destination         ',
    '',
    'Chain OUTPUT (policy ACCEPT 0 packets, 0 bytes)',
    ' pkts bytes target     prot opt in     out     source               destination         ',
    '',
    'Chain LOGDROP (10 references)',
    ' pkts bytes target     prot opt in     out     source               destination         ',
    '   10   600 LOG        0    --  *      *       0.0.0.0/0            0.0.0.0/0            LOG flags 0 level 4 prefix "DROP "',
    '   10   600 DROP       0    --  *      *       0.0.0.0/0            0.0.0.0/0           ',
    '',
  ].join('\n');
  const f = file('verbose', text);
  const r = fwCheck(opts({ fwFile: f }));
  assert.equal(r.report, SUCCESS);
  // the interface-bound DROP before the jump is not a drop of every packet
  assert.equal(r.ok, true);
  const l = parseListing(text);
  assert.equal(l.chains.get('INPUT')!.rules[0].inIf, 'lo');
  assert.equal(l.chains.get('LOGDROP')!.references, 10);
  // prefix mode on a -v listing: the INPUT chain's own rules only (as fwcheck_psad), and
  // like fwcheck_psad on `-n -L` it cannot tell an interface-bound DROP from a default one
  const p = fwCheck(opts({ fwFile: f, searchAll: false }));
  assert.equal(
    p.report,
    HEAD +
      `[-] The INPUT chain in the ruleset on ${HOST} does not\n` +
      '    appear to include a default LOG rule for all protocols.  psad will not be able to\n' +
      '    detect scans without such a rule.\n\n' +
      help('INPUT') +
      NOTE,
  );
  const flat = file('verbose-flat', text.replace('LOGDROP    0    --  *', 'LOG        0    --  *').replace('0.0.0.0/0           \n\nChain FORWARD', '0.0.0.0/0            LOG flags 0 level 4 prefix "DROP "\n    0     0 DROP       0    --  *      *       0.0.0.0/0            0.0.0.0/0\n\nChain FORWARD'));
  assert.equal(fwCheck(opts({ fwFile: flat, searchAll: false })).report, HEAD + SUCCESS);
  // a missing --fw-file is fatal
  assert.throws(() => fwCheck(opts({ fwFile: path.join(dir, 'missing') })), /iptables dump file: .* does not exist\./);
});

test('log prefixes in both quotings', () => {
  assert.equal(logPrefix("LOG flags 0 level 4 prefix `DROP '"), 'DROP');
  assert.equal(logPrefix('LOG flags 0 level 4 prefix "DROP "'), 'DROP');
  assert.equal(logPrefix('LOG flags 0 level 4 prefix "it`s "q" "'), 'it`s "q"');
  assert.equal(logPrefix('LOG flags 0 level 4'), 'NONE');
  assert.equal(logPrefix('ULOG copy_range 0 nlgroup 1 prefix "SCAN " queue_threshold 1'), 'SCAN');
});

test('--fw-dump: masking, --fw-include-ips, a missing binary', () => {
  const v4 = [
    'Chain INPUT (policy ACCEPT 0 packets, 0 bytes)',
    ' pkts bytes target     prot opt in     out     source               destination         ',
    '    0     0 DROP       0    --  *      *       192.168.10.0/24      0.0.0.0/0           ',
    '    0     0 ACCEPT     6    --  *      *       10.0.0.0/8           10.1.2.3             tcp dpt:22',
    '    0     0 LOG        0    --  *      *       0.0.0.0/0            0.0.0.0/0            LOG flags 0 level 4 prefix "DROP "',
    '',
  ].join('\n');
  const v6 = [
    'Chain INPUT (policy ACCEPT 0 packets, 0 bytes)',
    ' pkts bytes target     prot opt in     out     source               destination         ',
    '    0     0 DROP       0    --  *      *       fd00::/64            ::/0                ',
    '    0     0 DROP       0    --  *      *       2001:db8:1:2:3:4:5:6/128 fd01::2        ',
    '    0     0 ACCEPT     0    --  *      *       ::/0                 ::/0                 MAC 00:11:22:33:44:55',
    '',
  ].join('\n');
  const out: Record<string, string> = { iptables: v4, ip6tables: v6 };
  const run: RunFn = (cmd, args) => ({ status: 0, stdout: args[0] === '-V' ? `${path.basename(cmd)} v1.8.9 (nf_tables)\n` : out[path.basename(cmd)], stderr: '' });
  const bin = file('iptables', '');
  fs.chmodSync(bin, 0o755);
  const bin6 = file('ip6tables', '');
  fs.chmodSync(bin6, 0o755);
  const d = dumpFirewall({ iptables: bin, ip6tables: bin6, ipv6: true, includeIps: false, run });
  assert.equal(d.status, 0);
  assert.equal(
    d.text,
    '\n[+] ip6tables policy dump:\nip6tables v1.8.9 (nf_tables)\n\n' + maskIpv6(v6) + '\n[+] iptables policy dump:\niptables v1.8.9 (nf_tables)\n\n' + maskIpv4(v4),
  );
  assert.match(d.text, /x\.x\.x\.x\/x\s+0\.0\.0\.0\/0/);
  assert.match(d.text, /x\.x\.x\.x\/x\s+x\.x\.x\.x\s+tcp dpt:22/);
  assert.doesNotMatch(d.text, /192\.168|10\.0\.0|10\.1\.2|fd00|fd01|2001:/);
  assert.match(d.text, /::\/x\s+::\/0/);
  assert.match(d.text, /MAC 00:11:22:33:44:55/);
  assert.equal(dumpFirewall({ iptables: bin, ip6tables: bin6, ipv6: false, includeIps: true, run }).text, '\n[+] iptables policy dump:\niptables v1.8.9 (nf_tables)\n\n' + v4);
  const miss = dumpFirewall({ iptables: path.join(dir, 'none'), ip6tables: bin6, ipv6: false, includeIps: false, run });
  assert.deepEqual(miss, { text: '\n[+] iptables policy dump:\n[*] Could not find iptables command.\n', status: 1 });
});

test('fwAnalyzeMain: FW_CHECK_FILE, the warning mail, the console, the status', () => {
  const root = tmpDir('fwcheck-main');
  const mailLog = path.join(root, 'mail.log');
  const mail = path.join(root, 'mail.sh');
  fs.writeFileSync(mail, `#!/bin/sh\nprintf 'ARGS:' >> ${mailLog}; for a in "$@"; do printf ' [%s]' "$a" >> ${mailLog}; done; echo >> ${mailLog}\ncat >> ${mailLog}\n`, { mode: 0o755 });
  const ovr = writeOverride(root, undefined, `mailCmd ${mail};\nHOSTNAME ${HOST};\nEMAIL_ADDRESSES a@example.org b@example.org;\nPROC_FORWARD_FILE ${FWD0};\n`);
  const cfg = loadConfig({ configFile: path.join(ROOT, 'etc', 'psad.conf'), overrideFiles: [ovr] });
  const fwFile = cfg.get('FW_CHECK_FILE');
  assert.ok(fwFile.startsWith(root));
  const bad = file('main-bad', chain('INPUT', 'policy ACCEPT', [DROP()], 'new') + others('new'));
  const lines: string[] = [];
  assert.equal(fwAnalyzeMain(cfg, { fwFile: bad, out: (s) => lines.push(s), analyze: true }), 1);
  const report = help('INPUT').repeat(cfg.get('ENABLE_IPV6_DETECTION') === 'Y' ? 2 : 1);
  assert.equal(fs.readFileSync(fwFile, 'utf8'), report);
  assert.equal(fs.readFileSync(mailLog, 'utf8'), `ARGS: [-s] [[psad-status] firewall setup warning on ${HOST}!] [a@example.org] [b@example.org]\n${report}`);
  assert.equal(
    lines.join(''),
    '[+] Parsing INPUT chain rules.\n'.repeat(cfg.get('ENABLE_IPV6_DETECTION') === 'Y' ? 2 : 1) +
      '[-] Errors found in firewall config.\n    emailed to a@example.org b@example.org\n' +
      `[+] Results in ${fwFile}\n[+] Exiting.\n`,
  );
  // success: no mail; without analyze nothing is printed
  fs.unlinkSync(mailLog);
  const good = file('main-good', chain('INPUT', 'policy ACCEPT', [LOG(), DROP()], 'new') + others('new'));
  const quiet: string[] = [];
  assert.equal(fwAnalyzeMain(cfg, { fwFile: good, out: (s) => quiet.push(s), analyze: false }), 0);
  assert.deepEqual(quiet, []);
  assert.equal(fs.readFileSync(fwFile, 'utf8'), SUCCESS);
  assert.equal(fs.existsSync(mailLog), false);
  // ALERTING_METHODS noemail: no mail, no "emailed to"
  const ovr2 = path.join(root, 'override2.conf');
  fs.writeFileSync(ovr2, 'ALERTING_METHODS noemail;\n');
  const cfg2 = loadConfig({ configFile: path.join(ROOT, 'etc', 'psad.conf'), overrideFiles: [ovr2, ovr] });
  const l2: string[] = [];
  assert.equal(fwAnalyzeMain(cfg2, { fwFile: bad, out: (s) => l2.push(s), analyze: true }), 1);
  assert.equal(fs.existsSync(mailLog), false);
  assert.ok(!l2.join('').includes('emailed'));
});
