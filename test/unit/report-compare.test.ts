import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { compareReports } from '../helpers/report-compare';

/**
 * The tie-aware report comparison used by the compatibility and golden
 * tests: it must accept what psad 2.4.6 leaves to Perl's hash order and
 * nothing else. Each rejected variant below differs from the report in one
 * fact only, so a rejection shows that this fact is compared.
 */

const SIGS: [string, number, number][] = [['MISC Microsoft SQL Server communication attempt', 3, 100205],
  ['BACKDOOR Doly 1.5 Connection attempt', 2, 1985], ['MISC Insecure TIMBUKTU communication attempt', 2, 505]];
const PORTS: [number, number][] = [[1433, 3], [1015, 2], [1417, 2], [1003, 1], [1004, 1]];

function report(o: { sigs?: typeof SIGS; ports?: typeof PORTS; dl?: number; os?: string[]; detailSigs?: string[]; prefix?: string[] } = {}): string {
  const sigs = o.sigs ?? SIGS;
  const ports = o.ports ?? PORTS;
  const os = o.os ?? ['Linux:2.6::Linux 2.6', 'SunOS:4.1::SunOS 4.1.x'];
  const detail = o.detailSigs ?? sigs.map(([m, c, s]) => `        Signature match: "${m}"\n            TCP, Chain: INPUT, Count: ${c}, DP: ${s % 1000}, SYN, Sid: ${s}`);
  return [
    '[+] Entering analysis mode.  Parsing in.log',
    '[+] Found 10 iptables log messages out of 10 total lines.',
    '[+] Version: psad v2.4.6',
    '',
    '[+] Top 50 signature matches:',
    ...sigs.map(([m, c, s]) => `      "${m}" (tcp),  Count: ${c},  Unique sources: 1,  Sid: ${s}`),
    '',
    '[+] Top 25 attackers:',
    `      192.0.2.7       DL: ${o.dl ?? 3}, Packets: 10, Sig count: 7`,
    '',
    '[+] Top 3 scanned ports:',
    ...ports.slice(0, 3).map(([p, c]) => `      tcp ${p}  ${c} packets`),
    '',
    '[+] iptables log prefix counters:',
    ...(o.prefix ?? ['      "DROP": 8', '      "REJECT": 2']),
    '',
    '    Total protocol packet counters:',
    '         tcp: 10 pkts',
    '',
    '[+] IP Status Detail:',
    '',
    `SRC:  192.0.2.7, DL: ${o.dl ?? 3}, Dsts: 1, Pkts: 10, Total protocols: 1, Unique sigs: 3`,
    '    Source OS fingerprint(s):',
    ...os.map((x) => `        ${x}`),
    '',
    '    DST: 198.51.100.1',
    '        Scanned ports: TCP 1003-1433, Pkts: 10, Chain: INPUT, Intf: eth0',
    ...detail,
    '',
    '    Total scan sources: 1',
    '    Total scan destinations: 1',
    '',
  ].join('\n');
}

const cmp = (ours: string, expected: string) => compareReports(ours, expected, 25, false);

test('a report equals itself', () => {
  assert.deepEqual(cmp(report(), report()), []);
});

test('one changed fact is a difference: a danger level, a count, a port, an OS guess, a prefix counter', () => {
  const exp = report();
  assert.notDeepEqual(cmp(report({ dl: 4 }), exp), [], 'danger level');
  assert.notDeepEqual(cmp(report({ sigs: [SIGS[0], [SIGS[1][0], 2, 9999], SIGS[2]] }), exp), [], 'a signature id');
  assert.notDeepEqual(cmp(report({ sigs: [[SIGS[0][0], 4, SIGS[0][2]], SIGS[1], SIGS[2]] }), exp), [], 'a signature count');
  assert.notDeepEqual(cmp(report({ ports: [[1434, 3], ...PORTS.slice(1)] }), exp), [], 'a port number, same count');
  assert.notDeepEqual(cmp(report({ os: ['Linux:2.6::Linux 2.6', 'Windows:XP::Windows XP'] }), exp), [], 'an OS guess');
  assert.notDeepEqual(cmp(report({ prefix: ['      "DROP": 9', '      "REJECT": 1'] }), exp), [], 'a prefix counter');
});

test('hash-ordered entries may come in any order', () => {
  const exp = report();
  // signature matches of a destination, OS guesses, prefix counters
  const detail = SIGS.map(([m, c, s]) => `        Signature match: "${m}"\n            TCP, Chain: INPUT, Count: ${c}, DP: 1, SYN, Sid: ${s}`);
  const sameDetail = report({ detailSigs: detail });
  assert.deepEqual(cmp(report({ detailSigs: [detail[2], detail[0], detail[1]] }), sameDetail), []);
  assert.deepEqual(cmp(report({ os: ['SunOS:4.1::SunOS 4.1.x', 'Linux:2.6::Linux 2.6'] }), exp), []);
  assert.deepEqual(cmp(report({ prefix: ['      "REJECT": 2', '      "DROP": 8'] }), exp), []);
  // equal counts in a top list
  assert.deepEqual(cmp(report({ sigs: [SIGS[0], SIGS[2], SIGS[1]] }), exp), []);
});

test('at the cut of a top list, another item of the cut count is accepted, an item of a higher count is not', () => {
  // expected: 1433 (3), 1015 (2), 1417 (2); the cut count is 2
  const exp = report();
  // another port with 2 packets instead of 1417: a tie at the cut, psad could have printed it
  assert.deepEqual(cmp(report({ ports: [[1433, 3], [1015, 2], [1500, 2]] }), exp), []);
  // the same counts, but the 3-packet port replaced by another 3-packet port: not a tie at the cut
  const diffs = cmp(report({ ports: [[1434, 3], [1015, 2], [1417, 2]] }), exp);
  assert.equal(diffs.length, 1, diffs.join('\n'));
  assert.match(diffs[0], /"1434 3" is not in the expected list and not a tie at the cut \(2\)/);
});

test('our own top lists must be in the deterministic order (count, then key)', () => {
  const exp = report();
  const swapped = report({ ports: [[1433, 3], [1417, 2], [1015, 2]] });
  assert.deepEqual(compareReports(swapped, exp, 25, false), [], 'order not checked');
  const d = compareReports(swapped, exp, 25, true);
  assert.ok(d.some((x) => /our order is not count-descending, key-ascending/.test(x)), d.join('\n'));
});
