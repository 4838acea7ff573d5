import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { ParserOptions, PKT_ERROR, PKT_IGNORE, PKT_SUCCESS, newParserState, parseLine } from '../../src/ingest/parse';
import { Packet } from '../../src/ingest/packet';
import { DebugTrace } from '../../src/text/debug-trace';

/**
 * The parser's --debug lines (psad 2.4.6's parse_NF_pkt_str() points) and
 * its reading of damaged lines: what a recording trace receives, per line.
 */
const LINE = 'Nov 24 20:55:55 vm kernel: [ 2671.561306] DROP IN=vethfw OUT= MAC=1e:ac:a4:97:71:4b:5a:93:3a:ca:8d:bf:08:00 SRC=10.77.0.2 DST=10.77.0.1 LEN=44 TOS=0x00 PREC=0x00 TTL=53 ID=31552 PROTO=TCP SPT=51199 DPT=587 WINDOW=1024 RES=0x00 SYN URGP=0 OPT (020405B4) ';

class Recorder implements DebugTrace {
  verbose = false;
  testMode = false;
  text = { err: '', out: '' };
  err(t: string): void { this.text.err += t; }
  out(t: string): void { this.text.out += t; }
}

function opts(debug: DebugTrace | null): ParserOptions {
  return {
    requireInOut: true, ignoreKernelTimestamp: true, ignoreLogPrefixes: null, interfaceOnly: '', ignoreInterfaces: new Set(),
    customTsRe: null, noSnortSids: false, snortSidRe: /SID(\d+)/, fwSearchAll: true, fwSearch: [], ipv6Detection: true,
    ignoreProtocols: new Set(), ignoreConntrackBugPkts: true, expectTcpOptions: true, ignorePorts: new Map(), dshield: false,
    restrictNet: null, nowText: () => 'Sun Dec  6 04:16:41 2026', debug,
  };
}

function parse(line: string): { rv: number; p: Packet; err: string; out: string } {
  const r = new Recorder();
  const p = new Packet();
  const rv = parseLine(line, true, p, opts(r), newParserState());
  // the same verdict without the trace
  const q = new Packet();
  assert.equal(parseLine(line, true, q, opts(null), newParserState()), rv);
  return { rv, p, ...r.text };
}

test('--debug: the line, the MAC addresses, then the timestamp and host on stdout', () => {
  const r = parse(LINE);
  assert.equal(r.rv, PKT_SUCCESS);
  assert.equal(r.err, `\n${LINE}\n[+] src mac addr: 5a:93:3a:ca:8d:bf\n[+] dst mac addr: 1e:ac:a4:97:71:4b\n`);
  assert.equal(r.out, '[+] timestamp: Nov 24 20:55:55\n    syslog hostname: vm\n');
});

test('--debug: why a line is an error or ignored', () => {
  const cases: [string, number, string][] = [
    [LINE.replace('IN=vethfw OUT= ', 'IN= OUT= '), PKT_ERROR, '[-] err packet: could not determine interface and chain.'],
    [LINE.replace('PROTO=TCP', 'PROTO=XTP'), PKT_ERROR, '[-] err packet: unrecognized protocol'],
    [LINE.replace('WINDOW=1024', 'WINDOW=x'), PKT_ERROR, '[-] err packet: strange IPv4 TCP format'],
    [LINE.replace(' SYN ', ' ACK '), PKT_IGNORE, '[-] err packet: matched ACK or RST flag.'],
    [LINE.replace(' SYN ', ' BOGUS '), PKT_ERROR, '[-] err packet: bad tcp flags.'],
    // damaged values no kernel writes: psad 2.4.6 counted them
    [LINE.replace('DPT=587', 'DPT=587587'), PKT_ERROR, '[-] err packet: strange IPv4 TCP format'],
    [LINE.replace('SPT=51199', 'SPT=5119951199'), PKT_ERROR, '[-] err packet: strange IPv4 TCP format'],
    [LINE.replace(/PROTO=TCP.*$/, 'PROTO=4747 '), PKT_ERROR, '[-] err packet: unrecognized protocol'],
    [LINE.replace(/PROTO=TCP.*$/, 'PROTO=47 '), PKT_SUCCESS, ''],
    // still ignored, not an error, when psad ignores it
    [LINE.replace('DPT=587', 'DPT=587587').replace(' SYN ', ' RST '), PKT_IGNORE, '[-] err packet: matched ACK or RST flag.'],
  ];
  for (const [line, rv, msg] of cases) {
    const r = parse(line);
    assert.equal(r.rv, rv, line);
    const last = r.err.trimEnd().split('\n').pop()!;
    if (msg) assert.equal(last, msg, line);
    else assert.doesNotMatch(r.err, /err packet/);
  }
});

test('--debug: Topera and masscan findings', () => {
  const v6 = 'Dec 20 20:10:01 rohan kernel: [  449.059230] DROP IN=eth0 OUT= MAC=00:1b:b9:76:9c:e4:00:13:46:3a:41:36:86:dd SRC=2012:1234:1234:0000:0000:0000:0000:0001 DST=2012:1234:1234:0000:0000:0000:0000:0002 LEN=132 TC=0 HOPLIMIT=64 FLOWLBL=0 OPT ( ) OPT ( ) OPT ( ) OPT ( ) OPT ( ) OPT ( ) OPT ( ) PROTO=TCP SPT=58537 DPT=1234 WINDOW=8192 RES=0x00 SYN URGP=0 ';
  const r = parse(v6);
  assert.equal(r.rv, PKT_SUCCESS);
  assert.match(r.err, /\n {4}Topera IPv6 scan\n$/);
  assert.equal(r.p.isTopera, 1);
  // six groups are not Topera
  assert.doesNotMatch(parse(v6.replace('OPT ( ) PROTO', 'PROTO')).err, /Topera/);
  // a SYN without TCP options once options have been seen
  const rec = new Recorder();
  const st = newParserState();
  parseLine(LINE, true, new Packet(), opts(rec), st);
  parseLine(LINE.replace(' OPT (020405B4) ', ' '), true, new Packet(), opts(rec), st);
  assert.match(rec.text.err, /\n {4}Masscan SYN scan\n$/);
});

test('a kernel line whose "kernel:" tag is damaged is not read as a ulogd LOGEMU line', () => {
  const r = parse(LINE.replace('kernel:', 'kerne:'));
  assert.equal(r.rv, PKT_SUCCESS);
  // as psad 2.4.6: no syslog host, no log prefix
  assert.equal(r.p.syslogHost, 'unknown');
  assert.equal(r.p.logPrefix, '');
  assert.equal(r.out, '[+] timestamp: Sun Dec  6 04:16:41 2026\n    syslog hostname: unknown\n');
  // a LOGEMU line is (TOS without 0x)
  const emu = parse('Nov 24 22:18:01 vm DROP  IN=vfw0 OUT= MAC=2e:58:92:f6:aa:4b:36:3c:92:c0:3b:a7:08:00 SRC=10.79.0.3 DST=10.79.0.1 LEN=44 TOS=00 PREC=0x00 TTL=56 ID=15514 PROTO=TCP SPT=64629 DPT=3001 SEQ=3343168967 ACK=0 WINDOW=1024 SYN URGP=0 MARK=0x0 ');
  assert.equal(emu.rv, PKT_SUCCESS);
  assert.equal(emu.p.syslogHost, 'vm');
  assert.equal(emu.p.logPrefix, 'DROP');
});
