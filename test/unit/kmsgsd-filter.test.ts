import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  compileFilter, filterChunks, finishCarry, FilterSpec, lineMatches, processChunk,
} from '../../src/daemon/kmsgsd';
import { EMPTY_CARRY } from '../../src/ingest/line-splitter';

const ALL: FilterSpec = { searchAll: true, patterns: [], sidStr: 'SID' };
const DROP_ONLY: FilterSpec = { searchAll: false, patterns: ['DROP'], sidStr: 'SID' };

const fw = (prefix: string, n: number) =>
  `Nov 24 10:00:0${n % 10} host kernel: [1.${n}] ${prefix} IN=eth0 OUT= MAC=00:11 SRC=10.0.0.${n} DST=10.0.0.254 LEN=60 PROTO=TCP SPT=${40000 + n} DPT=22 SYN URGP=0\n`;
const other = (n: number) => `Nov 24 10:00:0${n % 10} host kernel: [1.${n}] usb 1-1: new high-speed USB device number ${n}\n`;

test('a line split across chunks is joined and judged once', () => {
  const line = fw('DROP', 1);
  for (let cut = 1; cut < line.length; cut += 7) {
    assert.deepEqual(filterChunks([line.slice(0, cut), line.slice(cut)], ALL), [line], `cut at ${cut}`);
  }
  // one byte per read
  assert.deepEqual(filterChunks([...line], ALL), [line]);
  // the part before the newline alone forwards nothing
  assert.deepEqual(filterChunks([line.slice(0, -1)], ALL), []);
});

test('several lines in one chunk are judged one by one', () => {
  const chunk = fw('DROP', 1) + other(2) + fw('DROP', 3) + other(4) + fw('ACCEPT', 5);
  assert.deepEqual(filterChunks([chunk], ALL), [fw('DROP', 1), fw('DROP', 3), fw('ACCEPT', 5)]);
  assert.deepEqual(filterChunks([chunk], DROP_ONLY), [fw('DROP', 1), fw('DROP', 3)]);
  // a chunk boundary in the middle of the second firewall line
  const cut = chunk.indexOf('DROP', chunk.indexOf('DROP') + 1) + 2;
  assert.deepEqual(filterChunks([chunk.slice(0, cut), chunk.slice(cut)], ALL), [fw('DROP', 1), fw('DROP', 3), fw('ACCEPT', 5)]);
});

test('a chunk that is only a newline ends the previous line', () => {
  const line = fw('DROP', 7);
  assert.deepEqual(filterChunks([line.slice(0, -1), '\n'], ALL), [line]);
  assert.deepEqual(filterChunks([line.slice(0, -1), '\n', line.slice(0, -1), '\n'], ALL), [line, line]);
  // a lone newline with nothing before it is an empty line: dropped
  assert.deepEqual(filterChunks(['\n', '\n'], ALL), []);
  // the text of a writer that sends the text and the newline separately is not concatenated
  assert.deepEqual(filterChunks([fw('DROP', 1).trimEnd(), '\n', fw('DROP', 2).trimEnd(), '\n'], ALL), [fw('DROP', 1), fw('DROP', 2)]);
});

test('FW_SEARCH_ALL N keeps only lines with a FW_MSG_SEARCH string or SNORT_SID_STR', () => {
  const spec: FilterSpec = { searchAll: false, patterns: ['DROP', 'REJECT '], sidStr: 'SID' };
  const lines = [fw('DROP', 1), fw('ACCEPT', 2), fw('REJECT', 3), fw('SID2003', 4), fw('[fwsnort SID123]', 5), fw('LOGGED', 6)];
  assert.deepEqual(filterChunks([lines.join('')], spec), [lines[0], lines[2], lines[3], lines[4]]);
  // plain, case-sensitive substrings (no regular expressions)
  const dots: FilterSpec = { searchAll: false, patterns: ['D.OP'], sidStr: 'sid' };
  assert.deepEqual(filterChunks([lines.join('')], dots), []);
  assert.deepEqual(filterChunks([fw('xD.OPx', 9)], dots), [fw('xD.OPx', 9)]);
  // with search-all every firewall line goes through
  assert.deepEqual(filterChunks([lines.join('')], { ...spec, searchAll: true }), lines);
});

