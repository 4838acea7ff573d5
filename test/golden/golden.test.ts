import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT } from '../helpers/paths';
import { compareOutputs, goldenCases, readExpected, runCase } from '../helpers/golden';

/**
 * The golden cases (test/golden/<case>/, see test/helpers/golden.ts): each
 * captured log through psad-node, its -A report, CSV rows, analysis files
 * and alert mails against what psad 2.4.6 printed for it. Runs in any time
 * zone: the expected files hold psad 2.4.6's output in UTC, and the scan
 * start psad-node prints in local time is compared as the UTC time it
 * stands for.
 */
const README = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
const cases = goldenCases();

test('there are golden cases, each with its captured log and expected outputs', () => {
  assert.ok(cases.length >= 20, `${cases.length} golden cases`);
  for (const c of cases) {
    assert.ok(fs.existsSync(path.join(c.dir, 'input.log')), `${c.name}: input.log (sudo scripts/capture-golden.sh ${c.name})`);
    const exp = readExpected(c);
    for (const f of ['analysis.txt', 'csv.txt']) assert.ok(exp.has(f), `${c.name}: expected/${f} (npm run golden:refresh ${c.name})`);
  }
});

for (const c of cases) {
  test(`golden ${c.name}: ${c.about}${c.differs ? ` [differs: ${c.differs}]` : ''}`, async () => {
    if (c.differs) assert.ok(README.includes(c.differs), `the README's differences table does not name "${c.differs}"`);
    const ours = await runCase(c, 'ours');
    const diffs = compareOutputs(ours, readExpected(c), !!c.differs);
    assert.deepEqual(diffs, [], `${c.name}:\n${diffs.join('\n')}`);
  });
}
