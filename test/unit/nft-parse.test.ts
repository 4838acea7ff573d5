import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { ParserOptions, PKT_ERROR, PKT_SUCCESS, newParserState, parseLine } from '../../src/ingest/parse';
import { Packet } from '../../src/ingest/packet';
import { fromLogemu } from '../../src/ingest/ulogd';
import { ROOT } from '../helpers/paths';

/**
 * The parser on real lines of nftables `log` statements (kernel log, read by
 * rsyslog) and of `log group` collected by ulogd2's LOGEMU output, captured
 * by test/fixtures/nft/capture.sh in network namespaces: every field nft can
 * add (flags all = tcp sequence + tcp options + ip options + skuid + ether,
 * level, meta mark) on input, forward and output hooks, IPv4 and IPv6, TCP,
 * UDP, ICMP, ICMPv6 and IP protocol 47.
 */

const FIX = path.join(ROOT, 'test', 'fixtures', 'nft');
const kernel = fs.readFileSync(path.join(FIX, 'kernel.log'), 'latin1').split('\n').filter((l) => l);
const logemu = fs.readFileSync(path.join(FIX, 'ulogd-logemu.log'), 'latin1').split('\n').filter((l) => l);

function opts(over: Partial<ParserOptions> = {}): ParserOptions {
  return {
    requireInOut: false, ignoreKernelTimestamp: true, ignoreLogPrefixes: null, interfaceOnly: '', ignoreInterfaces: new Set(),
    customTsRe: null, noSnortSids: false, snortSidRe: /SID(\d+)/, fwSearchAll: true, fwSearch: [], ipv6Detection: true,
    ignoreProtocols: new Set(), ignoreConntrackBugPkts: true, expectTcpOptions: true, ignorePorts: new Map(), dshield: false,
    restrictNet: null, nowText: () => 'NOW', ...over,
  };
}

function parse(line: string, o = opts()): { rv: number; p: Packet } {
  const p = new Packet();
  const rv = parseLine(line, true, p, o, newParserState());
  return { rv, p };
}

/** The one fixture line matching all the patterns. */
function line(lines: string[], ...pats: RegExp[]): string {
  const hits = lines.filter((l) => pats.every((r) => r.test(l)));
  assert.equal(hits.length, 1, `one line matching ${pats.join(' ')} (got ${hits.length})`);
  return hits[0];
}

const V4 = /SRC=10\.79\.0\.2 /;
const V6 = /SRC=fd79:0000:0000:0000:0000:0000:0000:0002 /;
const SCAN6 = 'fd79:0000:0000:0000:0000:0000:0000:0002';
const FW6 = 'fd79:0000:0000:0000:0000:0000:0000:0001';

test('fixtures: real captures of every kind', () => {
  assert.ok(kernel.length >= 25, `${kernel.length} kernel lines`);
  assert.ok(logemu.length >= 8, `${logemu.length} LOGEMU lines`);
  for (const l of kernel) assert.match(l, /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ kernel: /);
  for (const l of logemu) assert.doesNotMatch(l, /kernel:/);
});

test('nft log lines: every line parses, except IPv6 TCP with SEQ= (as in psad 2.4.6)', () => {
  for (const l of kernel) {
    const { rv, p } = parse(l);
    const v6seq = /HOPLIMIT=/.test(l) && /PROTO=TCP .*SEQ=/.test(l);
    if (v6seq) {
      // psad's IPv6 TCP pattern wants WINDOW= right after DPT= (detection.md 1.1); the compat
      // suite holds the port to that, and the nftables check reports such log statements
      assert.equal(rv, PKT_ERROR, l);
      continue;
    }
    assert.equal(rv, PKT_SUCCESS, l);
    assert.equal(p.intf, 'vfw0');
    assert.equal(p.syslogHost, l.split(/\s+/)[3]);
    assert.equal(p.timestamp, l.slice(0, 15));
  }
});

