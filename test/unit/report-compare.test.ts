import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { REFERENCE } from '../helpers/paths';
import { compareReports } from '../helpers/report-compare';

const cmp = (a: string, b: string) => compareReports(a, b, 25, false);
const exp = (n: string) => fs.readFileSync(path.join(REFERENCE, 'expected', `${n}.analysis.txt`), 'latin1');

test('the report comparison accepts a report and rejects changed facts', () => {
  const a = exp('syn_scan_1000_1500');
  assert.deepEqual(cmp(a, a), []);
  assert.notDeepEqual(cmp(a.replace('DL: 3, Dsts: 1', 'DL: 4, Dsts: 1'), a), []);
  assert.notDeepEqual(cmp(a.replace('Count: 2,  Unique sources: 1,  Sid: 1985', 'Count: 3,  Unique sources: 1,  Sid: 1985'), a), []);
  assert.notDeepEqual(cmp(a.replace('tcp 1003  2 packets', 'tcp 1003  1 packets'), a), []);
  assert.notDeepEqual(cmp(a.replace('SunOS:4.1::SunOS 4.1.x', 'Linux'), a), []);
  assert.notDeepEqual(cmp(exp('fin_scan_1000_1150'), a), []);
});

test('the report comparison ignores the order of hash-ordered entries only', () => {
  const a = exp('syn_scan_1000_1500');
  const sigA = '        Signature match: "BACKDOOR Doly 1.5 Connection attempt"\n            TCP, Chain: INPUT, Count: 2, DP: 1015, SYN, Sid: 1985\n';
  const sigB = '        Signature match: "MISC Insecure TIMBUKTU communication attempt"\n            TCP, Chain: INPUT, Count: 2, DP: 1417, SYN, Sid: 505\n';
  assert.ok(a.includes(sigA + sigB));
  assert.deepEqual(cmp(a.replace(sigA + sigB, sigB + sigA), a), []);
  // a port that is not a tie at the cut of the top list is a difference
  assert.notDeepEqual(cmp(a.replace('tcp 1003  2 packets', 'tcp 9999  2 packets').replace(/tcp 1391  2 packets/, 'tcp 1391  2 packets'), a.replace('tcp 1003  2 packets', 'tcp 1003  3 packets')), []);
});
