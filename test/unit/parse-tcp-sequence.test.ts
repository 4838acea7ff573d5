import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Packet } from '../../src/ingest/packet';
import { parseLine, newParserState, ParserOptions, PKT_SUCCESS } from '../../src/ingest/parse';

/**
 * LOG --log-tcp-sequence writes `SEQ=n ACK=n` between DPT= and WINDOW=.
 * psad 2.4.6 reads that for IPv4 but takes IPv6 TCP lines with it for
 * errors; psad-node reads both (README, differences).
 */
const OPTS: ParserOptions = {
  requireInOut: true, ignoreKernelTimestamp: true, ignoreLogPrefixes: null, interfaceOnly: '', ignoreInterfaces: new Set(), customTsRe: null,
  noSnortSids: false, snortSidRe: /SID(\d+)/, fwSearchAll: true, fwSearch: [/DROP/], ipv6Detection: true, ignoreProtocols: new Set(),
  ignoreConntrackBugPkts: true, expectTcpOptions: true, ignorePorts: new Map(), dshield: false, restrictNet: null, nowText: () => 'Thu Jan  1 00:00:00 2026',
};
const V6 = 'Jan  1 00:00:00 fw kernel: [ 4195.053342] DROP IN=vethfw OUT= MAC=7e:ea:7a:ad:34:18:0a:31:a2:db:6f:dd:86:dd SRC=2001:0db8:0014:0000:0000:0000:0000:0007 DST=2001:0db8:0014:0000:0000:0000:0000:0001 LEN=64 TC=0 HOPLIMIT=255 FLOWLBL=0 PROTO=TCP SPT=51925 DPT=139 SEQ=1739422852 ACK=0 WINDOW=1024 RES=0x00 SYN URGP=0 OPT (020405B4)';

function parse(line: string): Packet {
  const p = new Packet();
  assert.equal(parseLine(line, true, p, OPTS, newParserState()), PKT_SUCCESS, line);
  return p;
}

test('an IPv6 TCP line with SEQ= and ACK= is read: the same packet as without them, plus the numbers', () => {
  const withSeq = parse(V6);
  const without = parse(V6.replace(' SEQ=1739422852 ACK=0', ''));
  assert.equal(withSeq.tcpSeq, 1739422852);
  assert.equal(withSeq.tcpAck, 0);
  for (const k of ['src', 'dst', 'sp', 'dp', 'win', 'flags', 'tcpOpts', 'ipLen', 'hopLimit'] as const) assert.equal(withSeq[k], without[k], k);
  assert.equal(without.dp, 139);
  assert.equal(without.flags, 'SYN');
});

test('only SEQ= then ACK= may stand there: other text between DPT= and WINDOW= is still an error', () => {
  for (const bad of [V6.replace('SEQ=1739422852 ACK=0', 'ACK=0 SEQ=1'), V6.replace('SEQ=1739422852 ACK=0', 'SEQ=x ACK=0'), V6.replace(' ACK=0', '')]) {
    assert.notEqual(parseLine(bad, true, new Packet(), OPTS, newParserState()), PKT_SUCCESS, bad);
  }
});