test('log prefix "DROP " (plain): prefix, chain, interface, MACs, IPv4 header and TCP fields', () => {
  const { rv, p } = parse(line(kernel, V4, /DPT=1001 /));
  assert.equal(rv, PKT_SUCCESS);
  assert.equal(p.logPrefix, 'DROP');
  assert.equal(p.chain, 'INPUT');
  assert.equal(p.intf, 'vfw0');
  assert.match(p.srcMac, /^(?:[0-9a-f]{2}:){5}[0-9a-f]{2}$/);
  assert.match(p.dstMac, /^(?:[0-9a-f]{2}:){5}[0-9a-f]{2}$/);
  assert.equal(p.src, '10.79.0.2');
  assert.equal(p.dst, '10.79.0.1');
  assert.equal(p.proto, 'tcp');
  assert.equal(p.dp, 1001);
  assert.ok(p.sp > 0);
  assert.equal(p.flags, 'SYN');
  assert.equal(p.win, 1024);
  assert.equal(p.tos, '0x00');
  assert.ok(p.ttl > 0 && p.ipId >= 0 && p.ipLen === 44);
  assert.equal(p.tcpSeq, -1);
  assert.equal(p.tcpOpts, '');
});

test('flags all (IPv4): MACSRC/MACDST (ether), SEQ/ACK (tcp sequence), TCP options', () => {
  const l = line(kernel, V4, /DPT=1002 /);
  assert.match(l, / MACSRC=\S+ MACDST=\S+ MACPROTO=0800 /);
  assert.match(l, / SEQ=\d+ ACK=0 WINDOW=/);
  const { rv, p } = parse(l);
  assert.equal(rv, PKT_SUCCESS);
  assert.equal(p.srcMac, /MACSRC=(\S+)/.exec(l)![1]);
  assert.equal(p.dstMac, /MACDST=(\S+)/.exec(l)![1]);
  assert.equal(p.tcpSeq, Number(/SEQ=(\d+)/.exec(l)![1]));
  assert.equal(p.tcpAck, 0);
  assert.equal(p.tcpOpts, '020405B4');
  assert.equal(p.flags, 'SYN');
});

test('flags tcp sequence, flags ether, meta mark + level warn, no prefix + level debug', () => {
  const seqLine = line(kernel, V4, /DPT=1003 /);
  const seq = parse(seqLine);
  assert.equal(seq.rv, PKT_SUCCESS);
  assert.equal(seq.p.tcpSeq, Number(/ SEQ=(\d+) /.exec(seqLine)![1]));
  const eth = line(kernel, V4, /DPT=1005 /);
  assert.doesNotMatch(eth, / MAC=/);
  const e = parse(eth);
  assert.equal(e.rv, PKT_SUCCESS);
  assert.equal(e.p.srcMac, /MACSRC=(\S+)/.exec(eth)![1]);
  const mark = line(kernel, V4, /DPT=1006 /);
  assert.match(mark, / URGP=0 MARK=0x2a $/);
  const m = parse(mark);
  assert.equal(m.rv, PKT_SUCCESS);
  assert.equal(m.p.flags, 'SYN');
  assert.equal(m.p.tcpOpts, '');
  const np = parse(line(kernel, V4, /DPT=1007 /));
  assert.equal(np.rv, PKT_SUCCESS);
  assert.equal(np.p.logPrefix, '');
  assert.equal(np.p.dp, 1007);
});