test('lines without both IN= and OUT= are dropped', () => {
  const f = compileFilter(ALL);
  assert.equal(lineMatches(Buffer.from('kernel: DROP IN=eth0 SRC=1.2.3.4\n'), f), false);
  assert.equal(lineMatches(Buffer.from('kernel: DROP OUT=eth0 SRC=1.2.3.4\n'), f), false);
  assert.equal(lineMatches(Buffer.from('kernel: DROP OUT= IN=eth0 SRC=1.2.3.4\n'), f), true);
  const text = other(1) + 'sshd[12]: Accepted publickey for root\n' + fw('DROP', 2) + 'IN= only\n' + other(3);
  assert.deepEqual(filterChunks([text], ALL), [fw('DROP', 2)]);
  assert.deepEqual(filterChunks([text], DROP_ONLY), [fw('DROP', 2)]);
});

test('bytes are kept as they are; an unterminated last line is kept for the next read', () => {
  const bin = Buffer.concat([Buffer.from('kernel: DROP IN=eth0 OUT= \xe9\xff'), Buffer.from([0, 1, 2]), Buffer.from('\n')]);
  const f = compileFilter(ALL);
  const r1 = processChunk(EMPTY_CARRY, bin.subarray(0, 10), f);
  assert.deepEqual(r1.lines, []);
  assert.equal(r1.carry.length, 10);
  const r2 = processChunk(r1.carry, bin.subarray(10), f);
  assert.equal(r2.lines.length, 1);
  assert.ok(r2.lines[0].equals(bin));
  assert.equal(r2.carry.length, 0);
  // the input carry is not modified
  assert.equal(r1.carry.length, 10);
  // at shutdown the unterminated line is forwarded with a newline if it matches
  const r3 = processChunk(EMPTY_CARRY, Buffer.from('kernel: DROP IN=eth0 OUT= end'), f);
  assert.equal(finishCarry(r3.carry, f)?.toString(), 'kernel: DROP IN=eth0 OUT= end\n');
  assert.equal(finishCarry(processChunk(EMPTY_CARRY, Buffer.from('no firewall'), f).carry, f), null);
});

test('a long line is forwarded whole; a line over the limit is dropped and the next one kept', () => {
  const long = `kernel: DROP IN=eth0 OUT= ${'x'.repeat(1100)} SRC=1.2.3.4\n`;
  // read in pieces of 1023 bytes, as the reference did
  const pieces: string[] = [];
  for (let i = 0; i < long.length; i += 1023) pieces.push(long.slice(i, i + 1023));
  assert.deepEqual(filterChunks(pieces, ALL), [long]);
  // over a 100-byte limit: dropped up to its newline, counted once
  const f = compileFilter(ALL);
  let carry = EMPTY_CARRY;
  const out: string[] = [];
  let oversized = 0;
  const short = 'DROP IN=a OUT=b\n';
  for (const p of [long.slice(0, 60), long.slice(60, 500), long.slice(500) + short]) {
    const r = processChunk(carry, Buffer.from(p), f, 100);
    carry = r.carry;
    oversized += r.oversized;
    out.push(...r.lines.map((l) => l.toString()));
  }
  assert.deepEqual(out, [short]);
  assert.equal(oversized, 1);
  assert.equal(carry.length, 0);
  assert.ok(carry.parts.length === 0);
  const line = fw('DROP', 1);
  assert.equal(line.length - 1 <= 200, true);
  assert.deepEqual(filterChunks([long + line], ALL, 200), [line]);
  assert.deepEqual(filterChunks([long.slice(0, 50), long.slice(50) + line], ALL, 200), [line]);
  // more than 1 MB in 64 KiB reads
  const huge = `kernel: DROP IN=eth0 OUT= ${'y'.repeat(1_200_000)}\n`;
  const reads: Buffer[] = [];
  const hb = Buffer.from(huge);
  for (let i = 0; i < hb.length; i += 65536) reads.push(hb.subarray(i, i + 65536));
  const got = filterChunks(reads, ALL);
  assert.equal(got.length, 1);
  assert.equal(got[0], huge);
});