test('flags ip options: record route and timestamp options; TCP options after URGP=', () => {
  const rr = parse(line(kernel, V4, /DPT=1004 /, / OPT \(01/));
  assert.equal(rr.rv, PKT_SUCCESS);
  assert.match(rr.p.ipOpts, /^010727/);
  assert.equal(rr.p.tcpOpts, '020405B4');
  const ts = parse(line(kernel, V4, /DPT=1099 /));
  assert.equal(ts.rv, PKT_SUCCESS);
  assert.equal(ts.p.ipOpts, '44040510');
});

test('UDP, ICMP echo, FIN/XMAS/NULL, IP protocol 47 (IPv4)', () => {
  const u = parse(line(kernel, V4, /PROTO=UDP /));
  assert.equal(u.rv, PKT_SUCCESS);
  assert.deepEqual([u.p.proto, u.p.dp, u.p.udpLen], ['udp', 1009, 8]);
  const i = parse(line(kernel, V4, /PROTO=ICMP /));
  assert.equal(i.rv, PKT_SUCCESS);
  assert.deepEqual([i.p.proto, i.p.itype, i.p.icode], ['icmp', 8, 0]);
  assert.equal(i.p.icmpId, 0); // the reference's shifted capture: CODE
  const flags = (dp: number) => parse(line(kernel, V4, new RegExp(`DPT=${dp} `))).p.flags;
  assert.equal(flags(1100), 'FIN');
  assert.equal(flags(1101), 'URG PSH FIN');
  assert.equal(flags(1102), 'NULL');
  const g = parse(line(kernel, V4, /PROTO=47 /));
  assert.equal(g.rv, PKT_SUCCESS);
  assert.equal(g.p.proto, '47');
});

test('IPv6: TCP (plain, options, ether, mark), UDP, ICMPv6, FIN', () => {
  for (const dp of [1001, 1004, 1005, 1006, 1007]) {
    const { rv, p } = parse(line(kernel, V6, new RegExp(`PROTO=TCP .*DPT=${dp} `)));
    assert.equal(rv, PKT_SUCCESS, String(dp));
    assert.deepEqual([p.src, p.dst, p.isIpv6, p.proto, p.dp, p.flags, p.hopLimit], [SCAN6, FW6, 1, 'tcp', dp, 'SYN', 255]);
    if (dp === 1004) assert.equal(p.tcpOpts, '020405B4');
    if (dp === 1005) assert.match(p.srcMac, /^(?:[0-9a-f]{2}:){5}[0-9a-f]{2}$/);
  }
  const u = parse(line(kernel, V6, /PROTO=UDP /));
  assert.deepEqual([u.rv, u.p.proto, u.p.dp], [PKT_SUCCESS, 'udp', 1009]);
  const i = parse(line(kernel, V6, /PROTO=ICMPv6 /));
  assert.deepEqual([i.rv, i.p.proto, i.p.itype, i.p.icode], [PKT_SUCCESS, 'icmp6', 128, 0]);
  const f = parse(line(kernel, V6, /DPT=1100 /));
  assert.deepEqual([f.rv, f.p.flags], [PKT_SUCCESS, 'FIN']);
  // flags all / flags tcp sequence: SEQ= between DPT= and WINDOW=
  for (const dp of [1002, 1003]) assert.equal(parse(line(kernel, V6, new RegExp(`DPT=${dp} SEQ=`))).rv, PKT_ERROR);
  // with IPv6 detection off these lines are ignored, not errors
  assert.equal(parse(line(kernel, V6, /DPT=1001 /), opts({ ipv6Detection: false })).rv, 1);
});

test('forward hook (OUT= set) and output hook with flags skuid (UID=/GID=)', () => {
  const f4 = parse(line(kernel, /FWD DROP/, /SRC=10\.79\.0\.2 /, /DPT=2001 /));
  assert.deepEqual([f4.rv, f4.p.chain, f4.p.intf, f4.p.logPrefix, f4.p.dst], [PKT_SUCCESS, 'FORWARD', 'vfw0', 'FWD DROP', '10.79.1.2']);
  const f6 = parse(line(kernel, /FWD DROP/, V6, /DPT=2002 /));
  assert.deepEqual([f6.rv, f6.p.chain, f6.p.dst, f6.p.hopLimit], [PKT_SUCCESS, 'FORWARD', 'fd79:0001:0000:0000:0000:0000:0000:0002', 254]);
  const out = line(kernel, / OUT /);
  assert.match(out, / UID=0 GID=0 $/);
  const o = parse(out);
  assert.deepEqual([o.rv, o.p.chain, o.p.intf, o.p.src, o.p.dp, o.p.srcMac], [PKT_SUCCESS, 'OUTPUT', 'vfw0', '10.79.0.1', 1010, '']);
});

test('FW_SEARCH_ALL N: the FW_MSG_SEARCH pattern is matched against nft lines as against iptables ones', () => {
  const o = opts({ fwSearchAll: false, fwSearch: [/DROP/] });
  assert.equal(parse(line(kernel, V4, /DPT=1001 /), o).rv, PKT_SUCCESS);
  assert.equal(parse(line(kernel, V4, /DPT=1007 /), o).rv, 1); // no prefix: ignored
});

// ------------------------------------------------------------ ulogd2 LOGEMU

const U4 = /SRC=10\.79\.0\.3 /;
const U6 = /SRC=fd79::3 /;
const ULOG6 = 'fd79:0000:0000:0000:0000:0000:0000:0003';

test('ulogd2 LOGEMU: every line parses (but the one ulogd wrote without addresses)', () => {
  for (const l of logemu) {
    const { rv, p } = parse(l);
    if (!/ SRC=/.test(l)) {
      // ulogd2 2.0.8 writes `LEN=0 ... PROTO=0` without SRC/DST for the GRE probe of nmap -sO
      assert.equal(rv, PKT_ERROR, l);
      continue;
    }
    assert.equal(rv, PKT_SUCCESS, l);
    assert.equal(p.logPrefix, 'DROP');
    assert.equal(p.chain, 'INPUT');
    assert.equal(p.intf, 'vfw0');
    assert.equal(p.syslogHost, l.split(/\s+/)[3]);
    assert.equal(p.timestamp, l.slice(0, 15));
    assert.equal(p.raw, l);
  }
});

test('ulogd2 LOGEMU IPv4: TOS without 0x, no RES=, SEQ=/ACK=, MARK=', () => {
  const l = line(logemu, U4, /DPT=3001 /);
  assert.match(l, / TOS=00 /);
  assert.doesNotMatch(l, /RES=/);
  const { p } = parse(l);
  assert.deepEqual([p.src, p.dst, p.proto, p.dp, p.flags, p.tos], ['10.79.0.3', '10.79.0.1', 'tcp', 3001, 'SYN', '0x00']);
  assert.equal(p.tcpSeq, Number(/SEQ=(\d+)/.exec(l)![1]));
  assert.equal(parse(line(logemu, U4, /DPT=3004 /)).p.flags, 'FIN');
  const u = parse(line(logemu, U4, /PROTO=UDP /)).p;
  assert.deepEqual([u.proto, u.dp, u.udpLen], ['udp', 3003, 8]);
  const i = parse(line(logemu, U4, /PROTO=ICMP /)).p;
  assert.deepEqual([i.proto, i.itype], ['icmp', 8]);
});

test('ulogd2 LOGEMU IPv6: compressed addresses, SEQ= before WINDOW=', () => {
  const l = line(logemu, U6, /DPT=3001 /);
  assert.match(l, / SEQ=\d+ ACK=0 WINDOW=/);
  const { rv, p } = parse(l);
  assert.equal(rv, PKT_SUCCESS);
  assert.deepEqual([p.src, p.dst, p.isIpv6, p.proto, p.dp, p.flags], [ULOG6, FW6, 1, 'tcp', 3001, 'SYN']);
  assert.equal(p.tcpSeq, Number(/SEQ=(\d+)/.exec(l)![1]));
  const u = parse(line(logemu, U6, /PROTO=UDP /)).p;
  assert.deepEqual([u.src, u.proto, u.dp], [ULOG6, 'udp', 3003]);
  const i = parse(line(logemu, U6, /PROTO=ICMPv6 /)).p;
  assert.deepEqual([i.src, i.proto, i.itype], [ULOG6, 'icmp6', 128]);
});

test('fromLogemu: the kernel form of a LOGEMU line; other lines are left alone', () => {
  const l = line(logemu, U6, /DPT=3002 /);
  const k = fromLogemu(l)!;
  assert.match(k, /^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ kernel: DROP  IN=vfw0 OUT= /);
  assert.match(k, / SRC=fd79:0000:0000:0000:0000:0000:0000:0003 DST=fd79:0000:0000:0000:0000:0000:0000:0001 /);
  assert.match(k, / DPT=3002 WINDOW=\d+ RES=0x00 SYN URGP=0 SEQ=\d+ ACK=0 MARK=0x0/);
  // a NULL scan line (no flags: the RES= the kernel writes keeps the flags text apart)
  const nul = line(logemu, U4, /DPT=3004 /).replace(' FIN URGP=', ' URGP=');
  const n = parse(nul);
  assert.deepEqual([n.rv, n.p.flags], [PKT_SUCCESS, 'NULL']);
  assert.equal(fromLogemu(kernel[0]), null);
  assert.equal(fromLogemu('Nov 24 22:18:01 vm sshd[1]: Accepted publickey for root'), null);
  assert.equal(fromLogemu(`${'IN='.repeat(1000)} OUT=`), null);
  // no prefix: the host name is followed by IN= directly
  const np = parse(l.replace(' DROP  IN=', ' IN='));
  assert.deepEqual([np.rv, np.p.logPrefix, np.p.syslogHost], [PKT_SUCCESS, '', l.split(/\s+/)[3]]);
});
